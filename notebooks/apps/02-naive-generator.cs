// Generated from 02-naive-generator.ipynb by `dotnet run --project tools/GanCourse.Runner -- --export-apps`; do not edit: change the notebook and regenerate.
// Runs the lesson with no notebook host:  dotnet run notebooks/apps/02-naive-generator.cs
// GANCOURSE_PROFILE=ci|cpu|gpu picks the profile; the displayed values go to output/apps/02-naive-generator.html.
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

NotebookApp.Start("02-naive-generator", "a14aa23e1277225f");

// # 02 · The naive generator
//
// In notebook 01 an autoencoder *reconstructed* its input. Now we want a network that **creates** new data:
//
// * **given:** unlabelled data (here: points on a parabola),
// * **wanted:** new samples that are **similar** to the data but **do not repeat** it (except by chance),
// * and a different result on every run, so generation needs an **element of randomness**.
//
// This notebook follows the first part of the lecture (seed 004, *Latent space* and *Naive approach*):
//
// 1. the **input latent space**: why a generator takes a random *vector*, how long it should be, and why it is Gaussian;
// 2. the **naive generator**: a network from noise to points, trained with the lecture's two hand-made losses;
// 3. with numbers and plots, why it **collapses** to a narrow piece of the parabola;
// 4. the way out: a second network that judges the samples, the **discriminator** (notebook 03).

NotebookApp.Cell(2);
var course = Course.Init();

// The networks of this notebook are tiny (a few thousand weights). For them one CPU thread is as fast as several,
// and it stays fast when other programs keep the cores busy, where several threads would wait for each other at
// every operation (on this course's 2-core machine: 10x slower). On a GPU this setting changes nothing.

NotebookApp.Cell(4);
Course.SetThreads(1);

// ## 1. The input latent space
//
// Networks are deterministic: in evaluation mode the same input always gives the same output. To get a *different*
// sample each time, we feed the generator **random noise** $z$ and let it turn the noise into a sample $G(z)$.
//
// Why a **vector** and not a single random number? Each component of $z$ is an independent random variable that the
// generator can use as one "knob" (feature) of the object it creates. With one number, all samples lie along **one
// scale**: a face generator with $z \in \mathbb{R}^1$ might learn "young blonde woman → old dark-haired man" and could
// never produce a red-haired child with glasses. More components = more degrees of freedom = more **variability**.
// This space of $z$ is the **input latent space** (also *predefined latent space*; not to be confused with an
// autoencoder's learned latent code from notebook 01).
//
// **How many dimensions?** A balance:
//
// * **too few** → low variability, as above;
// * **too many** → the space is **sparse**: the training run visits only a vanishing fraction of it, and the generator
//   is poor far from the points it saw.
//
// Best: take the size from a paper on a similar task; otherwise start small (get the whole pipeline working, even with
// little diversity) and then search upwards. Domain knowledge helps: *how many real numbers describe what matters
// about one object?*
//
// **Which distribution?** Almost always the **multivariate standard normal**, $z \sim \mathcal{N}(0, I)$: like a
// normalised input, it interacts well with the weight initialisation and speeds up convergence. Here are samples of a
// 2-D standard normal:

NotebookApp.Cell(6);
Course.Seed(42);
var z2 = torch.randn(2000, 2);
display(Charts.Scatter("z ~ N(0, I) in 2-D: 2,000 samples", "z₁", "z₂", Charts.Points("z", z2)));

// **Exercise 2.1 (predict).** Draw 1,000 points $z \sim \mathcal N(0, I)$ in $d$ dimensions and divide the mean distance from each point to its **nearest** neighbour by the mean distance between two points. As $d$ grows from 1 to 128, this ratio (a) falls towards 0, (b) stays about the same, (c) rises towards 1. The next cells measure it; predict first.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("02.1")` in a new cell reveals the worked solution.

NotebookApp.Cell(8);
string prediction = "";   // "a", "b" or "c"
display(Exercise.Check("02.1", prediction));

// **Sparsity in numbers.** Take the same number of latent points (1,000, a small training run's worth) in more and
// more dimensions. In 1-D each point has a neighbour right next to it; as the dimension grows, the distance to the
// *nearest* other point approaches the distance to a *typical* other point, i.e. between the points there is only
// empty space, and the generator gets no training signal there.

NotebookApp.Cell(10);
var dims = new[] { 1, 2, 4, 8, 16, 32, 64, 128 };
var ratios = new List<double>();
foreach (var d in dims)
{
    using var scope = torch.NewDisposeScope();
    var z = torch.randn(1000, d);
    var dist = torch.cdist(z, z) + torch.eye(1000) * 1e9;      // ignore each point's distance to itself
    var nearest2 = dist.min(1).values.mean().item<float>();
    var typical = torch.cdist(z, z).sum().item<float>() / (1000.0 * 999);
    ratios.Add(nearest2 / typical);
    Console.WriteLine($"dim {d,3}: mean nearest-neighbour distance {nearest2,6:F3}, mean distance {typical,6:F3}, ratio {nearest2 / typical:F2}");
}
display(Charts.Lines("1,000 latent points: nearest-neighbour / typical distance", "latent dimension", "ratio",
    new Series("nearest / typical", dims.Select(d => (double)d).ToArray(), ratios.ToArray())));

// ## 2. The naive approach (how *not* to do it)
//
// Let us build a generator of **points on a parabola**. The most obvious idea: feed random noise into a network and
// expect points of the parabola at the output. The data set is the lecture's `gen_pair`: $x \sim U[-1, 1]$,
// $y = x^2$ (`ToyData.Parabola`).

NotebookApp.Cell(12);
Course.Seed(42);
var pairs = ToyData.Parabola(100);
display(Charts.Scatter("Random points on the parabola: the data set", "x", "y", Charts.Points("real", pairs)));

// As in the lecture, the latent space has **one** dimension, $ls = 1$, and we pair $10 \times 128$ noise values with
// as many parabola points, split 80/20 into train and test sets (`train_test_split(dataset, train_size=0.8)`), and
// shuffle the training set into batches of 128 every epoch. The lecture trains for 600 epochs with Adam, lr $10^{-3}$.

NotebookApp.Cell(14);
// Hyper-parameters of the lecture (seed 004); ci shortens the training only.
var nBatches = 10;
var batchSize = 128;
var ls = 1;                       // latent space
var numEpochs = course.Profile.Pick(ci: 40, cpu: 600, gpu: 600);
var lr = 1e-3;

Course.Seed(42);
var noise = torch.randn(nBatches * batchSize, ls);              // NN input
var xyPair = ToyData.Parabola(nBatches * batchSize);            // NN output
var perm = torch.randperm(noise.shape[0]);
var nTrain = (int)(0.8 * noise.shape[0]);
var trainNoise = noise.index_select(0, perm[..nTrain]);
var trainPairs = xyPair.index_select(0, perm[..nTrain]);
var testNoise = noise.index_select(0, perm[nTrain..]);
var testPairs = xyPair.index_select(0, perm[nTrain..]);
Console.WriteLine($"NN input: noise [{string.Join(", ", noise.shape)}]   NN output: xy_pair [{string.Join(", ", xyPair.shape)}]");
Console.WriteLine($"train {trainNoise.shape[0]}, test {testNoise.shape[0]}, {numEpochs} epochs of {nTrain / batchSize} batches");

// The model is the lecture's `GenModel` (`NaiveGenerator` in
// [lib/GanCourse/Networks/Mlp.cs](../lib/GanCourse/Networks/Mlp.cs)): noise → 50 → 50 → 2 with ReLUs and **no output
// activation**, since we do not restrict the generator to a range:
//
// ```csharp
// model = Sequential(Linear(latentSpace, 50), ReLU(), Linear(50, 50), ReLU(), Linear(50, 2)); // x, y
// ```

NotebookApp.Cell(16);
foreach (var (name, p) in new NaiveGenerator(latentSpace: ls).named_parameters())
    Console.WriteLine($"{name,-16} [{string.Join(", ", p.shape)}]");

// ### Two losses
//
// We do not know *where* on the parabola the generator will put a new point, so it is not clear which data point to
// compare it with. The lecture tries two ways out.
//
// **Variant 1: the analytic loss.** For a generated $(x, y)$ compute the target $y_{target} = x^2$ and penalise the
// difference (`AnalyticParabolaLoss` in [Training/Losses.cs](../lib/GanCourse/Training/Losses.cs)):
//
// $$\mathcal{L}_1 = \frac{1}{B}\sum_{i=1}^{B} \left| x_i^2 - y_i \right|$$
//
// This works, but if we can compute the exact output for an input, the problem is already solved and we need no network.
//
// **Variant 2: the nearest-neighbour loss.** Find the data point $target_j$ nearest to the generated point and use the
// distance as the loss (`NearestNeighbourLoss`); like the lecture, it remembers one training batch (128 points) as
// the targets:
//
// $$\mathcal{L}_2 = \frac{1}{B}\sum_{i=1}^{B} \min_j \operatorname{dist}(target_j, generated_i)$$
//
// In high dimensions this search is very expensive (and remembering every real sample is impossible in practice), but
// on our toy problem it works.
//
// The training loop is an ordinary supervised loop, except that the "labels" are never used. After each epoch we also
// record the test loss (the nearest-neighbour distance of $G(z_{test})$ to the test points, as the lecture's
// `get_test_loss`) and the spread (standard deviation) of the generated $x$.

// **Exercise 2.2 (code).** Write the analytic loss $\mathcal{L}_1 = \frac{1}{B}\sum_i \left| x_i^2 - y_i \right|$ as a function of the generated points, a tensor of shape $[B, 2]$ with $x$ in column 0 and $y$ in column 1 (`pairs[.., 0]`, `pairs[.., 1]`). The check compares it with the library's `AnalyticParabolaLoss.Compute`, which the training below uses.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("02.2")` in a new cell reveals the worked solution.

NotebookApp.Cell(19);
Func<Tensor, Tensor> l1 = pairs => throw new NotImplementedException();   // replace with mean |x² − y|
display(Exercise.Check("02.2", l1));

NotebookApp.Cell(20);
(NaiveGenerator Model, List<double> Train, List<double> Test, List<double> XStd) TrainNaive(string name, Func<Tensor, Tensor> criterion)
{
    Course.Seed(42);                                  // same initial weights and batch order for both losses
    var model = new NaiveGenerator(latentSpace: ls);
    var optimizer = optim.Adam(model.parameters(), lr: lr);
    var testLoss = new NearestNeighbourLoss(testPairs);
    var (train, test, xStd) = (new List<double>(), new List<double>(), new List<double>());
    for (var epoch = 0; epoch < numEpochs; epoch++)
    {
        var order = torch.randperm(nTrain);           // DataLoader(shuffle=True)
        double lossEpoch = 0;
        var batches = nTrain / batchSize;
        for (var b = 0; b < batches; b++)
        {
            using var scope = torch.NewDisposeScope();
            var idx = order[(b * batchSize)..((b + 1) * batchSize)];
            optimizer.zero_grad();
            var outputs = model.forward(trainNoise.index_select(0, idx));
            var loss = criterion(outputs);
            loss.backward();
            optimizer.step();
            lossEpoch += loss.item<float>();
        }
        order.Dispose();
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var generated = model.forward(testNoise);
            train.Add(lossEpoch / batches);
            test.Add(testLoss.Compute(generated).item<float>());
            xStd.Add(generated[.., 0].std().item<float>());
        }
        if (epoch % 100 == 0 || epoch == numEpochs - 1)
            Console.WriteLine($"{name}: epoch={epoch} train_loss={train[^1]:F4} test_loss={test[^1]:F4}");
    }
    return (model, train, test, xStd);
}

// And a helper that samples a trained generator from fresh noise, like the lecture's `test_image`:

NotebookApp.Cell(22);
// Generates 1,000 points from fresh noise, like the lecture's test_image, and measures them on 2,500.
Tensor Generate(NaiveGenerator model, int n)
{
    model.eval();
    using (torch.no_grad()) return model.forward(torch.randn(n, ls));
}

// ### Variant 1: train with the analytic loss

NotebookApp.Cell(24);
var analytic = TrainNaive("analytic loss", AnalyticParabolaLoss.Compute);
var genAnalytic = Generate(analytic.Model, 1000);
display(Charts.Scatter("Naive generator, analytic loss |x² − y|", "x", "y",
    Charts.Points("real", xyPair), Charts.Points("generated", genAnalytic)));

// ### Variant 2: train with the nearest-neighbour loss

NotebookApp.Cell(26);
var targets = trainPairs[..batchSize];                          // next(iter(train_loader))[1]: one batch of targets
var nnLoss = new NearestNeighbourLoss(targets);
var nearest = TrainNaive("nearest-neighbour loss", nnLoss.Compute);
var genNearest = Generate(nearest.Model, 1000);
display(Charts.Scatter("Naive generator, nearest-neighbour loss", "x", "y",
    Charts.Points("real", xyPair), Charts.Points("targets (128)", targets), Charts.Points("generated", genNearest)));

// **Exercise 2.3 (derivation).** The data's $x$ is uniform on $[-1, 1]$. What is its standard deviation? It is the yardstick for the spread of the generated $x$ in the next section.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("02.3")` in a new cell reveals the worked solution.

NotebookApp.Cell(28);
double xStd = double.NaN;   // the standard deviation of x ~ U[-1, 1]
display(Exercise.Check("02.3", xStd));

// ## 3. It collapses, in numbers
//
// Both generators put their points **on** the parabola, but only on a **narrow interval** of $x$. The library's
// `ParabolaMetrics.Measure` ([Metrics/ParabolaCoverage.cs](../lib/GanCourse/Metrics/ParabolaCoverage.cs)) turns this
// into numbers on 2,500 samples:
//
// * the **spread** of the generated $x$: the range holding the central 90% (1.8 for $x \sim U[-1, 1]$) and the
//   standard deviation ($1/\sqrt{3} \approx 0.577$ for $U[-1, 1]$);
// * the share of samples **on the parabola**: within Euclidean distance 0.05 of the curve $y = x^2$;
// * the share of **the parabola covered**: $[-1, 1]$ is cut into 20 bins of $x$, and a bin counts when it holds at
//   least a tenth of the on-curve samples a uniform spread would put there;
// * the **mean distance** to the parabola (computed exactly, from the cubic for the nearest point).

NotebookApp.Cell(30);
Course.Seed(7);
var realCheck = ToyData.Parabola(2500);
var rows = new[]
{
    ("real data", ParabolaMetrics.Measure(realCheck)),
    ("naive G, analytic loss", ParabolaMetrics.Measure(Generate(analytic.Model, 2500))),
    ("naive G, nearest-neighbour loss", ParabolaMetrics.Measure(Generate(nearest.Model, 2500))),
};
display(Table.From(rows.Select(r => new
{
    Samples = r.Item1,
    XSpread90 = Math.Round(r.Item2.Spread90, 3),
    XStd = Math.Round(r.Item2.XStd, 3),
    OnParabola = $"{r.Item2.OnCurveFraction:P1}",
    ParabolaCovered = $"{r.Item2.BinsCovered:P0}",
    MeanDistance = Math.Round(r.Item2.MeanDistance, 4),
}), "Coverage of the parabola, 2,500 samples each"));

// The training curves say the same: the losses fall to almost zero within a few dozen epochs (the points reach the
// curve), but the spread of the generated $x$ never approaches that of the data; if anything it shrinks while training
// goes on. Low loss, no diversity.

NotebookApp.Cell(32);
var epochs = Enumerable.Range(0, numEpochs).Select(e => (double)e).ToArray();
display(Charts.Lines("Training loss per epoch", "epoch", "loss",
    new Series("analytic loss (train)", epochs, analytic.Train.ToArray()),
    new Series("nearest-neighbour loss (train)", epochs, nearest.Train.ToArray()),
    new Series("test NN distance, analytic model", epochs, analytic.Test.ToArray()),
    new Series("test NN distance, NN model", epochs, nearest.Test.ToArray())));
display(Charts.Lines("Spread of the generated x during training", "epoch", "std of generated x",
    new Series("analytic loss", epochs, analytic.XStd.ToArray()),
    new Series("nearest-neighbour loss", epochs, nearest.XStd.ToArray()),
    new Series("data: x ~ U[-1, 1]", [0, numEpochs - 1], [1 / Math.Sqrt(3), 1 / Math.Sqrt(3)])));

// ## 4. Why
//
// **The loss never asks for diversity.** Both losses score each generated point *on its own*: "lie on the curve" (variant
// 1) or "lie near some data point" (variant 2). Nothing in them depends on where the *other* samples are, so nothing
// rewards spreading out along the curve. The gradient of $\mathcal{L}_1$,
// $\partial\mathcal{L}_1/\partial x = 2x\,\mathrm{sign}(x^2-y)$, $\partial\mathcal{L}_1/\partial y = -\mathrm{sign}(x^2-y)$,
// only moves a point towards the curve, from wherever it starts.
//
// **And it starts narrow.** A freshly initialised network maps $z \sim \mathcal{N}(0, 1)$ to a small blob; training
// moves the blob onto the nearest piece of the parabola and stops there, because the loss is already (almost) zero.
// Plotting the learned map $z \mapsto G(z)$ shows it: $x(z)$ barely changes over the whole range of the noise.

NotebookApp.Cell(34);
var zLine = torch.linspace(-3, 3, 121).reshape(-1, 1);
Tensor Map(NaiveGenerator m) { m.eval(); using (torch.no_grad()) return m.forward(zLine); }
var mapA = Map(analytic.Model);
var mapN = Map(nearest.Model);
double[] Col(Tensor t, int c) => t[.., c].data<float>().Select(v => (double)v).ToArray();
var zs = zLine.reshape(-1).data<float>().Select(v => (double)v).ToArray();
display(Charts.Lines("The learned map z → G(z) (ls = 1)", "z", "generated coordinate",
    new Series("x(z), analytic loss", zs, Col(mapA, 0)), new Series("y(z), analytic loss", zs, Col(mapA, 1)),
    new Series("x(z), NN loss", zs, Col(mapN, 0)), new Series("y(z), NN loss", zs, Col(mapN, 1))));

// **Exercise 2.4 (predict).** A "generator" ignores $z$ and always outputs the same point, one of the 128 remembered targets $(x_0, x_0^2)$. Predict its two losses: (a) $\mathcal{L}_1 = 0$ and $\mathcal{L}_2 = 0$, (b) $\mathcal{L}_1 = 0$ but $\mathcal{L}_2 > 0$, (c) both clearly positive, because its samples cover one bin of twenty. The next cells compute them.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("02.4")` in a new cell reveals the worked solution.

NotebookApp.Cell(36);
string prediction2 = "";   // "a", "b" or "c"
display(Exercise.Check("02.4", prediction2));

// **A single point is a perfect generator for these losses.** The model could even learn to produce one point and
// reach zero loss. Check it: a "generator" that always outputs one of the target points scores exactly 0 with both
// losses, while covering one bin of twenty.

NotebookApp.Cell(38);
var onePoint = targets[0..1].expand(2500, 2).contiguous();
Console.WriteLine($"constant generator at ({onePoint[0, 0].item<float>():F3}, {onePoint[0, 1].item<float>():F3}):");
Console.WriteLine($"  analytic loss          {AnalyticParabolaLoss.Compute(onePoint).item<float>():F6}");
Console.WriteLine($"  nearest-neighbour loss {nnLoss.Compute(onePoint).item<float>():F6}");
Console.WriteLine($"  {ParabolaMetrics.Measure(onePoint)}");

// **Exercise 2.5 (experiment).** Give the analytic loss a reward for spread, $\mathcal{L}_1 - \lambda\,\mathrm{std}(x)$: in a new cell declare `double lambda = 0.1;`, train `var spread = TrainNaive("analytic + spread", p => AnalyticParabolaLoss.Compute(p) - lambda * p[.., 0].std());` and look at `ParabolaMetrics.Measure(Generate(spread.Model, 2500))` and a scatter plot of `Generate(spread.Model, 1000)`; then try $\lambda = 1$. Predict first: does the spread of $x$ reach the data's $1/\sqrt3$, and do the points stay on the part of the parabola the data covers? `Exercise.Solution("02.5")` says what to look for.

// **More latent dimensions do not fix it.** The cause is the loss, not the size of $z$: the same loop with $ls = 10$
// collapses as well.

NotebookApp.Cell(41);
var lsSaved = ls;
ls = 10;
Course.Seed(42);
trainNoise = torch.randn(nTrain, ls);
testNoise = torch.randn(testPairs.shape[0], ls);
var analytic10 = TrainNaive("analytic loss, ls=10", AnalyticParabolaLoss.Compute);
var cover10 = ParabolaMetrics.Measure(Generate(analytic10.Model, 2500));
Console.WriteLine($"ls = 10, analytic loss: {cover10}");
var gen10 = Generate(analytic10.Model, 1000);
ls = lsSaved;
display(Charts.Scatter("Naive generator with ls = 10, analytic loss", "x", "y", Charts.Points("real", xyPair), Charts.Points("generated", gen10)));

// ## 5. Towards the discriminator
//
// We have two problems to solve:
//
// 1. encode in the loss that the points must be **different** from each other (cover the whole distribution);
// 2. find a check that does **not** need a search through the whole data set (or a formula for the answer).
//
// The lecture's idea: punish the generator not with a fixed formula but with **a second network** that decides whether
// a point lies on the parabola, a classifier of real vs generated points called the **discriminator** (or critic).
// The lecture's first sketch, `DisModel`, is a small MLP, 2 → 25 → 15 → 1 with a sigmoid:
//
// ```csharp
// Sequential(Linear(2, 25), ReLU(), Linear(25, 15), ReLU(), Linear(15, 1), Sigmoid()); // P(real)
// ```
//
// We show it **real** points (so it learns what they look like) and the **generator's** points as fakes. The generator
// learns to imitate the data, the discriminator learns to tell the imitation from the real thing. The discriminator
// still scores **each point on its own**, but it is trained on both sets: where the generator puts more points than
// the data has, its best answer is $D(x) = \frac{p(x)}{p(x) + q(x)} < \frac12$ ($p$ the data's density, $q$ the
// generator's; notebook 03 derives it), so crowded points are scored as fake, and the generator's gradient moves them
// towards places where $D > \frac12$, the parts of the data it does not cover yet. The diversity the hand-made losses
// could not express comes from this competition. This is the idea of **generative adversarial networks**: notebook 03.

// ## Takeaways
//
// **Key formulas**
//
// * The generator turns noise into samples, $z \sim \mathcal{N}(0, I) \mapsto G(z)$; each component of $z$ is one "knob" of the object it creates, and the size of $z$ balances variability against sparsity.
// * The data: $x \sim U[-1, 1]$, $y = x^2$; for $U[-1, 1]$ the standard deviation of $x$ is $1/\sqrt{3} \approx 0.577$ and its central 90% span 1.8 (the yardsticks of the coverage table).
// * Analytic loss $\mathcal{L}_1 = \frac{1}{B}\sum_{i} \left| x_i^2 - y_i \right|$; nearest-neighbour loss $\mathcal{L}_2 = \frac{1}{B}\sum_{i} \min_j \operatorname{dist}(target_j, generated_i)$.
// * Both score each point on its own: a constant generator at one target point has $\mathcal{L}_1 = \mathcal{L}_2 = 0$, so neither loss asks for diversity.
// * The way out (notebook 03): a discriminator, whose best answer $D(x) = \frac{p(x)}{p(x) + q(x)}$ is below $\frac12$ where the generator crowds its samples.
//
// **What the measurements showed** (read them off your run's outputs above)
//
// * The sparsity chart: watch how the ratio of nearest-neighbour to typical distance moves towards 1 as the latent dimension grows.
// * The coverage table: *OnParabola* and *MeanDistance* say whether the points lie on the curve; *XStd*, *XSpread90* and *ParabolaCovered* of both naive generators against the real-data row say how much of it they use.
// * The training curves: compare how fast the losses fall with how the spread of the generated $x$ moves relative to the data's line; then the learned map $z \mapsto G(z)$ (how much does $x(z)$ change over $z \in [-3, 3]$?), the constant generator's losses, and whether the $ls = 10$ run covers more.
//
// **Discussion questions**
//
// 1. Both losses go to (almost) zero, yet the generator is useless. What property of a per-sample loss allows this, and how could a loss take the *other* samples of a batch into account?
// 2. The nearest-neighbour loss works here. Why does it not scale to images, and why is the analytic loss pointless even when it can be written down?
// 3. How would you choose the latent dimension for a face generator, and what goes wrong if it is far too small or far too large?

NotebookApp.End();
