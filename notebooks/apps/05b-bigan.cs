// Generated from 05b-bigan.ipynb by `dotnet run --project tools/GanCourse.Runner -- --export-apps`; do not edit: change the notebook and regenerate.
// Runs the lesson with no notebook host:  dotnet run notebooks/apps/05b-bigan.cs
// GANCOURSE_PROFILE=ci|cpu|gpu picks the profile; the displayed values go to output/apps/05b-bigan.html.
#:project ../../lib/GanCourse/GanCourse.csproj
#:project ../../tools/GanCourse.Runner/GanCourse.Runner.csproj
#:property PublishAot=false
#:property CreateHardLinksForCopyLocalIfPossible=true
#:property NoWarn=$(NoWarn);CS8600;CS8601;CS8602;CS8603;CS8604;CS8618;CS8625;CS8632

using GanCourse.Runtime;
using GanCourse.Data;
using GanCourse.Exercises;
using GanCourse.Metrics;
using GanCourse.Networks;
using GanCourse.Training;
using GanCourse.Visuals;
using TorchSharp;
using static TorchSharp.torch;
using GanCourse.Runner;
using static GanCourse.Runner.NotebookApp; // display(...), as in a notebook

NotebookApp.Start("05b-bigan", "65caf2c3cd2efb39");

// # 05b · BiGAN: a generator and its inverse
//
// The GANs so far map a code to an image, $z \mapsto G(z)$, but not back: given a real digit, they cannot say which
// $z$ would draw it. The **Bidirectional GAN** (BiGAN; Donahue, Krähenbühl & Darrell, 2017, *Adversarial Feature
// Learning*; the same model appeared at the same time as ALI, Dumoulin et al., 2017) adds an **encoder**
// $E: x \mapsto z$ next to the generator and lets the discriminator judge **pairs** (image, code). Seed 001 ends its
// tour of GAN variants (*Cycle GAN and Bidirectional GAN*) with the paper's Figure 1, the structure drawn in section 2.
//
// The point of the paper is in its title: $E$ is trained without any label, and its code $E(x)$ turns out to be a
// **representation** of the image, useful for a classifier trained with few labels (notebook 05's SGAN asked the same
// question of a discriminator).
//
// 1. the idea and the **objective**; the optimal discriminator and why $E = G^{-1}$ at the optimum;
// 2. the **pair picture**: what $D$ judges;
// 3. the models, and **the D step and the G/E step** on the page as code;
// 4. **training** with the course's one loop, live;
// 5. **samples** $G(z)$ and **reconstructions** $G(E(x))$: semantic, not pixel-exact, and measured;
// 6. $E(x)$ as a **representation**: a linear classifier on $E(x)$ against raw pixels and an untrained encoder, with
//    100 and 1,000 labels;
// 7. the results table and what it shows.
//
// The networks are in [Networks/BiganGenerator.cs](../lib/GanCourse/Networks/BiganGenerator.cs),
// [Networks/BiganEncoder.cs](../lib/GanCourse/Networks/BiganEncoder.cs),
// [Networks/JointDiscriminator.cs](../lib/GanCourse/Networks/JointDiscriminator.cs) and
// [Networks/Bigan.cs](../lib/GanCourse/Networks/Bigan.cs) ($G$ and $E$ in one module). They train with the course's
// one loop, [Training/AdversarialTrainer.cs](../lib/GanCourse/Training/AdversarialTrainer.cs): a BiGAN is one more
// `GanModel` (`GanModel.Bidirectional`), whose real batch becomes the pair $(x, E(x))$. The linear classifier is
// [Metrics/LinearProbe.cs](../lib/GanCourse/Metrics/LinearProbe.cs).

NotebookApp.Cell(2);
var course = Course.Init();

// ## 1. The idea and the objective
//
// Two directions, one game. The generator maps a code drawn from the prior to an image, $z \sim p_Z \mapsto G(z)$;
// the encoder maps a data image to a code, $x \sim p_X \mapsto E(x)$. Each gives a **joint distribution of pairs**:
// $P_{EX}$ of $(x, E(x))$ and $P_{GZ}$ of $(G(z), z)$. The discriminator $D(x, z)$ gets a pair and says whether it
// came from the encoder (with a real image) or from the generator (with a real code). The minimax objective
// (Donahue et al., 2017, eq. 3):
//
// $$\min_{G, E} \max_D \; V(D, E, G) = \mathbb{E}_{x \sim p_X}\big[\log D(x, E(x))\big] + \mathbb{E}_{z \sim p_Z}\big[\log\big(1 - D(G(z), z)\big)\big].$$
//
// It is notebook 03's game with pairs in place of images, so notebook 03's results carry over (the paper's
// Propositions 1 and 2): for fixed $E$ and $G$ the best discriminator is the density ratio of the two pair
// distributions, $D^*_{EG} = \frac{dP_{EX}}{d(P_{EX} + P_{GZ})}$, and against it the encoder and generator minimise
//
// $$C(E, G) = \max_D V(D, E, G) = 2\, \mathrm{JS}(P_{EX} \,\Vert\, P_{GZ}) - \log 4,$$
//
// whose minimum is reached only when $P_{EX} = P_{GZ}$ (Theorem 1). Both distributions live on a graph: $P_{EX}$
// only on pairs $(x, E(x))$, $P_{GZ}$ only on pairs $(G(z), z)$. If they are equal, every pair of one is a pair of the
// other, so **at the optimum $E = G^{-1}$** (Theorem 2): $G(E(x)) = x$ and $E(G(z)) = z$ almost everywhere. No
// reconstruction loss is ever written down; inverting $G$ is what fools a discriminator that sees both halves.
//
// **The trick for training.** As in notebook 03, $G$ and $E$ do not minimise $V$ itself (it saturates when $D$ is
// confident) but, as the paper does, **flip the labels**: they minimise $D$'s cross-entropy with "real" and "fake"
// swapped,
//
// $$\mathcal{L}_{G,E} = -\mathbb{E}_z \log D(G(z), z) \;-\; \mathbb{E}_x \log\big(1 - D(x, E(x))\big),$$
//
// so $G$ wants its pairs called real and $E$ wants its pairs called generated. The first term reaches only $G$, the
// second only $E$ (section 3 checks it on the gradients).

// ## 2. The pair picture
//
// The paper's Figure 1 as a block diagram: the encoder's chain and the generator's chain each make a pair, and the
// joint discriminator reads both halves of a pair through its own branch, the image through an $x$-branch and the
// code through a $z$-branch, joined before the verdict.

NotebookApp.Cell(5);
display(new BlockDiagram("BiGAN (Donahue et al. 2017, Figure 1): D judges pairs (image, code)",
    ("Encoder: a real pair", [new Block("x ~ data", Kind: "io"), new Block("E (MLP)"), new Block("code E(x)", Kind: "style"),
        new Block("(x, E(x)): real", Kind: "io")]),
    ("Generator: a generated pair", [new Block("z ~ N(0, I)", Kind: "style"), new Block("G (MLP)"), new Block("image G(z)", Kind: "io"),
        new Block("(G(z), z): fake", Kind: "io")]),
    ("Joint discriminator D(x, z)", [new Block("x-branch", "image"), new Block("z-branch", "code", "style"),
        new Block("concatenate"), new Block("MLP"), new Block("logit: real pair?", Kind: "io")])));

// **Exercise 5b.1 (predict).** What does the BiGAN discriminator judge in its step? (a) images only: real $x$ against generated $G(z)$, as in notebook 03; (b) codes only: $E(x)$ against $z \sim p(z)$; (c) pairs: $(x, E(x))$ for a real image, labelled real, against $(G(z), z)$ for a generated one, labelled fake.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("05b.1")` in a new cell reveals the worked solution.

NotebookApp.Cell(7);
string whatDSees = "";   // "a", "b" or "c"
display(Exercise.Check("05b.1", whatDSees));

// **Exercise 5b.2 (derivation).** For the optimal $D$ the objective is $C(E, G) = 2\,\mathrm{JS}(P_{EX} \Vert P_{GZ}) - \log 4$ (section 1). What is $C(E, G)$ at the global optimum, where $E$ and $G$ make the two joint distributions equal (natural logarithm)? What D loss does the trainer then log?
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("05b.2")` in a new cell reveals the worked solution.

NotebookApp.Cell(9);
double valueAtOptimum = double.NaN;   // C(E, G) when P_EX = P_GZ
display(Exercise.Check("05b.2", valueAtOptimum));

// ## 3. The models and the two steps
//
// Fully connected networks, as in the paper's permutation-invariant MNIST model (its networks have 1,024 units per
// layer; the `cpu` profile uses fewer): a 50-dimensional code (the paper's size), $z \sim \mathcal{N}(0, I)$,
//
// ```csharp
// // BiganGenerator G: z -> x                 // BiganEncoder E: x -> z
// Linear(50, h), BatchNorm1d(h), ReLU(),       Linear(784, h), LeakyReLU(0.2),
// Linear(h, h),  BatchNorm1d(h), ReLU(),       Linear(h, h), BatchNorm1d(h), LeakyReLU(0.2),
// Linear(h, 784), Tanh()   // (N, 1, 28, 28)   Linear(h, 50)                  // no activation: z is unbounded
//
// // JointDiscriminator D(x, z): two branches joined
// x_branch = Sequential(Linear(784, h), LeakyReLU(0.2), Dropout(0.2));
// z_branch = Sequential(Linear(50, h),  LeakyReLU(0.2), Dropout(0.2));
// joint    = Sequential(Linear(2h, h), LeakyReLU(0.2), Dropout(0.2), Linear(h, 1));   // logit of D(x, z)
// forward(pair) = joint(cat([x_branch(pair[:, :784]), z_branch(pair[:, 784:])], 1));
// ```
//
// The training loop passes one tensor per batch, so a pair travels **packed**: `Bigan.Pair(x, z)` $= [\mathrm{flatten}(x), z]$,
// $784 + 50$ numbers per row. Adam with $\beta_1 = 0.5$ for both sides as in DCGAN, but lr $5\cdot10^{-4}$ instead of DCGAN's $2\cdot10^{-4}$: in a short
// trial with $2\cdot10^{-4}$ the encoder inverted $G$ more slowly, and the `cpu` profile has only a few thousand steps. Batch 100,
// MNIST in $[-1, 1]$.

NotebookApp.Cell(11);
var latentDim = 50;
var batchSize = 100;
var lr = 5e-4;
var hidden = course.Profile.Pick(ci: 64, cpu: 256, gpu: 1024);
var steps = course.Profile.Pick(ci: 20, cpu: 3_000, gpu: 30_000);

var train = ImageDataset.Mnist("train", subset: course.Profile.Pick<int?>(ci: 1_000, cpu: null, gpu: null));
var test = ImageDataset.Mnist("test", subset: course.Profile.Pick(ci: 500, cpu: 2_000, gpu: 10_000));
Console.WriteLine(train);
Console.WriteLine(test);

Course.Seed(1);
var bigan = new Bigan(new BiganGenerator(latentDim, hidden), new BiganEncoder(latentDim, hidden: hidden));
var d = new JointDiscriminator(latentDim, hidden: hidden);
bigan.to(course.Device); d.to(course.Device);
long Count(nn.Module m) => m.parameters().Sum(p => p.numel());
Console.WriteLine($"G {Count(bigan.Generator):N0}, E {Count(bigan.Encoder):N0}, D {Count(d):N0} parameters");

// ### 3.1 The D step
//
// One real batch $x$ and one batch of codes $z$; the two kinds of pair, made without gradients ($G$ and $E$ are fixed
// in this step); then $D$'s cross-entropy, real pairs against target 1 and generated pairs against target 0. With
// logits $l$, $-\log \sigma(l) = \mathrm{softplus}(-l)$ and $-\log(1 - \sigma(l)) = \mathrm{softplus}(l)$:

NotebookApp.Cell(13);
Course.Seed(5);
var x = train.Images[..batchSize].to(course.Device);
var z = torch.randn(batchSize, latentDim, device: course.Device);
Tensor realPair, fakePair;
using (torch.no_grad())
{
    realPair = bigan.EncodePair(x);     // (x, E(x)) = [flatten(x), E(x)]: (100, 784 + 50)
    fakePair = bigan.forward(z);        // (G(z), z)
}
var lossD = nn.functional.softplus(-d.forward(realPair)).mean()     // −log D(x, E(x))
          + nn.functional.softplus(d.forward(fakePair)).mean();     // −log(1 − D(G(z), z))
lossD.backward();
double GradNorm(nn.Module m) => Math.Sqrt(m.parameters().Sum(p => p.grad is { } g ? g.pow(2).sum().item<float>() : 0.0));
Console.WriteLine($"pairs: real [{string.Join(", ", realPair.shape)}], generated [{string.Join(", ", fakePair.shape)}]");
Console.WriteLine($"D loss {lossD.item<float>():F4} (log 4 = {Math.Log(4):F4}: D says 1/2 to everything)");
Console.WriteLine($"gradient norms after the D loss: D {GradNorm(d):F4}, G {GradNorm(bigan.Generator):F4}, E {GradNorm(bigan.Encoder):F4}");
d.zero_grad();

// ### 3.2 The G/E step
//
// Fresh codes and a fresh real batch in the trainer; here the same ones, to see where each term's gradient goes. The
// generated pairs are scored with the label "real" (the term of $G$), the real pairs with the label "fake" (the term of
// $E$). We backpropagate the two terms one at a time and read the gradient norms of the three networks after each:

NotebookApp.Cell(15);
var rows = new List<(string Term, double G, double E, double D)>();
var lossG = nn.functional.softplus(-d.forward(bigan.forward(z))).mean();      // −log D(G(z), z): flipped label
lossG.backward();
rows.Add(("fake-pair term −log D(G(z), z)", GradNorm(bigan.Generator), GradNorm(bigan.Encoder), GradNorm(d)));
bigan.zero_grad(); d.zero_grad();
var lossE = nn.functional.softplus(d.forward(bigan.EncodePair(x))).mean();    // −log(1 − D(x, E(x))): flipped label
lossE.backward();
rows.Add(("real-pair term −log(1 − D(x, E(x)))", GradNorm(bigan.Generator), GradNorm(bigan.Encoder), GradNorm(d)));
bigan.zero_grad(); d.zero_grad();
display(Table.From(rows.Select(r => new { r.Term, GradNormG = r.G.ToString("F4"), GradNormE = r.E.ToString("F4"), GradNormD = r.D.ToString("F4") }),
    "Which network each term of the G/E loss reaches (D's gradient is discarded: its optimizer clears it before D's next update)"));

// The fake-pair term reaches $G$ (through $G(z)$) and not $E$: $z$ is drawn, not computed. The real-pair term reaches
// $E$ (through $E(x)$) and not $G$: $x$ is data. Both reach $D$, whose gradient the G/E step does not use. So the two
// players of one side learn from different pairs, and the only thing that ties them together is $D$, which sees both.

// **Exercise 5b.3 (code).** Write the loss the G/E step descends, from $D$'s logits on a batch of generated pairs $(G(z), z)$, `fake` $(N)$, and on a batch of real pairs $(x, E(x))$, `real` $(N)$. Use the paper's trick: flip the labels, so that $G$ and $E$ minimise $D$'s BCE loss with the targets swapped (generated pairs labelled real, real pairs labelled fake). (`nn.functional.softplus`, or `nn.functional.binary_cross_entropy_with_logits`.) The check compares your function with the loss on random logits.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("05b.3")` in a new cell reveals the worked solution.

NotebookApp.Cell(18);
Func<Tensor, Tensor, Tensor> lossGE = (fake, real) => throw new NotImplementedException();   // replace with the G/E loss
display(Exercise.Check("05b.3", lossGE));

// ### 3.3 In the course's training loop
//
// The loop of notebook 03 needs only the pairs. `GanModel.Bidirectional(bigan, d)` makes the "generator" module the
// pair $(G, E)$ (one optimizer updates both) and the generated batch $(G(z), z)$; its `EncodeReal` turns each real batch
// into $(x, E(x))$. In [AdversarialTrainer.cs](../lib/GanCourse/Training/AdversarialTrainer.cs) that adds two things:
//
// ```csharp
// // DiscriminatorStep: D sees (x, E(x)), E fixed here
// if (Model.EncodeReal is { } encode)
//     using (no_grad()) real = real with { Images = encode(real.Images) };
//
// // GeneratorStep, after G's term Loss.Generator(D(G(z), z)): E's term on a fresh real batch, the real pair
// // scored as a fake one (negating a logit swaps σ(l) and 1 − σ(l)): softplus(l) = −log(1 − D(x, E(x)))
// var encoderLoss = Loss.Generator(Model.RunDiscriminator(encode(x), labels).Scores.reshape(-1).neg());
// losses["E"] = encoderLoss.item<float>();
// loss = loss + encoderLoss;
// ```
//
// The trainer logs the three losses: D's cross-entropy, $G$'s term and $E$'s term.

// ## 4. Training
//
// The live view shows, every few steps, three rows of test digits $x$ with their reconstructions $G(E(x))$ below each,
// then two rows of samples $G(z)$ for fixed codes. The losses are D's cross-entropy (equilibrium: $\log 4 \approx 1.39$),
// $G$'s term and $E$'s term.

NotebookApp.Cell(21);
Course.Seed(7);
var fixedZ = torch.randn(20, latentDim);
var showX = test.Images[..30];
ImageGrid Snapshot(string title)
{
    var rec = bigan.Reconstruct(showX);
    var rows = Enumerable.Range(0, 3).SelectMany(r => new[] { showX[(r * 10)..(r * 10 + 10)], rec[(r * 10)..(r * 10 + 10)] });
    return ImageGrid.From(torch.cat(rows.Append(bigan.Generate(fixedZ)).ToList(), 0), nrow: 10, valueRange: (-1, 1), padValue: 0.5, title: title);
}
optim.Optimizer Adam(IEnumerable<TorchSharp.Modules.Parameter> p) => optim.Adam(p, lr, beta1: 0.5, beta2: 0.999);
Course.Seed(1);
var stream = new BatchStream(train, batchSize, seed: 1, device: course.Device);
var trainer = new AdversarialTrainer(GanModel.Bidirectional(bigan, d), new NonSaturatingGanLoss(), () => stream.Next(),
    new AdversarialConfig(latentDim, batchSize), Adam, Adam);
var run = trainer.Run(steps, new TrainingView("BiGAN on MNIST", steps,
    samples: () => Snapshot($"step {trainer.Step}: rows x / G(E(x)) three times, then G(z)")));
Console.WriteLine(run);
display(Snapshot($"BiGAN after {trainer.Step} steps: rows x / G(E(x)) three times, then samples G(z)"));

NotebookApp.Cell(22);
double[] Smooth(IEnumerable<float> v, int w) { var a = v.Select(x => (double)x).ToArray(); return a.Select((_, i) => a[Math.Max(0, i - w + 1)..(i + 1)].Average()).ToArray(); }
var window = Math.Max(1, steps / 50);
var xs = trainer.History.Select(s => (double)s.Step).ToArray();
display(Charts.Lines($"BiGAN losses (moving average over {window} steps)", "step", "loss",
    new Series("D: BCE on both kinds of pair", xs, Smooth(trainer.History.Select(s => s.D), window)),
    new Series("G: −log D(G(z), z)", xs, Smooth(trainer.History.Select(s => s.G), window)),
    new Series("E: −log(1 − D(x, E(x)))", xs, Smooth(trainer.History.Select(s => s.Losses["E"]), window)),
    new Series("log 4 (equilibrium D loss)", [xs[0], xs[^1]], [Math.Log(4), Math.Log(4)])));

// Read the D curve against $\log 4$: below it, $D$ still tells the pairs apart. In a BiGAN $D$ has an easy cue for a
// long time, the **mismatch between image and code**: even when $G(z)$ looks like a digit and $E(x)$ looks Gaussian,
// a code that does not belong to its image gives the pair away. The $E$ term is the one that has to close that gap.

// ## 5. Samples and reconstructions
//
// First the generator alone: 64 samples $G(z)$, $z \sim \mathcal{N}(0, I)$, as for any GAN.

NotebookApp.Cell(25);
Course.Seed(11);
display(ImageGrid.From(bigan.Generate(torch.randn(64, latentDim)), nrow: 8, valueRange: (-1, 1), padValue: 0.5,
    title: $"BiGAN samples G(z) after {trainer.Step} steps"));

// **Exercise 5b.4 (theory).** At the global optimum $P_{EX} = P_{GZ}$ (Theorem 1). What follows for a data image $x$ and a code $z$? (a) $E = G^{-1}$: $G(E(x)) = x$ for almost every $x$ and $E(G(z)) = z$ for almost every $z$; (b) only the marginals agree: $G(z)$ looks like data and $E(x)$ like $\mathcal{N}(0, I)$, but a code need not belong to its image; (c) $G(E(x))$ shows the same class as $x$, but never the same image.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("05b.4")` in a new cell reveals the worked solution.

NotebookApp.Cell(27);
string atTheOptimum = "";   // "a", "b" or "c"
display(Exercise.Check("05b.4", atTheOptimum));

// **Reconstructions.** Now the encoder and the generator together: test digits $x$ (odd rows) and $G(E(x))$ below
// each (even rows). No loss ever compared $G(E(x))$ with $x$; if the reconstruction resembles $x$, it is because $E$
// learned to give $x$ the code that $G$ turns back into something like it. The optimum promises $G(E(x)) = x$; a finite
// run gives **semantic** reconstructions at best: often the same digit, in another style, rarely the same pixels.

NotebookApp.Cell(29);
var reconX = test.Images[30..80];
var recon = bigan.Reconstruct(reconX);
var pairRows = Enumerable.Range(0, 5).SelectMany(r => new[] { reconX[(r * 10)..(r * 10 + 10)], recon[(r * 10)..(r * 10 + 10)] }).ToList();
display(ImageGrid.From(torch.cat(pairRows, 0), nrow: 10, valueRange: (-1, 1), padValue: 0.5,
    title: "Test digits x (rows 1, 3, 5, 7, 9) and their reconstructions G(E(x)) (rows 2, 4, 6, 8, 10)"));

// Two numbers on the whole test subset. **Class agreement**: the share of reconstructions that the kit's MNIST
// classifier (`FeatureClassifier`, notebook 05's yardstick) reads as the class of $x$, i.e. the digit survived the
// round trip $x \to E(x) \to G(E(x))$. **Pixel distance**: the mean $L_2$ distance $\lVert G(E(x)) - x \rVert_2$ (pixels in
// $[-1, 1]$). Each against a baseline that ignores $x$: a random sample $G(z)$ for the agreement (it matches $x$'s class
// by chance, about 10%), and for the distance both $G(z)$ and another real test digit, of any class or of $x$'s class.

NotebookApp.Cell(31);
var classifier = FeatureClassifier.Load("mnist", course.Device);
Tensor Predict(Tensor images) { using (torch.no_grad()) return classifier.Predict(images.to(course.Device)).cpu(); }
double Agreement(Tensor images) => Predict(images).eq(test.Labels).to(float32).mean().item<float>();
double L2(Tensor a, Tensor b) => (a - b).pow(2).flatten(1).sum(1).sqrt().mean().item<float>();
var testRecon = bigan.Reconstruct(test.Images);
Course.Seed(13);
var testSamples = bigan.Generate(torch.randn(test.Count, latentDim));
var others = torch.randperm(test.Count);                                    // another real digit, any class
var byClass = Enumerable.Range(0, test.Count).GroupBy(i => test.Labels[i].item<long>()).ToDictionary(g => g.Key, g => g.ToArray());
var sameClass = torch.tensor(Enumerable.Range(0, test.Count).Select(i =>      // another real digit of the same class
    { var c = byClass[test.Labels[i].item<long>()]; return (long)c[(Array.IndexOf(c, i) + 1) % c.Length]; }).ToArray());
var recRows = new List<(string Pair, double Agreement, double L2)>
{
    ("G(E(x)): the reconstruction", Agreement(testRecon), L2(testRecon, test.Images)),
    ("G(z): a random sample", Agreement(testSamples), L2(testSamples, test.Images)),
    ("another test digit, any class", Agreement(test.Images.index_select(0, others)), L2(test.Images.index_select(0, others), test.Images)),
    ("another test digit, same class", Agreement(test.Images.index_select(0, sameClass)), L2(test.Images.index_select(0, sameClass), test.Images)),
};
display(Table.From(recRows.Select(r => new { Compared_with_x = r.Pair, ReadAsTheClassOfX = $"{100 * r.Agreement:F1}%", MeanL2 = r.L2.ToString("F2") }),
    $"Reconstructions of {test.Count} test digits: the classifier's class agreement with x, and the pixel distance to x"));

// Read the pixel column against its baselines, never alone: $L_2$ rewards blur, so an image near the average digit is
// closer to most $x$ than a sharp digit of another style, and even another test digit *of the same class* is far from
// $x$ in pixels. A pixel-exact autoencoder (notebook 01) would beat every row on $L_2$; the BiGAN is not trained for it.
// Its claim is the class column: how much more often than a random sample $G(z)$ the reconstruction is the same digit.

// ## 6. $E(x)$ as a representation
//
// The paper's argument: a BiGAN encoder trained without labels gives features that a simple classifier reads well.
// The test is a **linear probe**: logistic regression on frozen features, fitted on a few labelled training images and
// scored on the test digits. Three feature maps of the same images:
//
// * the **raw pixels** (784 numbers): the baseline without any learning;
// * the BiGAN's code **$E(x)$** (50 numbers);
// * the code of a **random encoder**, the same `BiganEncoder` untrained (50 numbers): what the architecture gives by
//   itself, without the adversarial training.
//
// Label budgets of 100 and 1,000 images (the first ones of the training set, balanced over the digits, as in notebook
// 05's SGAN experiment). Features are standardised; the weights start at zero, so a fit is deterministic.

// **Exercise 5b.5 (predict).** With 100 labels, what does the BiGAN paper's argument predict for the two encoders? (a) the trained $E$ beats the random one: adversarial training makes the code keep what tells digits apart; (b) about the same: any 50-number projection is as good for a linear classifier; (c) the random encoder is better: it has not thrown anything away. Predict, then run the probe.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("05b.5")` in a new cell reveals the worked solution.

NotebookApp.Cell(35);
string probeRanking = "";   // "a", "b" or "c"
display(Exercise.Check("05b.5", probeRanking));

NotebookApp.Cell(36);
var budgets = course.Profile.Pick(ci: new[] { 100, 500 }, cpu: new[] { 100, 1_000 }, gpu: new[] { 100, 1_000 });
Course.Seed(21);
var randomE = new BiganEncoder(latentDim, hidden: hidden);
randomE.to(course.Device).eval();
var features = new (string Name, Func<Tensor, Tensor> Of)[]
{
    ("raw pixels (784)", images => images.flatten(1)),
    ("BiGAN E(x) (50)", images => bigan.Encode(images)),
    ("random encoder (50)", images => { using (torch.no_grad()) return randomE.forward(images.to(course.Device)).cpu(); }),
};
var probeRows = new List<(int Labels, string Features, double Train, double Test)>();
foreach (var n in budgets)
{
    using var labelled = train.Subset(n);
    foreach (var (name, of) in features)
    {
        using var probe = LinearProbe.Fit(of(labelled.Images), labelled.Labels);
        probeRows.Add((n, name, probe.TrainAccuracy, probe.Accuracy(of(test.Images), test.Labels)));
    }
}
display(Table.From(probeRows.Select(r => new { r.Labels, r.Features, TrainAccuracy = $"{100 * r.Train:F1}%", TestAccuracy = $"{100 * r.Test:F1}%" }),
    $"Linear probe on {test.Count} test digits: logistic regression on frozen features"));

NotebookApp.Cell(37);
display(Charts.Bars($"Linear-probe test accuracy (BiGAN after {trainer.Step} steps)", "test accuracy",
    probeRows.Select(r => $"{r.Features}, {r.Labels} labels").ToList(), probeRows.Select(r => r.Test).ToList()));

// Compare, for each label budget, the BiGAN row with the random encoder's (the same network, untrained) and with
// the raw pixels. The train column shows why few labels are hard: with 100 labelled images every feature map fits its
// training set, and only the test column says what generalises. Section 7 states this run's numbers.

// **Exercise 5b.6 (experiment).** Train the BiGAN again with a discriminator that ignores the code: in section 3's setup cell, build `new JointDiscriminator(latentDim, hidden: hidden, useLatent: false)`, and run sections 3 to 6 again. Predict first: what happens to the samples $G(z)$, to the reconstructions $G(E(x))$, and to the probe accuracy of $E(x)$ against the random encoder? Then put `useLatent` back. `Exercise.Solution("05b.6")` says what to look for.

// ## 7. Results
//
// One table of this run's measurements, and the text built from it.

NotebookApp.Cell(41);
double ProbeAcc(int n, string prefix) => probeRows.First(r => r.Labels == n && r.Features.StartsWith(prefix)).Test;
var results = new List<(string Measure, string Value)>
{
    ("training", $"{trainer.Step:N0} steps of {batchSize}, {run.Seconds:F0} s"),
    ("final D loss (mean of the last 10%)", trainer.History.Skip(trainer.History.Count * 9 / 10).Average(s => s.D).ToString("F3")),
    ("reconstructions G(E(x)) read as x's class", $"{100 * recRows[0].Agreement:F1}%"),
    ("random samples G(z) read as x's class", $"{100 * recRows[1].Agreement:F1}%"),
    ("mean L2 of G(E(x)) to x", recRows[0].L2.ToString("F2")),
    ("mean L2 of a same-class test digit to x", recRows[3].L2.ToString("F2")),
};
foreach (var n in budgets)
    foreach (var (name, _) in features)
        results.Add(($"linear probe, {n} labels: {name}", $"{100 * ProbeAcc(n, name[..6]):F1}%"));
display(Table.From(results.Select(r => new { r.Measure, ThisRun = r.Value }), $"BiGAN on MNIST, {course.Profile.Name()} profile"));

NotebookApp.Cell(42);
// built from this run's tables, so the text always describes the run above
var (lo, hi) = (budgets[0], budgets[^1]);
string Vs(double a, double b) => a > b + 0.005 ? "above" : a < b - 0.005 ? "below" : "level with";
display(Prose.From(new[]
{
    $"**What this run measured** ({course.Profile.Name()} profile, {trainer.Step:N0} steps):",
    $"* Reconstructions: the classifier reads {100 * recRows[0].Agreement:F1}% of the reconstructions G(E(x)) as the digit of x, against " +
    $"{100 * recRows[1].Agreement:F1}% for random samples G(z); their mean pixel distance to x is {recRows[0].L2:F2}, " +
    $"{Vs(recRows[0].L2, recRows[3].L2)} the {recRows[3].L2:F2} of another test digit of the same class (0 would be pixel-exact). " +
    (recRows[0].Agreement > recRows[1].Agreement + 0.05 ? "The round trip keeps the class more often than chance, though far from always." : "In this run the round trip keeps the class hardly more often than chance."),
    $"* Linear probe with {lo} labels: E(x) {100 * ProbeAcc(lo, "BiGAN"):F1}%, {Vs(ProbeAcc(lo, "BiGAN"), ProbeAcc(lo, "random"))} the random encoder's " +
    $"{100 * ProbeAcc(lo, "random"):F1}% and {Vs(ProbeAcc(lo, "BiGAN"), ProbeAcc(lo, "raw p"))} the raw pixels' {100 * ProbeAcc(lo, "raw p"):F1}%.\n" +
    $"* With {hi} labels: E(x) {100 * ProbeAcc(hi, "BiGAN"):F1}%, random encoder {100 * ProbeAcc(hi, "random"):F1}%, raw pixels {100 * ProbeAcc(hi, "raw p"):F1}%.",
}));

// ## Takeaways
//
// * **BiGAN**: an encoder $E: x \mapsto z$ next to $G: z \mapsto x$, and a discriminator of **pairs**:
//   $\min_{G,E} \max_D \mathbb{E}_x[\log D(x, E(x))] + \mathbb{E}_z[\log(1 - D(G(z), z))]$.
// * At the optimum the two joint distributions are equal, $P_{EX} = P_{GZ}$, the value is $-\log 4$, and **$E = G^{-1}$**
//   (Donahue et al. 2017, Theorems 1-2), without any reconstruction loss.
// * Training: the paper's non-saturating trick, **flipped labels** for $G$ and $E$; the fake-pair term trains $G$, the
//   real-pair term trains $E$, and only $D$ sees both. In the course's loop this is `GanModel.Bidirectional`: the real
//   batch becomes $(x, E(x))$ and $E$'s term is added to the generator step.
// * Reconstructions $G(E(x))$ of a finite run are **semantic, not pixel-exact**: measure them by class agreement, not $L_2$.
// * $E(x)$ as a **representation**: a linear probe with few labels, against raw pixels and an untrained encoder of the
//   same shape, the comparison the paper argues with.
//
// **What the measurements showed.** Section 5: the class agreement of the reconstructions against the random-sample
// baseline (chance), and their pixel distance against that of a same-class digit. Section 6: the BiGAN encoder against the
// random encoder, per label budget, and both against the raw pixels. Section 7 states the numbers of this run; in a short
// run the BiGAN's inverse is rough and the gains are modest, and both grow with training (`gpu` profile: 30,000 steps).
//
// **Discussion questions**
//
// 1. Why can $D$ tell a generated pair from a real one even when $G(z)$ looks like a digit and $E(x)$ looks like
//    $\mathcal{N}(0, I)$? What must change for $D$ to lose that cue?
// 2. An autoencoder (notebook 01) reconstructs pixels better. Why might its code still be a worse representation for
//    classifying digits, and what would you measure to find out?
// 3. The raw pixels are a strong baseline on MNIST. On which kind of data would you expect a learned code to beat the
//    pixels by far, and why?

NotebookApp.End();
