// Generated from 03b-mode-collapse.ipynb by `dotnet run --project tools/GanCourse.Runner -- --export-apps`; do not edit: change the notebook and regenerate.
// Runs the lesson with no notebook host:  dotnet run notebooks/apps/03b-mode-collapse.cs
// GANCOURSE_PROFILE=ci|cpu|gpu picks the profile; the displayed values go to output/apps/03b-mode-collapse.html.
#:project ../../lib/GanCourse/GanCourse.csproj
#:project ../../tools/GanCourse.Runner/GanCourse.Runner.csproj
#:property PublishAot=false
#:property CreateHardLinksForCopyLocalIfPossible=true
#:property NoWarn=$(NoWarn);CS8600;CS8601;CS8602;CS8603;CS8604;CS8618;CS8625;CS8632

using GanCourse.Runtime;
using GanCourse.Data;
using GanCourse.Exercises;
using GanCourse.Experiments;
using GanCourse.Metrics;
using GanCourse.Networks;
using GanCourse.Training;
using GanCourse.Visuals;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using GanCourse.Runner;
using static GanCourse.Runner.NotebookApp; // display(...), as in a notebook

NotebookApp.Start("03b-mode-collapse", "0da0d796f2d9b27a");

// # 03b · Mode collapse and its fixes
//
// Notebook 03 ended on the **ring of 8 Gaussians**: a vanilla GAN puts its samples on one or two modes at a time and
// hops between them, and the ganhacks tips of its table only partly help. This notebook takes the fixes the lecture
// lists for mode collapse (seed 000, *GAN: problems – Mode-Collapse* and the tips that follow it) and measures each on
// the same ring, with the same networks, steps and seeds:
//
// 1. **why** a GAN collapses, and the vanilla GAN's mode hopping, snapshot by snapshot;
// 2. **train D more** ($k$ discriminator steps per generator step);
// 3. the **unrolled GAN** (Metz et al. 2017) for $K = 0, 1, 5, 10$ look-ahead steps, the lecture's ring figure and the cost of each $K$;
// 4. **minibatch discrimination** and 5. **feature matching** (Salimans et al. 2016);
// 6. **MGAN**, a mixture of generators with a classifier (Hoang et al. 2018);
// 7. **WGAN-GP** (notebook 06) as a different loss;
// 8. **one table** of all of them over three seeds, next to the numbers the papers report;
// 9. minibatch discrimination and feature matching **on images** (MNIST), where a collapse shows as missing digits.
//
// Every run is the course's one training loop, `AdversarialTrainer`
// ([Training/AdversarialTrainer.cs](../lib/GanCourse/Training/AdversarialTrainer.cs)); each fix adds only what
// differs (a config field, a layer of $D$, other networks).

NotebookApp.Cell(2);
var course = Course.Init();

// As in notebook 03, the networks are tiny (a few thousand weights): one CPU thread is as fast as several and stays
// fast when other programs keep the cores busy. On a GPU this setting changes nothing.

NotebookApp.Cell(4);
Course.SetThreads(1);

// ## 1. Why a GAN collapses
//
// For a **fixed** discriminator the generator's objective $\mathbb{E}_z \log D(G(z))$ is a sum of separate terms, one
// per sample, and each term is largest at the same point $x^* = \arg\max_x D(x)$. So the best reply to a fixed $D$ is
// $p_G = \delta(x - x^*)$: all samples at one point (seed 002, *Optimal G\* given fixed D*; notebook 03, section 4).
// Nothing in a per-sample loss asks for **diversity**. $D$ then learns that $x^*$ is fake, its maximum moves to
// another mode, and $G$ follows: the generator "rotates through the modes of the data distribution" (Metz et al.)
// instead of covering them. The samples stay **sharp** (each one is a good sample of *some* mode); what is missing is
// the other modes. That is why the literature measures two numbers on the ring (VEEGAN and PacGAN protocol,
// [Metrics/ModeMetrics.cs](../lib/GanCourse/Metrics/ModeMetrics.cs)): of 2,500 samples, the share that is **high
// quality** (within 3 std = 0.06 of a centre) and the number of **modes captured** (the nearest mode of at least one
// high-quality sample), plus the **reverse KL** of the samples' mode shares from uniform (0 = balanced,
// $\log 8 \approx 2.08$ = one mode).
//
// The fixes attack the argument in different places: $D$ sees the **batch** (minibatch discrimination), $G$ matches
// **statistics** instead of a maximum (feature matching), $G$ **anticipates** $D$'s reply (unrolling), several
// generators are **pushed apart** (MGAN), or the loss is a **distance** that a point mass cannot make small (WGAN-GP).

// **Exercise 3b.1 (predict).** Freeze $D$ and let the generator train against it as long as it likes. Where do its
// samples end up: (a) on the 8 modes in proportion to the data, (b) all at the single point where $D(x)$ is largest,
// (c) spread evenly over the ring? Put the letter below and run the cell; `Exercise.Solution("03b.1")` explains.

NotebookApp.Cell(7);
string prediction = "";   // "a", "b" or "c"
display(Exercise.Check("03b.1", prediction));

// ### The ring and the budget
//
// The setting of notebook 03: a ring of 8 Gaussians of radius 2 and std 0.02, the lecture's MLPs with hidden width 128,
// latent 10, batch 128, Adam with lr $2\cdot10^{-4}$ and $\beta_1 = 0.5$, and a fixed evaluation noise of 2,500
// latents, so measuring draws no random numbers. Every fix below changes one thing of this run. The `cpu` profile
// trains each run for 1,200 generator steps (notebook 03 uses 3,000; the unrolled GAN with $K = 10$ costs roughly
// $K + 1$ plain steps per step, so the budget is cut for all runs alike), the `gpu` profile 10,000.

NotebookApp.Cell(9);
var ringSteps = course.Profile.Pick(ci: 100, cpu: 1_200, gpu: 10_000);
var seeds = course.Profile.Pick<int[]>(ci: [1], cpu: [1, 2, 3], gpu: [1, 2, 3, 4, 5]);
var ringBatch = 128;
var ringHidden = 128;
var ringLatent = 10;
var ringLr = 2e-4;
var ringSnapshots = 10;                                 // snapshots over each run
const double RingStd = 0.02;

Course.Seed(2024);
var evalNoise = torch.randn(ModeMetrics.StandardSamples, ringLatent);   // fixed: measuring draws no random numbers
Func<IEnumerable<TorchSharp.Modules.Parameter>, optim.Optimizer> ringAdam = p => optim.Adam(p, ringLr, beta1: 0.5, beta2: 0.999);
var ring = new RingExperiment(new RingSetup(ringSteps, ringBatch, ringHidden, ringLatent, RingStd, ringSnapshots), evalNoise);
var seedOne = new Dictionary<string, RingRun>();        // each setting's seed-1 run, reused by the summary of section 8

// ### The vanilla GAN: mode hopping
//
// The non-saturating GAN of notebook 03, trained live; the table gives the mode metric at each snapshot.

NotebookApp.Cell(11);
var vanilla = ring.Run("vanilla GAN", new NonSaturatingGanLoss(), seed: 1, ringAdam,
    view: new TrainingView("Vanilla GAN on the ring", ringSteps));
seedOne[vanilla.Setting] = vanilla;
display(RingExperiment.SnapshotTable(vanilla));

// The generator's samples at each snapshot as 2-D histograms over $[-3, 3]^2$ (brighter = more samples, log scale,
// mode centres in grey), left to right, like the bottom row of the lecture's figure (Metz et al., Fig. 2); the last
// panel is the real data. `ring.DensityImage` draws one panel. Watch where the mass sits and whether it jumps.

NotebookApp.Cell(13);
// one row of panels: a run's snapshots left to right, then (optionally) the real data
Tensor RowOf(RingRun run, bool withReal)
{
    var panels = run.Snapshots.Select(s => ring.DensityImage(s.Samples)).ToList();
    if (withReal)
    {
        Course.Seed(5);
        using var real = ToyData.Ring(ModeMetrics.StandardSamples, std: RingStd);
        panels.Add(ring.DensityImage(real.Samples));
    }
    return torch.stack(panels);
}
var vanillaRow = RowOf(vanilla, withReal: true);
Console.WriteLine("steps: " + string.Join(", ", vanilla.Snapshots.Select(s => s.Step)) + ", then the real data");
display(ImageGrid.From(vanillaRow, nrow: (int)vanillaRow.shape[0], padding: 2, padValue: 0.5, scale: Math.Clamp(1100.0 / (50 * vanillaRow.shape[0]), 1.5, 6),
    title: "Vanilla GAN samples over training (left to right), real data last"));

NotebookApp.Cell(14);
Figure OverTraining(string title, IEnumerable<RingRun> runs, Func<ModeReport, double> metric) =>
    Charts.Lines(title, "generator step", "", runs.Select(r => new Series(r.Setting,
        r.Snapshots.Select(s => (double)s.Step).ToArray(), r.Snapshots.Select(s => metric(s.Report)).ToArray())).ToArray());
var steps = vanilla.Snapshots.Select(s => (double)s.Step).ToArray();
display(Charts.Lines("Vanilla GAN: where the samples sit", "generator step", "value",
    new Series("mode nearest to most samples (0-7)", steps, vanilla.Snapshots.Select(s => (double)s.Report.DominantMode).ToArray()),
    new Series("modes captured (of 8)", steps, vanilla.Snapshots.Select(s => (double)s.Report.ModesCaptured).ToArray()),
    new Series("share on that mode (0-1)", steps, vanilla.Snapshots.Select(s => s.Report.DominantShare).ToArray())));
display(OverTraining("Vanilla GAN: high-quality samples (%)", [vanilla], r => r.HighQualityPercent));

NotebookApp.Cell(15);
// built from the run's snapshots, so the text always describes the run above
var hops = vanilla.Snapshots.Skip(1).Select(s => s.Report.DominantMode).ToList();
var bestHq = vanilla.Snapshots.MaxBy(s => s.Report.HighQualityPercent)!;
display(Prose.From($"**What this run measured** ({course.Profile.Name()} profile, seed 1, {ringSteps:N0} steps): the most popular mode at the " +
    $"snapshots after step 0 was {string.Join(", ", hops)} ({hops.Distinct().Count()} different modes), with " +
    $"{string.Join(", ", vanilla.Snapshots.Skip(1).Select(s => $"{100 * s.Report.DominantShare:F0}%"))} of the samples nearest to it; " +
    $"the most modes captured at any snapshot was {vanilla.Snapshots.Max(s => s.Report.ModesCaptured)} of 8, and the sharpest snapshot " +
    $"(step {bestHq.Step}) had {bestHq.Report.HighQualityPercent:F1}% high-quality samples."));

// How to read it: a share near 100% on one mode with a changing most popular mode is **mode hopping**; the
// high-quality share says whether the samples that are there are sharp. The papers' vanilla GAN, trained for much
// longer, is the extreme case: VEEGAN's Table 1 reports **1 mode captured with 99.3% high-quality samples** for a
// GAN on this ring, all mass on one mode and perfectly sharp. A short run is usually on the way there: one or two
// modes, with a high-quality share that grows as the blob contracts.

// ## 2. Train D more: $k$ discriminator steps per generator step
//
// Goodfellow et al.'s Algorithm 1 makes $k$ updates of $D$ per update of $G$; seed 004's advice is to "give the
// discriminator an advantage". The argument against collapse: if $D$ is closer to its optimum
// $D^* = p_{data}/(p_{data} + p_G)$ when $G$ steps, $G$'s gradient points towards the data where $p_G < p_{data}$,
// not just at $D$'s current maximum. In the loop this is `CriticSteps = 5`, each $D$ step on a fresh real batch:
//
// ```csharp
// for (var i = 0; i < Config.CriticSteps; i++) DiscriminatorStep(...);   // k = 5
// GeneratorStep(...);
// ```

NotebookApp.Cell(18);
var kStep = ring.Run("k = 5 D steps", new NonSaturatingGanLoss(), seed: 1, ringAdam, criticSteps: 5,
    view: new TrainingView("k = 5 discriminator steps per generator step", ringSteps));
seedOne[kStep.Setting] = kStep;
display(RingExperiment.SnapshotTable(kStep));

// ## 3. The unrolled GAN (Metz et al. 2017)
//
// Instead of a better $D$ now, the generator is trained against the discriminator **as it will be** after $K$ more
// updates. From $\theta_D^0 = \theta_D$, take $K$ gradient steps on $D$'s loss, keeping the graph (eq. 6; plain SGD
// with step $\eta$ here):
//
// $$\theta_D^{k+1} = \theta_D^k - \eta \, \nabla_{\theta_D} L_D(\theta_G, \theta_D^k), \qquad f_K(\theta_G, \theta_D) = f\big(\theta_G, \theta_D^K(\theta_G, \theta_D)\big),$$
//
// and let $G$ descend the **surrogate** $f_K$ (eq. 7–8). Its gradient contains
// $\frac{\partial f}{\partial \theta_D^K} \frac{d \theta_D^K}{d \theta_G}$: how $D$ would react to $G$'s move. A
// generator that piles onto one mode is penalised *now* for the rejection $D$ would learn in $K$ steps. $D$ itself
// is updated as usual; $K = 0$ is the plain GAN. In the library (`UnrolledDiscriminator.Unroll`,
// [Training/UnrolledDiscriminator.cs](../lib/GanCourse/Training/UnrolledDiscriminator.cs)) the look-ahead is this
// loop, shown here on the vanilla run's networks for $K = 3$:

NotebookApp.Cell(20);
var Gv = (MlpGenerator)vanilla.Trainer.Generator;
var Dv = (MlpDiscriminator)vanilla.Trainer.Discriminator;
var bce = new NonSaturatingGanLoss();
Course.Seed(7);
var xReal = ToyData.Ring(ringBatch, std: RingStd).Samples.clone();
var z = torch.randn(ringBatch, ringLatent);
List<Tensor> theta = Dv.parameters().Select(p => p.detach().requires_grad_(true)).ToList();   // θ_D^0 = θ_D
for (var k = 0; k < 3; k++)
{
    var lossD = bce.Discriminator(Dv.Forward(xReal, theta), Dv.Forward(Gv.forward(z), theta));
    var grads = torch.autograd.grad([lossD], theta, create_graph: true, retain_graph: true);  // keep the graph: θ^{k+1} depends on G
    theta = theta.Zip(grads, (t, g) => t - 0.1 * g).ToList();                                  // θ^{k+1} = θ^k − η ∇ L_D
}
var fK = bce.Generator(Dv.Forward(Gv.forward(z), theta));                                       // f_K: G's loss against θ_D^K
var f0 = bce.Generator(Dv.forward(Gv.forward(z)));                                              // f_0 = the plain GAN's loss
var gK = torch.autograd.grad([fK], Gv.parameters().Cast<Tensor>().ToList());
var g0 = torch.autograd.grad([f0], Gv.parameters().Cast<Tensor>().ToList());
Console.WriteLine($"G's loss now {f0.item<float>():F3}, after D's 3-step look-ahead {fK.item<float>():F3}; " +
    $"cosine between the two gradients of G's output layer: {F.cosine_similarity(gK[^2].flatten(), g0[^2].flatten(), 0).item<float>():F3}");

// ### $K = 0, 1, 5, 10$ on the ring, and what each costs
//
// The sweep runs seed 1 with the unrolling step $\eta = 0.1$ and records the wall time per generator step. $K = 0$ is
// the vanilla run above. Each look-ahead step is another discriminator pass on a fresh real batch and fresh fakes,
// plus the second-order backward pass through all of them, so a step costs roughly $K + 1$ plain steps.

NotebookApp.Cell(22);
var unrollKs = new[] { 0, 1, 5, 10 };
var unrollLr = 0.1;
var unrolled = new Dictionary<int, RingRun> { [0] = vanilla };
foreach (var k in unrollKs.Where(k => k > 0))
    unrolled[k] = ring.Run($"unrolled K = {k}", new NonSaturatingGanLoss(), seed: 1, ringAdam,
        configure: c => c with { Unrolling = new UnrolledDiscriminator(k, unrollLr) },
        view: new TrainingView($"Unrolled GAN, K = {k}", ringSteps));
display(Table.From(unrollKs.Select(k => unrolled[k]).Select(r => new
{
    Run = r.Setting,
    ModesCaptured = $"{r.Report.ModesCaptured}/8",
    HighQuality = $"{r.Report.HighQualityPercent:F1}%",
    ReverseKL = Math.Round(r.Report.ReverseKl, 3),
    MostModesAtAnySnapshot = r.Snapshots.Max(s => s.Report.ModesCaptured),
    SecondsPerRun = Math.Round(r.Seconds, 1),
}), $"Unrolled GAN on the ring, seed 1, {ringSteps:N0} steps (K = 0 is the vanilla run)"));

// A whole run's seconds depend on what else the machine is doing while it trains. The cost of a step is measured
// apart: fresh networks for each $K$, 20 steps timed, three rounds with the $K$ interleaved, the fastest round kept.

NotebookApp.Cell(24);
double MsPerStep(int k)
{
    Course.Seed(9);
    using var t = new AdversarialTrainer(new MlpGenerator(ringLatent, ringHidden), new MlpDiscriminator(ringHidden), new NonSaturatingGanLoss(),
        () => ToyData.Ring(ringBatch, std: RingStd).Samples.clone(), new AdversarialConfig(ringLatent, ringBatch) { Unrolling = k == 0 ? null : new UnrolledDiscriminator(k, unrollLr) },
        ringAdam, ringAdam);
    t.TrainStep();                                                     // warm-up
    var clock = System.Diagnostics.Stopwatch.StartNew();
    for (var i = 0; i < 20; i++) t.TrainStep();
    return clock.Elapsed.TotalMilliseconds / 20;
}
var rounds = Enumerable.Range(0, 3).Select(_ => unrollKs.ToDictionary(k => k, MsPerStep)).ToList();
var msPerStep = unrollKs.ToDictionary(k => k, k => rounds.Min(r => r[k]));
display(Table.From(unrollKs.Select(k => new { K = k, MsPerStep = Math.Round(msPerStep[k], 1), CostVsPlain = $"{msPerStep[k] / msPerStep[0]:F1}x" }),
    "Cost of the look-ahead: milliseconds per generator step (fastest of 3 rounds of 20 steps)"));

// The lecture's figure (Metz et al., Fig. 2), re-created from these runs: the **top row** is $K = 10$, the **bottom
// row** $K = 0$, columns are the snapshots over training, and the last column is the data.

NotebookApp.Cell(26);
var kMax = unrollKs.Max();
var figureRows = torch.cat([RowOf(unrolled[kMax], withReal: true), RowOf(vanilla, withReal: true)]);
var perRow = (int)figureRows.shape[0] / 2;
display(ImageGrid.From(figureRows, nrow: perRow, padding: 2, padValue: 0.5, scale: Math.Clamp(1100.0 / (50 * perRow), 1.5, 6),
    title: $"Top: unrolled K = {kMax}; bottom: K = 0 (vanilla); steps {string.Join(", ", vanilla.Snapshots.Select(s => s.Step))}, then the data"));

NotebookApp.Cell(27);
display(OverTraining("Unrolled GAN: modes captured over training", unrollKs.Select(k => unrolled[k]), r => r.ModesCaptured));
display(OverTraining("Unrolled GAN: high-quality samples (%) over training", unrollKs.Select(k => unrolled[k]), r => r.HighQualityPercent));
display(Charts.Bars("Cost of the look-ahead: milliseconds per generator step", "ms", unrollKs.Select(k => $"K = {k}").ToArray(),
    unrollKs.Select(k => msPerStep[k]).ToArray()));

NotebookApp.Cell(28);
// the K that the summary of section 8 uses: most modes captured at the end, then the sharper one
var bestK = unrollKs.Where(k => k > 0).OrderByDescending(k => unrolled[k].Report.ModesCaptured)
    .ThenByDescending(k => unrolled[k].Report.HighQualityPercent).First();
seedOne["unrolled (best K)"] = unrolled[bestK] with { Setting = "unrolled (best K)" };
// the cpu profile runs the summary's other seeds only when they are affordable (K ≤ 5); the gpu profile always does
var unrolledSeeds = course.Profile.Pick<int[]>(ci: seeds, cpu: bestK <= 5 ? seeds : [1], gpu: seeds);
display(Prose.From($"**Best K in this run: {bestK}** ({unrolled[bestK].Report.ModesCaptured}/8 modes, {unrolled[bestK].Report.HighQualityPercent:F1}% high-quality samples, " +
    $"{msPerStep[bestK] / msPerStep[0]:F1}x a plain step's time). Section 8 runs it with seeds {string.Join(", ", unrolledSeeds)}" +
    (unrolledSeeds.Length < seeds.Length ? " only: in the cpu profile a K above 5 is too slow for three seeds." : ".")));

// **Exercise 3b.2.** What is the unrolled GAN with $K = 0$? (a) the plain GAN, the generator's gradient through the
// current $D$, (b) a GAN whose $D$ never trains, (c) feature matching. `Exercise.Solution("03b.2")` explains.

NotebookApp.Cell(30);
string answerK0 = "";   // "a", "b" or "c"
display(Exercise.Check("03b.2", answerK0));

// ## 4. Minibatch discrimination (Salimans et al. 2016, section 3.2)
//
// A per-sample $D$ cannot see that a batch is full of copies. Minibatch discrimination gives it that view (the
// lecture: "if $D$ sees a batch, it sees its monotony; add special features"). For the features
// $f(x_i) \in \mathbb{R}^A$ of an intermediate layer, a learned tensor $T \in \mathbb{R}^{A \times B \times C}$ gives
// $M_i = f(x_i)\,T \in \mathbb{R}^{B \times C}$, and for each of the $B$ kernels
//
// $$c_b(x_i, x_j) = \exp\big(-\lVert M_{i,b} - M_{j,b} \rVert_{L_1}\big), \qquad o(x_i)_b = \sum_{j \ne i} c_b(x_i, x_j),$$
//
// which is appended to $f(x_i)$ before D's last layer
// ([Networks/MinibatchDiscrimination.cs](../lib/GanCourse/Networks/MinibatchDiscrimination.cs); the paper sums over all
// $j$, the $j = i$ term is the constant 1). Real and generated batches go through $D$ separately, so a collapsed
// fake batch has large $o$ and a real one does not. Here the same computation by hand, on a real batch and on a
// batch of near-copies, with the layer's initial $T$ ($B = 5$ kernels of $C = 5$):

NotebookApp.Cell(32);
Course.Seed(8);
var mbd = new MinibatchDiscrimination(inFeatures: 2, kernels: 5, kernelDim: 5);   // on the raw points, to see the idea
var T = mbd.parameters().First();                                               // (A, B·C)
Tensor O(Tensor f)
{
    var m = f.matmul(T).view(-1, 5, 5);                                          // M_i: (N, B, C)
    var l1 = (m.unsqueeze(0) - m.unsqueeze(1)).abs().sum(3);                     // ‖M_i,b − M_j,b‖₁: (N, N, B)
    return torch.exp(-l1).sum(1) - 1;                                            // Σ_{j≠i} c_b(x_i, x_j): (N, B)
}
var realPoints = ToyData.Ring(ringBatch, std: RingStd).Samples.clone();
var copies = realPoints[..1].expand(ringBatch, 2) + 0.02 * torch.randn(ringBatch, 2);
using (torch.no_grad())
{
    Console.WriteLine($"mean o(x)_b, real batch: {O(realPoints).mean().item<float>():F1}; collapsed batch: {O(copies).mean().item<float>():F1} (of at most {ringBatch - 1})");
    Console.WriteLine($"the layer gives the same: {(mbd.forward(copies)[.., 2..] - O(copies)).abs().max().item<float>():E1} largest difference");
}

// On the ring, $D$ gets a minibatch layer with $B = 5$ kernels after its second hidden layer (`minibatchKernels: 5`).
// The $N \times N$ distances make each $D$ pass cost more than the rest of this small network, so expect several
// times the vanilla run's time (the summary's table measures it). The layer clamps the distances at 20 before the
// exponential: below $e^{-20} \approx 2\cdot10^{-9}$ a pair counts as 0 at any batch size, and the clamp keeps the tiny
// values and their gradients out of float32's denormal range (an earlier version without it ran about 10x slower on
// two of three seeds, which denormals would explain; the seconds per run of section 8 show how this one does).

NotebookApp.Cell(34);
var minibatch = ring.Run("minibatch discrimination", new NonSaturatingGanLoss(), seed: 1, ringAdam, minibatchKernels: 5,
    view: new TrainingView("Minibatch discrimination (B = 5 kernels)", ringSteps));
seedOne[minibatch.Setting] = minibatch;
display(RingExperiment.SnapshotTable(minibatch));

// ## 5. Feature matching (Salimans et al. 2016, section 3.1)
//
// The lecture's tip 17: "look not only at the discriminator's answer, but at how similar the features of the middle
// layers are for fakes and real objects". With $f(x)$ the activations of an intermediate layer of $D$, the generator
// minimises (eq. 4)
//
// $$\big\lVert \mathbb{E}_{x \sim p_{data}} f(x) - \mathbb{E}_{z \sim p_z} f(G(z)) \big\rVert_2^2 ,$$
//
// while $D$ trains as usual. There is no single point a whole batch should move to: the batch's **mean features** must
// match the data's, and a batch of copies of one mode has the wrong mean. In the loop this is
// `AdversarialConfig.FeatureMatching` ([Training/FeatureMatching.cs](../lib/GanCourse/Training/FeatureMatching.cs));
// $f$ is $D$'s second hidden layer (`MlpDiscriminator.Features`). G's loss, written out on the vanilla run's networks:

NotebookApp.Cell(36);
using (var fmReal = ToyData.Ring(ringBatch, std: RingStd))
{
    var meanReal = Dv.Features(fmReal.Samples).mean([0]).detach();              // E f(x): a target, no gradient
    var meanFake = Dv.Features(Gv.forward(torch.randn(ringBatch, ringLatent))).mean([0]);
    var fmLoss = (meanReal - meanFake).square().sum();                           // eq. 4
    Console.WriteLine($"‖E f(x) − E f(G(z))‖² = {fmLoss.item<float>():F4} over {meanReal.shape[0]} features " +
        $"(the library's FeatureMatching.Loss on the same features: {FeatureMatching.Loss(Dv.Features(fmReal.Samples), Dv.Features(Gv.forward(torch.randn(ringBatch, ringLatent)))).item<float>():F4} for a new z)");
}

NotebookApp.Cell(37);
var featureMatching = ring.Run("feature matching", new NonSaturatingGanLoss(), seed: 1, ringAdam,
    configure: c => c with { FeatureMatching = new FeatureMatching() },
    view: new TrainingView("Feature matching on D's second hidden layer", ringSteps));
seedOne[featureMatching.Setting] = featureMatching;
display(RingExperiment.SnapshotTable(featureMatching));

// **Exercise 3b.3.** With $L = \lVert m_r - m_f \rVert^2$, $m_r = (1.5, 1.0)$ the real mean features and
// $m_f = (1.0, 0.0)$ the fake ones, what is $\partial L / \partial (m_f)_2$? `Exercise.Solution("03b.3")` explains
// what this gradient asks of the generator.

NotebookApp.Cell(39);
double dLdmf2 = double.NaN;
display(Exercise.Check("03b.3", dLdmf2));

// ## 6. MGAN: a mixture of generators (Hoang et al. 2018)
//
// "Several GANs, each with its own mode" (the lecture). $K$ generators $G_1, \dots, G_K$ with weights
// $\pi_k = 1/K$ make the model distribution $p_{model} = \sum_k \pi_k p_{G_k}$; a classifier $C$ predicts which
// generator made a sample, and the game (eq. 1) is
//
// $$\min_{G_{1:K}, C} \max_D \; \mathbb{E}_{x \sim p_{data}} \log D(x) + \mathbb{E}_{x \sim p_{model}} \log\big(1 - D(x)\big) - \beta \sum_{k} \pi_k \, \mathbb{E}_{x \sim p_{G_k}} \log C_k(x).$$
//
// So $C$ minimises its cross-entropy on the fakes, and **each generator's loss is its GAN loss plus
// $\beta\,\mathrm{CE}(C(G_k(z)), k)$**: the generators are rewarded for being told apart. With the optimal $D$ and
// $C$, the generators minimise $2\,\mathrm{JSD}(p_{data} \Vert p_{model}) - \beta\,\mathrm{JSD}_\pi(p_{G_1}, \dots, p_{G_K})$
// (Theorem 3): the mixture must match the data **and** its components must not overlap.
//
// Our choices for the ring: $K = 8$ generators, each a separate MLP of hidden width 64 (the paper shares all layers
// but the first; on 2-D points separate small MLPs are the plainest mixture), one $D$ body with two heads, $D$'s logit
// and $C$'s 8 logits (the paper's sharing), $\beta = 0.125$ (`AuxWeight`), and the generator bookkeeping
// `MixtureLatentSampler`: sample $i$ of a batch comes from generator $i \bmod K$.

NotebookApp.Cell(41);
var mganGenerators = 8;
var mganBeta = 0.125;
GanModel Mgan() => GanModel.Mixture(new MixtureGenerator(mganGenerators, ringLatent, hiddenDim: 64), new MganDiscriminator(mganGenerators, ringHidden));
Func<AdversarialConfig, AdversarialConfig> mganConfig = c => c with { Sampler = new MixtureLatentSampler(ringLatent, mganGenerators), AuxWeight = mganBeta };
var mgan = ring.Run("MGAN", Mgan, new NonSaturatingGanLoss(), seed: 1, ringAdam, configure: mganConfig,
    view: new TrainingView($"MGAN, {mganGenerators} generators, β = {mganBeta}", ringSteps));
seedOne[mgan.Setting] = mgan;
display(RingExperiment.SnapshotTable(mgan));

// The final samples coloured by the generator that made them (sample $i$ of the evaluation noise comes from generator
// $i \bmod K$), and each generator's share of the modes.

NotebookApp.Cell(43);
var genIndex = MixtureLatentSampler.GeneratorIndex(mgan.Final.Samples.shape[0], mganGenerators);
display(Charts.Scatter($"MGAN at step {mgan.Final.Step}: samples coloured by generator", "x", "y",
    Enumerable.Range(0, mganGenerators).Select(k => Charts.Points($"G{k}", mgan.Final.Samples.index_select(0, genIndex.eq(k).nonzero().reshape(-1))[..200]))
        .Append(Charts.Points("mode centres", ring.Centres)).ToArray()));
display(Table.From(Enumerable.Range(0, mganGenerators).Select(k =>
{
    var r = ModeMetrics.Evaluate(mgan.Final.Samples.index_select(0, genIndex.eq(k).nonzero().reshape(-1)), ring.Centres, RingStd);
    return new
    {
        Generator = $"G{k}",
        Samples = r.Samples,
        ModesItCaptures = string.Join(" ", Enumerable.Range(0, 8).Where(m => r.HighQualityPerMode[m] > 0)),
        MainMode = r.DominantMode,
        ShareOnMainMode = $"{100 * r.DominantShare:F0}%",
        HighQuality = $"{r.HighQualityPercent:F1}%",
    };
}), $"MGAN at step {mgan.Final.Step}: each generator's modes (captured = the nearest mode of at least one of its high-quality samples)"));

// **Exercise 3b.4.** $C$ outputs logits over $K = 8$ generators and is trained with $-\log C_k(x)$. What is this loss
// when all its logits are equal? (The MGAN run logs it as "C CE".)

NotebookApp.Cell(45);
double uniformCe = double.NaN;
display(Exercise.Check("03b.4", uniformCe));

// **Exercise 3b.5.** At the optimum, MGAN's generators minimise $2\,\mathrm{JSD}(p_{data} \Vert p_{model}) - \beta\,\mathrm{JSD}_\pi(p_{G_1}, \dots, p_{G_K})$.
// What does the second term make them do: (a) copy each other, (b) cover different, non-overlapping parts of the
// data, (c) nothing once $p_{model} = p_{data}$?

NotebookApp.Cell(47);
string jsdAnswer = "";   // "a", "b" or "c"
display(Exercise.Check("03b.5", jsdAnswer));

// **Exercise 3b.6 (experiment).** In the MGAN cell, set `mganGenerators = 4` and run the section again; then try
// `mganBeta = 0` (no classifier term). Predict first: how many modes does each of 4 generators take, and do the
// generators still split the ring without the classifier? `Exercise.Solution("03b.6")` says what to look for.

// ## 7. WGAN-GP: another loss
//
// Notebook 06's answer changes the loss instead: the critic estimates the Wasserstein-1 distance, with the gradient
// penalty $\lambda\,\mathbb{E}_{\hat x}\big(\lVert \nabla_{\hat x} D(\hat x) \rVert_2 - 1\big)^2$ on points between
// real and generated samples (Gulrajani et al. 2017, Algorithm 1). A point mass on one mode is far, in transport
// cost, from a ring: moving $7/8$ of the mass to the other modes costs a lot, so $W_1$ does not reward collapse the way
// a saturated $D$ does. We use the authors' toy settings (`GanRecipe.WganGpToy`: $\lambda = 0.1$, $n_{critic} = 5$,
// Adam $10^{-4}$, $\beta = (0.5, 0.9)$), as notebook 06 does on this ring.

NotebookApp.Cell(50);
var wganRecipe = GanRecipe.WganGpToy();
var wgan = ring.Run(wganRecipe.Name, wganRecipe.Loss(), seed: 1, wganRecipe.Optimizer, wganRecipe.CriticSteps,
    view: new TrainingView("WGAN-GP on the ring", ringSteps));
seedOne[wgan.Setting] = wgan;
display(RingExperiment.SnapshotTable(wgan));

// ## 8. One table: every fix on the ring, over seeds
//
// Each setting runs with every seed of the profile (the seed-1 runs above are reused); the mode metric is measured on
// the same 2,500 evaluation latents at the end of training. One GAN run is a noisy measurement, so the table gives the
// modes captured per seed and the means.

NotebookApp.Cell(52);
var settings = new (string Name, Func<int, RingRun> Run, int[] Seeds)[]
{
    ("vanilla GAN", s => ring.Run("vanilla GAN", new NonSaturatingGanLoss(), s, ringAdam, snapshotEvery: 0), seeds),
    ("k = 5 D steps", s => ring.Run("k = 5 D steps", new NonSaturatingGanLoss(), s, ringAdam, criticSteps: 5, snapshotEvery: 0), seeds),
    ("unrolled (best K)", s => ring.Run("unrolled (best K)", new NonSaturatingGanLoss(), s, ringAdam, snapshotEvery: 0,
        configure: c => c with { Unrolling = new UnrolledDiscriminator(bestK, unrollLr) }), unrolledSeeds),
    ("minibatch discrimination", s => ring.Run("minibatch discrimination", new NonSaturatingGanLoss(), s, ringAdam, minibatchKernels: 5, snapshotEvery: 0), seeds),
    ("feature matching", s => ring.Run("feature matching", new NonSaturatingGanLoss(), s, ringAdam, snapshotEvery: 0,
        configure: c => c with { FeatureMatching = new FeatureMatching() }), seeds),
    ("MGAN", s => ring.Run("MGAN", Mgan, new NonSaturatingGanLoss(), s, ringAdam, snapshotEvery: 0, configure: mganConfig), seeds),
    (wganRecipe.Name, s => ring.Run(wganRecipe, s, snapshotEvery: 0), seeds),
};
var all = new List<RingRun>();
foreach (var (name, run, runSeeds) in settings)
foreach (var seed in runSeeds)
{
    var r = seed == 1 ? seedOne[name] : run(seed);
    all.Add(r);
    Console.WriteLine($"{name,-28} seed {seed}: {r.Report}  ({r.Seconds:F1} s)");
}

NotebookApp.Cell(53);
var rows = RingExperiment.Summarize(all);
display(Table.From(rows.Select(r => new
{
    r.Setting, Seeds = r.Runs, ModesPerSeed = r.ModesCapturedPerRun, MeanModes = r.ModesCaptured,
    HighQualityPercent = r.HighQualityPercent, r.ReverseKL, SecondsPerRun = r.SecondsPerRun,
    Detail = r.Setting == "unrolled (best K)" ? $"K = {bestK}" : r.Setting == "MGAN" ? $"K = {mganGenerators}, β = {mganBeta}" : "",
}), $"Ring of 8 Gaussians after {ringSteps:N0} generator steps, {ModeMetrics.StandardSamples:N0} samples per run, means over the seeds"));
display(Charts.Bars("Modes captured (of 8), mean over seeds", "modes", rows.Select(r => r.Setting).ToArray(), rows.Select(r => r.ModesCaptured).ToArray()));
display(Charts.Bars("High-quality samples (%), mean over seeds", "%", rows.Select(r => r.Setting).ToArray(), rows.Select(r => r.HighQualityPercent).ToArray()));
display(Charts.Scatter("Final samples with seed 1 (500 per setting)", "x", "y",
    all.Where(r => r.Seed == 1).Select(r => Charts.Points(r.Setting, r.Final.Samples[..500])).Append(Charts.Points("mode centres", ring.Centres)).ToArray()));

// **What the papers report** on the same 2-D ring (8 modes, std 0.02, 2,500 samples, high quality = within 3 std),
// quoted as published: VEEGAN (Srivastava et al. 2017), Table 1, and PacGAN (Lin et al. 2018). Their runs are much
// longer (tens of thousands of steps) and use other networks, so compare the pattern, not the digits.

NotebookApp.Cell(55);
display(Table.From(new[]
{
    new { Method = "GAN", Paper = "VEEGAN, Table 1", ModesCaptured = "1", HighQuality = "99.3%" },
    new { Method = "ALI", Paper = "VEEGAN, Table 1", ModesCaptured = "2.8", HighQuality = "0.13%" },
    new { Method = "Unrolled GAN", Paper = "VEEGAN, Table 1", ModesCaptured = "7.6", HighQuality = "35.6%" },
    new { Method = "VEEGAN", Paper = "VEEGAN, Table 1", ModesCaptured = "8", HighQuality = "52.9%" },
    new { Method = "PacGAN4", Paper = "PacGAN, 2-D ring", ModesCaptured = "7.8", HighQuality = "95.9%" },
}, "Quoted from the papers (not measured here): the 2-D ring of 8 Gaussians"));

NotebookApp.Cell(56);
// built from this run's table, so the text always describes the runs above
RingSummaryRow Row(string s) => rows.First(r => r.Setting == s);
var most = rows.Max(r => r.ModesCaptured);
var covering = rows.Where(r => r.ModesCaptured == most).Select(r => r.Setting).ToList();
var sharpest = rows.MaxBy(r => r.HighQualityPercent)!;
var fullAndSharp = rows.Where(r => r.ModesCaptured >= 7.5).OrderByDescending(r => r.HighQualityPercent).FirstOrDefault();
display(Prose.From(new[]
{
    $"**What this run measured** ({course.Profile.Name()} profile, {ringSteps:N0} steps, seeds {string.Join(", ", seeds)}; on {course.Device} with {Course.Settings.Threads} thread" + (Course.Settings.Threads == 1 ? "" : "s") + "):",
    string.Join("\n", rows.Select(r => $"* **{r.Setting}**: modes {r.ModesCapturedPerRun} (mean {r.ModesCaptured}), {r.HighQualityPercent:F1}% high-quality, reverse KL {r.ReverseKL:F3}, {r.SecondsPerRun:F1} s per run")),
    $"Most modes on average ({most} of 8): **{string.Join(", ", covering)}**. Sharpest samples: **{sharpest.Setting}** ({sharpest.HighQualityPercent:F1}% high-quality, mean {sharpest.ModesCaptured} modes). " +
    (fullAndSharp is null ? "No setting kept 7.5 or more of the 8 modes on average." :
        $"Of the settings that kept 7.5 or more modes on average, **{fullAndSharp.Setting}** had the sharpest samples ({fullAndSharp.HighQualityPercent:F1}% high-quality), against {Row("vanilla GAN").HighQualityPercent:F1}% high-quality and {Row("vanilla GAN").ModesCaptured} modes for the vanilla GAN."),
}));

// **How to read the table.** The two columns pull in different directions, as in the papers' table: the vanilla GAN
// can be sharp and still miss modes (VEEGAN's 1 mode at 99.3%), a blurry generator can touch every mode and have few
// high-quality samples. A fix that works must do both. What the papers lead one to expect, to compare with the lines
// above: the fixes that change *what G is asked* (MGAN's classifier, feature matching's statistics, the unrolled
// look-ahead) or the *loss* (WGAN-GP) spread the mass over the ring more reliably than giving $D$ more steps, which
// sharpens the samples on the modes $G$ already has; minibatch discrimination depends strongly on the scale of its
// features, and it and the unrolled GAN cost the most per step. Short runs favour the methods that spread first and sharpen later, so a
// low high-quality share after 1,200 steps need not be the final word: the `gpu` profile trains 10,000 steps with five
// seeds. The seconds per run are the other cost: the unrolled GAN pays about $K + 1$ discriminator passes per step.

// ## 9. On images: minibatch discrimination and feature matching on MNIST
//
// Salimans et al. introduced both fixes for images (their MNIST, CIFAR-10 and SVHN experiments), where a collapse
// looks different: not a blob on one Gaussian but **missing digits**, or many samples of one digit. The kit's MNIST
// classifier reads every sample, and three numbers summarise what it reads: how many of the ten digits get at least
// 2% of the samples, the largest share one digit takes, and $\mathrm{KL}(p \,\Vert\, \mathcal{U}) = \sum_k p_k \log(10\,p_k)$
// (0 when all ten are drawn equally often, $\log 10 \approx 2.30$ when one digit takes everything); FD as in every
// image notebook.
//
// The same DCGAN pair in all three runs ([Networks/DcganDiscriminator.cs](../lib/GanCourse/Networks/DcganDiscriminator.cs):
// three strided convolutions and a hidden layer $f(x)$ of 128 features, no BatchNorm, since batch statistics would
// normalise away the batch means that feature matching compares): the plain non-saturating GAN, $G$ trained by
// feature matching on $f$, and $D$ with a minibatch layer of 16 kernels on $f$.

NotebookApp.Cell(59);
Course.SetThreads(Environment.ProcessorCount);     // convolutions, unlike the ring's tiny MLPs, use every core
var imgSteps = course.Profile.Pick(ci: 5, cpu: 600, gpu: 5_000);
var imgBatch = 64;
var imgLatent = 64;
var imgEval = course.Profile.Pick(ci: 200, cpu: 2_000, gpu: 2_000);
var mnist = ImageDataset.Mnist("train", subset: course.Profile.Pick<int?>(ci: 1_000, cpu: null, gpu: null), pad32: true);
Course.Seed(20);
var imgPreviewZ = torch.randn(64, imgLatent);
var imgEvalZ = torch.randn(imgEval, imgLatent);

// One image GAN on the shared loop: DCGAN G, the feature-exposing D, a live view of 64 fixed samples.
(AdversarialTrainer Trainer, double Seconds) TrainOnImages(string name, int minibatchKernels = 0, FeatureMatching? featureMatching = null)
{
    Course.Seed(21);
    var g = new DcganGenerator(latentDim: imgLatent, imgSize: 32, baseChannels: 32);
    var d = new DcganDiscriminator(imgSize: 32, baseChannels: 32, minibatchKernels: minibatchKernels);
    g.apply(Init.DcganNormal);
    d.apply(Init.DcganNormal);
    var stream = new BatchStream(mnist, imgBatch, seed: 21, device: course.Device);
    var t = new AdversarialTrainer(g, d, new NonSaturatingGanLoss(), stream.Next,
        new AdversarialConfig(imgLatent, imgBatch) { FeatureMatching = featureMatching },
        p => optim.Adam(p, 2e-4, 0.5), p => optim.Adam(p, 2e-4, 0.5));
    ImageGrid Grid() => ImageGrid.From(t.Generate(imgPreviewZ), valueRange: (-1, 1), title: $"{name}, step {t.Step}");
    var run = t.Run(imgSteps, new TrainingView($"MNIST: {name}", imgSteps, samples: Grid));
    return (t, run.Seconds);
}

NotebookApp.Cell(60);
var imageRuns = new List<(string Name, AdversarialTrainer Trainer, double Seconds)>();
foreach (var (name, kernels, fm) in new (string, int, FeatureMatching?)[]
{
    ("vanilla GAN", 0, null),
    ("feature matching", 0, new FeatureMatching()),
    ("minibatch discrimination", 16, null),
})
{
    var (t, seconds) = TrainOnImages(name, kernels, fm);
    imageRuns.Add((name, t, seconds));
}

// Each run's 64 fixed samples side by side, then what the classifier reads in 2,000 samples per run (`cpu` profile):

NotebookApp.Cell(62);
Tensor ManySamples(AdversarialTrainer t) => torch.cat(Enumerable.Range(0, (imgEval + 499) / 500)
    .Select(i => t.Generate(imgEvalZ[(500 * i)..Math.Min(imgEval, 500 * (i + 1))])).ToArray());
var mnistClassifier = ImageQuality.ReferenceFor("mnist").Classifier;
var imageRows = imageRuns.Select(r =>
{
    var x = ManySamples(r.Trainer);
    var cover = ClassCoverage.Of(mnistClassifier.Predict(x), 10);
    return (r.Name, Cover: cover, Quality: ImageQuality.Evaluate("mnist", x, r.Name), r.Seconds);
}).ToList();
display(new Row(imageRuns.Select(r => ImageGrid.From(r.Trainer.Generate(imgPreviewZ), valueRange: (-1, 1), title: r.Name)).ToArray()));
display(Table.From(imageRows.Select(r => new
{
    Run = r.Name,
    Steps = imgSteps,
    DigitsCovered = $"{r.Cover.Covered}/10",
    LargestShare = MetricFormat.Percent(r.Cover.LargestShare),
    KLToUniform = Math.Round(r.Cover.KlToUniform, 3),
    FD = Math.Round(r.Quality.FD, 2),
    Seconds = Math.Round(r.Seconds, 1),
}), $"MNIST, {imgEval:N0} samples per run: digits with at least 2% of the samples, the largest digit's share, KL to uniform, FD (floor {imageRows[0].Quality.FDFloor:F2})"));
display(Charts.Bars("Share of samples per digit (the classifier's reading), vanilla GAN", "share", Enumerable.Range(0, 10).Select(k => k.ToString()).ToArray(), imageRows[0].Cover.Shares.ToArray()));

NotebookApp.Cell(63);
// built from the table above, so the text always describes these runs
var imgVanilla = imageRows[0];
var imgBestKl = imageRows.MinBy(r => r.Cover.KlToUniform);
var imgBestFd = imageRows.MinBy(r => r.Quality.FD);
display(Prose.From($"**What this run measured** ({imgSteps} steps each): the vanilla GAN drew {imgVanilla.Cover.Covered} of the 10 digits with at least 2% " +
    $"of its samples (largest share {MetricFormat.Percent(imgVanilla.Cover.LargestShare)}, KL to uniform {imgVanilla.Cover.KlToUniform:F3}). The most even " +
    $"spread over the digits came from **{imgBestKl.Name}** (KL {imgBestKl.Cover.KlToUniform:F3}, {imgBestKl.Cover.Covered}/10 digits) and the lowest FD from " +
    $"**{imgBestFd.Name}** ({imgBestFd.Quality.FD:F2}). Salimans et al. report that feature matching helps most for semi-supervised classification and " +
    $"minibatch discrimination for sample quality; on this short run, compare the two columns rather than the pictures alone."));

// ## Takeaways
//
// **Key formulas**
//
// * Collapse: for a fixed $D$ the best generator is $\delta\big(x - \arg\max_x D(x)\big)$; nothing in a per-sample loss asks for diversity.
// * $k$-step $D$: $k$ updates of $D$ per update of $G$ (`CriticSteps`), so $G$ sees a $D$ closer to $D^* = p_{data}/(p_{data} + p_G)$.
// * Unrolled GAN: $\theta_D^{k+1} = \theta_D^k - \eta \nabla_{\theta_D} L_D$, $G$ descends $f\big(\theta_G, \theta_D^K(\theta_G)\big)$; $K = 0$ is the plain GAN, a step costs about $K + 1$ plain ones.
// * Minibatch discrimination: $o(x_i)_b = \sum_{j \ne i} \exp\big(-\lVert M_{i,b} - M_{j,b} \rVert_1\big)$, $M_i = f(x_i)\,T$, appended to $D$'s features.
// * Feature matching: $G$ minimises $\lVert \mathbb{E} f(x) - \mathbb{E} f(G(z)) \rVert_2^2$ on an intermediate layer $f$ of $D$.
// * MGAN: $G_k$'s loss is its GAN loss $+\,\beta\,\mathrm{CE}(C(G_k(z)), k)$; at the optimum $2\,\mathrm{JSD}(p_{data} \Vert p_{model}) - \beta\,\mathrm{JSD}_\pi(p_{G_1}, \dots, p_{G_K})$.
// * WGAN-GP: the critic's $W_1$ estimate with the penalty $\lambda(\lVert \nabla D(\hat x) \rVert - 1)^2$.
//
// **What the measurements showed** (read them off your run's outputs above)
//
// * Section 1: the vanilla GAN's most popular mode and its share at each snapshot, the strip of histograms, and its high-quality share.
// * Section 3: the lecture's figure with $K = 10$ on top and $K = 0$ below, modes and high-quality share over training for each $K$, and the milliseconds per step of each $K$.
// * Section 6: which modes each of MGAN's generators took.
// * Section 8: one table of modes per seed, high-quality share, reverse KL and seconds per run for all seven settings, next to the papers' numbers.
//
// Notebook 04 moves from points to images (DCGAN); notebook 06 returns to the ring with the Wasserstein losses.

NotebookApp.End();
