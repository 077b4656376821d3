// Generated from 06-wgan-gp.ipynb by `dotnet run --project tools/GanCourse.Runner -- --export-apps`; do not edit: change the notebook and regenerate.
// Runs the lesson with no notebook host:  dotnet run notebooks/apps/06-wgan-gp.cs
// GANCOURSE_PROFILE=ci|cpu|gpu picks the profile; the displayed values go to output/apps/06-wgan-gp.html.
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
using GanCourse.Runner;
using static GanCourse.Runner.NotebookApp; // display(...), as in a notebook

NotebookApp.Start("06-wgan-gp", "bc02b3bc71922202");

// # 06 · Wasserstein GAN, WGAN-GP and LSGAN
//
// Notebook 03 trained GANs with the Jensen-Shannon game and saw them drop and hop between modes; the tips helped one
// symptom at a time. The lectures' answer is a **different loss** (seed 000: "other loss functions are one of the key
// ways to fix the problems of training"):
//
// | loss of the discriminator | kind of GAN |
// |---|---|
// | binary cross-entropy | vanilla GAN (notebooks 03-05) |
// | least squares (L2) | LSGAN |
// | Earth-Mover distance / Wasserstein-1 | WGAN |
// | Wasserstein GAN + gradient penalty | WGAN-GP |
//
// This notebook follows seeds 000 (*LSGAN, WGAN, WGAN-GP*), 001 (*vanishing gradients, mode collapse, Wasserstein
// distance, duality, the WGAN algorithm*) and 003 (*WGAN, WGAN-GP loss*):
//
// 1. **why JS fails**: disjoint supports make it constant, and an optimal discriminator saturates (the WGAN paper's
//    Figure 2, re-created);
// 2. the **Earth-Mover distance** on small discrete examples (a transport plan), then its **dual form**
//    (Kantorovich-Rubinstein) and a network that finds the dual function;
// 3. **WGAN** with weight clipping, exactly the lecture's Algorithm 1;
// 4. **WGAN-GP**, exactly its Algorithm 1, with the gradient penalty computed by a double backward;
// 5. **LSGAN**'s $(a, b, c)$ objective;
// 6. a **comparison** of the four losses on the same data with the same networks: the ring of 8 Gaussians (mode
//    metric, several seeds) and Fashion-MNIST (samples, the critic's Wasserstein estimate against sample quality).
//
// All runs use notebook 03's `AdversarialTrainer` (on the ring through notebook 03's `RingExperiment`); the new losses are in
// [Training/WassersteinLoss.cs](../lib/GanCourse/Training/WassersteinLoss.cs),
// [Training/GradientPenalty.cs](../lib/GanCourse/Training/GradientPenalty.cs) and
// [Training/LeastSquaresLoss.cs](../lib/GanCourse/Training/LeastSquaresLoss.cs), the papers' settings in
// [Training/GanRecipe.cs](../lib/GanCourse/Training/GanRecipe.cs).

NotebookApp.Cell(2);
var course = Course.Init();

// The toy networks here are tiny; one CPU thread is as fast as several for them and stays fast when other programs
// keep the cores busy (see notebook 03). The small image networks of section 7 are no different.

NotebookApp.Cell(4);
Course.SetThreads(1);

// ## 1. What goes wrong with the Jensen-Shannon divergence
//
// Notebook 03 showed that with the optimal discriminator the GAN generator minimises
// $V(G, D^*) = 2\,\mathrm{JS}(p_{data} \| p_G) - \log 4$ with
//
// $$\mathrm{JS}(p \| q) = \tfrac12 \mathrm{KL}\big(p \,\|\, \tfrac{p+q}{2}\big) + \tfrac12 \mathrm{KL}\big(q \,\|\, \tfrac{p+q}{2}\big).$$
//
// The lecture (seed 000) names two problems: **1) if the supports of the distributions do not overlap** and
// **2) the gradients vanish once D has learned**.

// ### 1.1 Disjoint supports: JS is constant
//
// Real images live on a thin set (a low-dimensional manifold) in pixel space, and so do the generator's samples
// early in training: their supports hardly ever overlap. Then $\frac{p+q}{2} = \frac{p}{2}$ wherever $p > 0$ and
// $\frac{q}{2}$ wherever $q > 0$, so $\mathrm{JS}(p\|q) = \tfrac12\log 2 + \tfrac12\log 2 = \log 2$, **whatever the distance
// between them**. The WGAN paper's example: $Z \sim U[0, 1]$, $P_0$ the distribution of $(0, Z)$, $P_\theta$ of
// $(\theta, Z)$ (two parallel segments):
//
// $$\mathrm{JS}(P_0, P_\theta) = \begin{cases}\log 2 & \theta \ne 0\\ 0 & \theta = 0\end{cases}, \qquad
// \mathrm{KL}(P_\theta \| P_0) = \infty \;(\theta \ne 0), \qquad W(P_0, P_\theta) = |\theta| .$$
//
// A generator that moves its segment towards the data gets **no signal** from JS (it is flat, its gradient in
// $\theta$ is 0) but a useful one from the Earth-Mover distance $W$ (section 2). The same holds, numerically, for
// two narrow 1-D Gaussians $\mathcal{N}(0, 0.1^2)$ and $\mathcal{N}(\theta, 0.1^2)$: we integrate JS on a fine grid; $W$ between two
// Gaussians of equal width is exactly $|\theta|$.

NotebookApp.Cell(7);
double Normal(double x, double mu, double s) => Math.Exp(-0.5 * (x - mu) * (x - mu) / (s * s)) / (s * Math.Sqrt(2 * Math.PI));
double JsNumeric(Func<double, double> p, Func<double, double> q, double lo, double hi, int n = 20_000)
{
    double dx = (hi - lo) / n, js = 0;
    for (var i = 0; i < n; i++)
    {
        var x = lo + (i + 0.5) * dx;
        double a = p(x), b = q(x), m = (a + b) / 2;
        if (a > 0) js += 0.5 * a * Math.Log(a / m) * dx;
        if (b > 0) js += 0.5 * b * Math.Log(b / m) * dx;
    }
    return js;
}
var thetas = Enumerable.Range(0, 121).Select(i => -3 + i * 0.05).ToArray();
var jsCurve = thetas.Select(t => JsNumeric(x => Normal(x, 0, 0.1), x => Normal(x, t, 0.1), -4, 4)).ToArray();
Console.WriteLine($"JS at θ = 0.5, 1, 2: {jsCurve[70]:F4}, {jsCurve[80]:F4}, {jsCurve[100]:F4}   (log 2 = {Math.Log(2):F4})");
display(Charts.Lines("Distance between N(0, 0.1²) and N(θ, 0.1²)", "θ", "value",
    new Series("JS divergence (flat at log 2 once the supports separate)", thetas, jsCurve),
    new Series("Earth-Mover distance W = |θ|", thetas, thetas.Select(Math.Abs).ToArray())));

// Once the two bumps no longer overlap ($|\theta| \gtrsim 0.5$), JS is $\log 2$ and its slope is zero: a generator at
// $\theta = 2$ and one at $\theta = 0.6$ look equally bad. $W$ keeps decreasing all the way to the data.

// ### 1.2 The optimal discriminator saturates, the critic does not (WGAN paper, Figure 2)
//
// Seed 001's argument: once the discriminator separates the classes perfectly, $D(x_i) = 1$ on real and
// $D(G(z_j)) = 0$ on generated data, the loss is $-\frac1n\sum\log 1 - \frac1n\sum\log(1 - 0) = 0 = \text{const}$ and
// $\nabla L = 0$: "the discriminator and the generator no longer learn".
//
// We re-create the paper's figure: real data $\mathcal{N}(-2, 0.5^2)$ and "generated" data $\mathcal{N}(+2, 0.5^2)$, the two
// halves of `ToyData.TwoGaussians1D`. With the generator fixed, we train three 1 → 50 → 50 → 1 networks (the
// lecture's MLP) to optimality:
//
// * a GAN **discriminator** with binary cross-entropy, $D = \sigma(l)$;
// * a WGAN **critic** $f$ with weight clipping ($c = 0.01$), maximising $\mathbb{E}_{real} f - \mathbb{E}_{fake} f$;
// * a WGAN-GP critic (gradient penalty instead of clipping, section 4).
//
// Nothing is trained against them: this is the signal a generator *would* receive. (To get to optimality quickly
// all three use a larger learning rate, $10^{-3}$, than the GAN algorithms below.)

NotebookApp.Cell(10);
var optSteps = course.Profile.Pick(ci: 150, cpu: 3000, gpu: 3000);
var optBatch = 256;

// One batch of each half of TwoGaussians1D: real = the mode at -2, fake = the mode at +2, equally many of each.
(Tensor Real, Tensor Fake) TwoGaussiansBatch(int n)
{
    using var scope = torch.NewDisposeScope();
    using var both = ToyData.TwoGaussians1D(3 * n, mean1: -2, mean2: 2, std: 0.5);
    var real = both.Samples.index_select(0, both.Modes!.eq(0).nonzero().reshape(-1))[..n];
    var fake = both.Samples.index_select(0, both.Modes!.eq(1).nonzero().reshape(-1))[..n];
    return (real.MoveToOuterDisposeScope(), fake.MoveToOuterDisposeScope());
}

// Trains a discriminator/critic with G fixed: the loss's D objective, its penalty and its constraint, as AdversarialTrainer does.
void TrainWithFixedGenerator(nn.Module<Tensor, Tensor> net, IGanLoss loss, optim.Optimizer opt, int steps)
{
    for (var step = 0; step < steps; step++)
    {
        using var scope = torch.NewDisposeScope();
        var (real, fake) = TwoGaussiansBatch(optBatch);
        opt.zero_grad();
        var l = loss.Discriminator(net.forward(real), net.forward(fake));
        if (loss is WganGpLoss gp) l = l + gp.Penalty(net, real, fake);
        l.backward();
        opt.step();
        if (loss is ICriticConstraint constraint) constraint.Apply(net);
    }
}

Course.Seed(42);
var gan1d = new MlpDiscriminator(hiddenDim: 50, inputDim: 1);
TrainWithFixedGenerator(gan1d, new MinimaxGanLoss(), optim.Adam(gan1d.parameters(), 1e-3), optSteps);
var clip1d = new MlpDiscriminator(hiddenDim: 50, inputDim: 1);
TrainWithFixedGenerator(clip1d, new WganLoss(clip: 0.01), optim.RMSProp(clip1d.parameters(), 1e-3), optSteps);
var gp1d = new MlpDiscriminator(hiddenDim: 50, inputDim: 1);
TrainWithFixedGenerator(gp1d, new WganGpLoss(lambda: 10), optim.Adam(gp1d.parameters(), 1e-3, beta1: 0, beta2: 0.9), optSteps);
Console.WriteLine($"trained each network for {optSteps} steps");

NotebookApp.Cell(11);
var xs1 = Enumerable.Range(0, 401).Select(i => -5 + i * 0.025).ToArray();
var grid1 = torch.tensor(xs1.Select(v => (float)v).ToArray()).reshape(-1, 1);
double[] Values(Tensor t) => t.detach().reshape(-1).to(float64).data<double>().ToArray();
double[] Eval(Func<Tensor, Tensor> f) { using (torch.no_grad()) return Values(f(grid1)); }

var dProb = Eval(gan1d.Probability);
var fClip = Eval(clip1d.forward);
var fGp = Eval(gp1d.forward);
// centre the critics at 0 between the modes; the clipped critic's values are tiny (|w| ≤ 0.01), so we rescale it to the GP critic's range
var clipScale = (fGp.Max() - fGp.Min()) / (fClip.Max() - fClip.Min());
var fClipShown = fClip.Select(v => (v - fClip[200]) * clipScale).ToArray();
var fGpShown = fGp.Select(v => v - fGp[200]).ToArray();
Console.WriteLine($"clipped critic: values span {fClip.Max() - fClip.Min():E2} over [-5, 5] (drawn ×{clipScale:F0}); GP critic: {fGp.Max() - fGp.Min():F2}");
display(Charts.Lines("Optimal discriminator and critics for two Gaussians (WGAN paper, Figure 2)", "x", "value",
    new Series("real density N(-2, 0.5²)", xs1, xs1.Select(x => Normal(x, -2, 0.5)).ToArray()),
    new Series("fake density N(+2, 0.5²)", xs1, xs1.Select(x => Normal(x, 2, 0.5)).ToArray()),
    new Series("GAN discriminator D(x)", xs1, dProb),
    new Series($"WGAN critic f(x), clipping (×{clipScale:F0})", xs1, fClipShown),
    new Series("WGAN-GP critic f(x)", xs1, fGpShown)));

// The discriminator is a step: 1 on the real mode, 0 on the fake one, flat everywhere else. Both critics are
// (close to) **linear** between the modes: they rank every point by "how far towards the real data", so a fake at
// $x = 2$ or $x = 4$ is told which way to move and by how much. Now the gradient each generator loss sends back to a
// generated sample $x$, $|\partial \mathcal{L}_G / \partial x|$, by autograd through the trained networks:

// **Exercise 6.1 (predict).** The next cell measures the gradient $|\partial \mathcal{L}_G / \partial x|$ that each generator loss sends to a generated sample at $x$, through the networks trained above. At the fake mode $x = 2$, which loss sends the **smallest** gradient: (a) the saturating GAN loss $\log(1 - D(x))$, (b) the non-saturating GAN loss $-\log D(x)$, (c) the WGAN-GP critic's $-f(x)$? Predict from the chart above (where is $D$ flat, where is $f$ sloped?), then run the next cell.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("06.1")` in a new cell reveals the worked solution.

NotebookApp.Cell(14);
string smallestGradient = "";   // "a", "b" or "c"
display(Exercise.Check("06.1", smallestGradient));

NotebookApp.Cell(15);
double[] InputGradient(Func<Tensor, Tensor> lossOfX)
{
    var x = grid1.clone().requires_grad_(true);
    lossOfX(x).sum().backward();
    return Values(x.grad!.abs());
}
var gradSat = InputGradient(x => new MinimaxGanLoss().Generator(gan1d.forward(x)) * x.shape[0]);
var gradNs = InputGradient(x => new NonSaturatingGanLoss().Generator(gan1d.forward(x)) * x.shape[0]);
var gradClip = InputGradient(x => clip1d.forward(x).neg() * clipScale);
var gradGp = InputGradient(x => gp1d.forward(x).neg());
int At(double x) => (int)Math.Round((x + 5) / 0.025);
Console.WriteLine($"at the fake mode x = 2:  saturating GAN {gradSat[At(2)]:E2}, non-saturating GAN {gradNs[At(2)]:E2}, WGAN-GP critic {gradGp[At(2)]:F3}");
Console.WriteLine($"far out at x = 4:        saturating GAN {gradSat[At(4)]:E2}, non-saturating GAN {gradNs[At(4)]:E2}, WGAN-GP critic {gradGp[At(4)]:F3}");
display(Charts.Lines("|∂ generator loss / ∂x|: the signal a generated sample at x gets", "x", "gradient magnitude",
    new Series("saturating GAN: log(1 − D(x))", xs1, gradSat),
    new Series("non-saturating GAN: −log D(x)", xs1, gradNs),
    new Series($"WGAN (clipping, ×{clipScale:F0}): −f(x)", xs1, gradClip),
    new Series("WGAN-GP: −f(x)", xs1, gradGp)));

// With the saturating loss the generator gets essentially **zero gradient** where its samples are ($x \ge 1$): the
// vanishing-gradient problem of seed 001. The non-saturating loss $-\log D$ still sends a gradient there, but its size
// is whatever slope the discriminator's logit happens to have, and that slope keeps growing the longer and the
// better $D$ is trained (the WGAN paper reports these updates becoming unstable as $D$ improves). The critics'
// gradients have a moderate, nearly constant size along the whole line, with no bump at the decision boundary:
// "our WGAN critic provides very clean gradients on all parts of the space". So a critic can be trained
// **to optimality** without hurting the generator, which is what WGAN does with $n_{critic} = 5$.

// ## 2. The Earth-Mover distance

// ### 2.1 Moving piles of sand
//
// Two piles of earth $P_r$ and $P_\theta$: what is the **minimum work** needed to move one pile into the shape of the
// other (seed 001)? Moving mass $m$ over distance $d$ costs $m \cdot d$ ("cost = weight · distance", seed 000). A
// **transport plan** $\gamma(x, y)$ says how much mass goes from $x$ to $y$; it must take every pile apart completely and
// build the other exactly, i.e. its marginals are $P_r$ and $P_\theta$: $\gamma \in \Pi(P_r, P_\theta)$. The
// Earth-Mover (Wasserstein-1) distance is the cost of the best plan:
//
// $$W(P_r, P_\theta) = \inf_{\gamma \in \Pi(P_r, P_\theta)} \mathbb{E}_{(x, y) \sim \gamma} \|x - y\|
// \qquad\text{(discrete: } \mathrm{EMD}(P_r, P_\theta) = \inf_{\gamma \in \Pi} \textstyle\sum_{x, y} \|x - y\|\, \gamma(x, y)\text{)}.$$
//
// "There is no problem with disjoint supports here": moving sand further simply costs more.
//
// A small discrete example on the positions $0, 1, \dots, 9$: $P_r$ is one pile in the middle, $P_\theta$ two piles at the
// sides. On a line the best plan is known: move the mass **in order** (the $k$-th grain from the left of one pile goes to
// the $k$-th grain from the left of the other), the "north-west corner" rule, and its cost equals
// $\sum_k |F_r(k) - F_\theta(k)|$, the area between the two cumulative distributions.

// **Exercise 6.2 (derivation).** Before the next cell computes it: for its two piles on the positions $0, \dots, 9$, $P_r = (0, 0, 0.1, 0.3, 0.3, 0.2, 0.1, 0, 0, 0)$ and $P_\theta = (0.3, 0.1, 0, 0, 0, 0, 0.1, 0.2, 0.2, 0.1)$, compute $W(P_r, P_\theta)$ by hand as the area between the cumulative distributions, $\sum_k |F_r(k) - F_\theta(k)|$.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("06.2")` in a new cell reveals the worked solution.

NotebookApp.Cell(20);
double pileEmd = double.NaN;   // Σ_k |F_r(k) − F_θ(k)|
display(Exercise.Check("06.2", pileEmd));

NotebookApp.Cell(21);
var pos = Enumerable.Range(0, 10).Select(i => (double)i).ToArray();
double[] pr = [0, 0, 0.1, 0.3, 0.3, 0.2, 0.1, 0, 0, 0];      // P_r: one pile in the middle
double[] pt = [0.3, 0.1, 0, 0, 0, 0, 0.1, 0.2, 0.2, 0.1];    // P_θ: two piles at the sides

// Transport plan by the north-west corner rule along the given orders of source and target positions.
double[,] NorthWest(double[] a0, double[] b0, int[] rowOrder, int[] colOrder)
{
    int n = a0.Length;
    var a = (double[])a0.Clone(); var b = (double[])b0.Clone();
    var g = new double[n, n];
    int i = 0, j = 0;
    while (i < n && j < n)
    {
        int r = rowOrder[i], c = colOrder[j];
        if (a[r] <= 1e-12) { i++; continue; }
        if (b[c] <= 1e-12) { j++; continue; }
        var m = Math.Min(a[r], b[c]);
        g[r, c] += m; a[r] -= m; b[c] -= m;
    }
    return g;
}
double Cost(double[,] g) { double s = 0; for (var i = 0; i < 10; i++) for (var j = 0; j < 10; j++) s += g[i, j] * Math.Abs(pos[i] - pos[j]); return s; }
var inOrder = Enumerable.Range(0, 10).ToArray();
var plan = NorthWest(pr, pt, inOrder, inOrder);
var emd = Cost(plan);
double[] Cdf(double[] p) { var c = new double[p.Length]; double s = 0; for (var k = 0; k < p.Length; k++) c[k] = s += p[k]; return c; }
var Fr = Cdf(pr); var Ft = Cdf(pt);
var cdfArea = Enumerable.Range(0, 10).Sum(k => Math.Abs(Fr[k] - Ft[k]));
// the plan's marginals are the two piles
var rowSums = Enumerable.Range(0, 10).Select(i => Enumerable.Range(0, 10).Sum(j => plan[i, j])).ToArray();
var colSums = Enumerable.Range(0, 10).Select(j => Enumerable.Range(0, 10).Sum(i => plan[i, j])).ToArray();
Console.WriteLine($"marginals match: {rowSums.Zip(pr).All(t => Math.Abs(t.First - t.Second) < 1e-9) && colSums.Zip(pt).All(t => Math.Abs(t.First - t.Second) < 1e-9)}");
Console.WriteLine($"EMD of the in-order plan = {emd:F3};  area between the CDFs Σ|F_r − F_θ| = {cdfArea:F3}");

// Is the in-order plan really the cheapest? Compare it with other valid plans, and draw the two piles and the plan:

NotebookApp.Cell(23);
// Other valid plans: the independent one γ = P_r ⊗ P_θ, and 2,000 random north-west plans along shuffled orders
var independent = new double[10, 10];
for (var i = 0; i < 10; i++) for (var j = 0; j < 10; j++) independent[i, j] = pr[i] * pt[j];
var rng = new Random(0);
var randomCosts = Enumerable.Range(0, 2000).Select(_ =>
{
    var ro = inOrder.ToArray(); var co = inOrder.ToArray(); rng.Shuffle(ro); rng.Shuffle(co);
    return Cost(NorthWest(pr, pt, ro, co));
}).ToArray();
Console.WriteLine($"independent plan P_r ⊗ P_θ costs {Cost(independent):F3}; 2,000 random plans cost {randomCosts.Min():F3} to {randomCosts.Max():F3}: none below {emd:F3}");

display(Charts.Lines("Two piles of sand", "position", "mass",
    new Series("P_r (real)", pos, pr), new Series("P_θ (generated)", pos, pt)));
display(Charts.Heatmap($"Optimal transport plan γ(x, y): mass moved from x to y (EMD = {emd:F2})", "y (position in P_θ)", "x (position in P_r)",
    pos, pos, Enumerable.Range(0, 10).Select(i => Enumerable.Range(0, 10).Select(j => plan[i, j]).ToArray()).ToArray()));

// Each row of the plan takes one column of sand of $P_r$ apart, each column of the plan builds one column of $P_\theta$.
// The optimal plan sends the left part of the middle pile to the left piles and the right part to the right piles;
// no random plan is cheaper, and the independent plan (every grain to a random place) costs much more.

// ### 2.2 The dual form: Kantorovich-Rubinstein
//
// The infimum over all joint distributions is intractable for images. The lecture's way out is the
// **Kantorovich-Rubinstein duality**:
//
// $$W(P_r, P_\theta) = \sup_{\|f\|_L \le 1} \; \mathbb{E}_{x \sim P_r} f(x) - \mathbb{E}_{x \sim P_\theta} f(x),$$
//
// a supremum over all **1-Lipschitz** functions, $|f(x_1) - f(x_2)| \le \|x_1 - x_2\|$. A network $f$ can play this role:
// it only needs samples of both distributions, like a discriminator, but it outputs an unbounded score. On the line
// the optimal $f$ is easy to write down: summation by parts gives
// $\mathbb{E}_r f - \mathbb{E}_\theta f = \sum_k \big(f(k{+}1) - f(k)\big)\big(F_\theta(k) - F_r(k)\big)$, so the best 1-Lipschitz $f$
// climbs with slope $+1$ where $F_\theta > F_r$ and falls with slope $-1$ where $F_\theta < F_r$, and the value is again
// $\sum_k |F_r(k) - F_\theta(k)|$.
//
// Then we let a network find it: a 1 → 64 → 64 → 1 critic trained on samples of the two piles to maximise
// $\mathbb{E}_r f - \mathbb{E}_\theta f$ with the gradient penalty of section 4 keeping it (softly) 1-Lipschitz. Two
// details matter for such a tiny problem. The critic starts at $f = 0$ (its last layer zeroed): at gradient 0 the
// penalty has no preferred direction, so the data decide which way each part of $f$ slopes. From a random start the
// penalty quickly pushes the slope to $\pm 1$ in whatever direction the random function happened to slope, and on a
// line a critic sloping the wrong way cannot turn around without passing through slope 0, where the penalty is
// large: it gets stuck with a negative estimate (set `zeroStart = false` and see). And the positions are centred
// ($x - 4.5$) so that the ReLUs' kinks, which start near 0, lie where the sand is.

NotebookApp.Cell(26);
var fStar = new double[10];
for (var k = 0; k + 1 < 10; k++) fStar[k + 1] = fStar[k] + Math.Sign(Ft[k] - Fr[k]);
var dualValue = Enumerable.Range(0, 10).Sum(k => fStar[k] * (pr[k] - pt[k]));
var lipschitz = Enumerable.Range(0, 9).Max(k => Math.Abs(fStar[k + 1] - fStar[k]));
Console.WriteLine($"dual: E_r f* − E_θ f* = {dualValue:F3} (primal EMD {emd:F3}), max |f*(k+1) − f*(k)| = {lipschitz}");

// Can a critic find $f^*$ by itself? Train the lecture's MLP as a WGAN-GP critic on the two piles (G fixed) and watch its estimate of $W$:

NotebookApp.Cell(28);
var dualSteps = course.Profile.Pick(ci: 100, cpu: 600, gpu: 1500);
var zeroStart = true;
const float Centre = 4.5f;
Course.Seed(3);
var critic1d = new MlpDiscriminator(hiddenDim: 64, inputDim: 1);
if (zeroStart) using (torch.no_grad()) critic1d.parameters().ToList()[4].zero_();   // model.4.weight: f = const
var dualLoss = new WganGpLoss(lambda: 10);
var dualOpt = optim.Adam(critic1d.parameters(), 1e-3, beta1: 0, beta2: 0.9);
var prT = torch.tensor(pr.Select(v => (float)v).ToArray());
var ptT = torch.tensor(pt.Select(v => (float)v).ToArray());
var dualCurve = new List<(double Step, double Estimate)>();
for (var step = 0; step < dualSteps; step++)
{
    using var scope = torch.NewDisposeScope();
    var real = torch.multinomial(prT, 256, replacement: true).to(float32).reshape(-1, 1) - Centre;
    var fake = torch.multinomial(ptT, 256, replacement: true).to(float32).reshape(-1, 1) - Centre;
    dualOpt.zero_grad();
    var l = dualLoss.Discriminator(critic1d.forward(real), critic1d.forward(fake)) + dualLoss.Penalty(critic1d, real, fake);
    l.backward();
    dualOpt.step();
    if (step % 25 == 0 || step == dualSteps - 1)
        using (torch.no_grad())
        {
            var f = Values(critic1d.forward(torch.tensor(pos.Select(v => (float)v).ToArray()).reshape(-1, 1) - Centre));
            dualCurve.Add((step, Enumerable.Range(0, 10).Sum(k => f[k] * (pr[k] - pt[k]))));
        }
}
var xsDual = Enumerable.Range(0, 201).Select(i => -0.5 + i * 0.05).ToArray();
double[] fNet;
using (torch.no_grad()) fNet = Values(critic1d.forward(torch.tensor(xsDual.Select(v => (float)v).ToArray()).reshape(-1, 1) - Centre));
var shift = fNet[10];   // f(0) = 0
Console.WriteLine($"critic after {dualSteps} steps: E_r f − E_θ f = {dualCurve[^1].Estimate:F3} (W = {emd:F3})");
display(Charts.Lines("The dual function: f* and the trained critic (shifted to f(0) = 0)", "position", "f",
    new Series("f* (slope ±1)", pos, fStar),
    new Series("WGAN-GP critic", xsDual, fNet.Select(v => v - shift).ToArray())));
display(Charts.Lines("The critic's estimate of W while it trains", "critic step", "E_r f − E_θ f",
    new Series("critic's estimate", dualCurve.Select(c => c.Step).ToArray(), dualCurve.Select(c => c.Estimate).ToArray()),
    new Series($"EMD = {emd:F2}", [0, dualSteps], [emd, emd])));

// The trained critic rises over the left pile of $P_\theta$, peaks on $P_r$ and falls over the right pile: it has
// found the tent-shaped $f^*$, with slopes close to $\pm 1$ where mass must move. The penalty is soft, so the
// slopes come out a little steeper than 1 and the estimate can overshoot the EMD somewhat; a hard constraint would
// approach it from below. (Between positions with no mass the critic may do what it likes; only the values at the sand
// matter.) This is the WGAN idea: **train a critic to estimate $W$, and let the generator descend the estimate.**

// ## 3. WGAN: weight clipping (Algorithm 1)
//
// The WGAN game (seed 000) replaces the discriminator by a **critic** $f_w$ ("no sigmoid, a regression problem, a tool
// for estimating the distance between distributions"):
//
// $$\min_G W(p_{data}, p_G) = \min_G \max_{\|f\|_L \le 1} \mathbb{E}_{x \sim p_{data}} [f(x)] - \mathbb{E}_{z \sim p_z} [f(G(z))].$$
//
// | | discriminator / critic | generator |
// |---|---|---|
// | GAN | $\nabla_{\theta_d} \frac1m\sum_i \big[\log D(x^{(i)}) + \log(1 - D(G(z^{(i)})))\big]$ | $\nabla_{\theta_g} \frac1m\sum_i \log D(G(z^{(i)}))$ |
// | WGAN | $\nabla_w \frac1m\sum_i \big[f(x^{(i)}) - f(G(z^{(i)}))\big]$ | $\nabla_\theta \frac1m\sum_i f(G(z^{(i)}))$ |
//
// To keep $f$ Lipschitz, **the weights are clipped** to $[-c, c]$ after every update ("and it works!", seed 000;
// but it only guarantees $\|f\|_L \le K$ for some constant $K$, so the critic estimates $K \cdot W$).
//
// > **Algorithm 1** (WGAN). Defaults: $\alpha = 0.00005$, $c = 0.01$, $m = 64$, $n_{critic} = 5$.
// > **while** $\theta$ has not converged: **for** $t = 0, \dots, n_{critic}$: sample $\{x^{(i)}\}_{i=1}^m \sim \mathbb{P}_r$ and
// > $\{z^{(i)}\}_{i=1}^m \sim p(z)$; $g_w \leftarrow \nabla_w \big[\frac1m\sum_i f_w(x^{(i)}) - \frac1m\sum_i f_w(g_\theta(z^{(i)}))\big]$;
// > $w \leftarrow w + \alpha\cdot\mathrm{RMSProp}(w, g_w)$; $w \leftarrow \mathrm{clip}(w, -c, c)$. **Then** sample
// > $\{z^{(i)}\}_{i=1}^m \sim p(z)$; $g_\theta \leftarrow -\nabla_\theta \frac1m\sum_i f_w(g_\theta(z^{(i)}))$;
// > $\theta \leftarrow \theta - \alpha\cdot\mathrm{RMSProp}(\theta, g_\theta)$.
//
// In the library (`WganLoss`, `WeightClipping`, `GanRecipe.Wgan`) this is:
//
// ```csharp
// public Tensor Discriminator(Tensor realScores, Tensor fakeScores) => fakeScores.mean() - realScores.mean(); // minimised: ascent on E f(x) − E f(G(z))
// public Tensor Generator(Tensor fakeScores) => fakeScores.mean().neg();                                      // −E f(G(z))
// // WeightClipping.Apply, called by the trainer after every critic step (line 7):
// foreach (var p in critic.parameters()) p.clamp_(-C, C);
// // GanRecipe.Wgan(): CriticSteps = 5, optimizer p => optim.RMSProp(p, 5e-5) for both networks
// ```
//
// `AdversarialTrainer` runs `CriticSteps` = $n_{critic}$ critic updates (each on a fresh real batch and fresh noise)
// per generator update and calls the loss's `ICriticConstraint` after each. The critic is notebook 03's
// `MlpDiscriminator`: it already returns a raw score (no sigmoid), and it has no BatchNorm.
//
// **The ring again.** Notebook 03's ring of 8 Gaussians (radius 2, std 0.02) and mode metric, with the MLPs of width
// 128 and latent size 10. The batch is 256 for every loss on the ring (the WGAN-GP paper's toy experiments; $m = 64$ is
// used for the images in section 7); each loss gets its paper's optimizer, $n_{critic}$ and constants
// (`GanRecipe`), and every run makes the same number of **generator** steps.

NotebookApp.Cell(31);
var ringSteps = course.Profile.Pick(ci: 60, cpu: 2_000, gpu: 10_000);
var ringBatch = 256;
var ringHidden = 128;
var ringLatent = 10;
var ringSnapshots = 10;
const double RingStd = 0.02;
Course.Seed(2024);
var evalNoise = torch.randn(ModeMetrics.StandardSamples, ringLatent);   // fixed noise for every measurement
// One ring run with a recipe (its loss, n_critic and optimizer for both networks) = notebook 03's experiment: the
// course's loop, MLP G and D, a fresh ring batch per critic update; at each snapshot the mode metric and the critic's
// estimate E f(x) − E f(G(z)), averaged over the steps since the last snapshot (Experiments/RingExperiment.cs)
var ring = new RingExperiment(new RingSetup(ringSteps, ringBatch, ringHidden, ringLatent, RingStd, ringSnapshots), evalNoise);

NotebookApp.Cell(32);
var wganRun = ring.Run(GanRecipe.Wgan(), seed: 1, view: new TrainingView("WGAN (clipping) on the ring", ringSteps));
display(RingExperiment.SnapshotTable(wganRun, $"WGAN, Algorithm 1 defaults: the mode metric at each snapshot ({wganRun.Seconds:F1} s)"));

// What clipping does to the critic: with $|w| \le 0.01$ the network can only be a very flat function, and its
// weights pile up at the two ends of the box (Gulrajani et al., Figure 1b); its estimate $\mathbb{E} f(x) - \mathbb{E} f(G(z))$ is a
// tiny multiple $K\cdot W$ of the distance. The histogram of the critic's weights after training (most of them were
// clipped at the very first step already: PyTorch's default initialisation draws weights up to $1/\sqrt{\text{fan-in}}$,
// about 0.09 here, far outside $[-0.01, 0.01]$, and the RMSProp steps of $5\cdot10^{-5}$ do not bring them back):

NotebookApp.Cell(34);
double[] WeightValues(nn.Module m) => m.parameters().SelectMany(p => p.detach().cpu().reshape(-1).to(float64).data<double>().ToArray()).ToArray();
(double[] Centers, double[] Share) Histogram(double[] values, double lo, double hi, int bins = 41)
{
    var counts = new double[bins];
    foreach (var v in values)
    {
        var b = (int)Math.Floor((v - lo) / (hi - lo) * bins);
        if (b >= 0 && b < bins) counts[b]++;
        else if (v == hi) counts[bins - 1]++;
    }
    return (Enumerable.Range(0, bins).Select(i => lo + (i + 0.5) * (hi - lo) / bins).ToArray(), counts.Select(c => c / values.Length).ToArray());
}
var clippedWeights = WeightValues(wganRun.Trainer.Discriminator);
var atBounds = clippedWeights.Count(v => Math.Abs(v) >= 0.01 * 0.999) / (double)clippedWeights.Length;
Console.WriteLine($"{clippedWeights.Length} critic weights, all in [{clippedWeights.Min():F4}, {clippedWeights.Max():F4}]; {atBounds:P1} sit at ±c");
var wh = Histogram(clippedWeights, -0.0105, 0.0105);
display(Charts.Lines("WGAN critic weights after training (c = 0.01)", "weight", "share of weights", new Series("clipped critic", wh.Centers, wh.Share)));

// ## 4. WGAN-GP: the gradient penalty (Gulrajani et al.)
//
// "Instead of clipping, a soft penalty on the gradients" (seed 000). A differentiable function is 1-Lipschitz
// exactly when its gradient norm is at most 1 everywhere, and the optimal critic has gradient norm **exactly 1** on the
// straight lines between coupled real and generated points. So WGAN-GP penalises the deviation of the gradient
// norm from 1 at random points $\hat x$ on segments between a real and a generated sample:
//
// $$L = \underbrace{\mathbb{E}_{\tilde x \sim \mathbb{P}_g} [D(\tilde x)] - \mathbb{E}_{x \sim \mathbb{P}_r} [D(x)]}_{\text{original critic loss}}
// + \underbrace{\lambda\, \mathbb{E}_{\hat x \sim \mathbb{P}_{\hat x}} \big[(\|\nabla_{\hat x} D(\hat x)\|_2 - 1)^2\big]}_{\text{gradient penalty}} .$$
//
// > **Algorithm 1** (WGAN-GP). Defaults: $\lambda = 10$, $n_{critic} = 5$, $\alpha = 0.0001$, $\beta_1 = 0$, $\beta_2 = 0.9$.
// > **while** $\theta$ has not converged: **for** $t = 1, \dots, n_{critic}$: **for** $i = 1, \dots, m$: sample real
// > $x \sim \mathbb{P}_r$, latent $z \sim p(z)$, a random number $\epsilon \sim U[0, 1]$; $\tilde x \leftarrow G_\theta(z)$;
// > $\hat x \leftarrow \epsilon x + (1 - \epsilon)\tilde x$; $L^{(i)} \leftarrow D_w(\tilde x) - D_w(x) + \lambda(\|\nabla_{\hat x} D_w(\hat x)\|_2 - 1)^2$;
// > then $w \leftarrow \mathrm{Adam}(\nabla_w \frac1m\sum_i L^{(i)}, w, \alpha, \beta_1, \beta_2)$. **Then** sample $\{z^{(i)}\}_{i=1}^m \sim p(z)$
// > and $\theta \leftarrow \mathrm{Adam}(\nabla_\theta \frac1m\sum_i -D_w(G_\theta(z^{(i)})), \theta, \alpha, \beta_1, \beta_2)$.
//
// The penalty contains a gradient, and we need *its* gradient with respect to the critic's weights: a **double
// backward**. `torch.autograd.grad(..., create_graph: true)` returns $\nabla_{\hat x} D(\hat x)$ as part of the graph, so
// `loss.backward()` differentiates through it. The core of
// [GradientPenalty.cs](../lib/GanCourse/Training/GradientPenalty.cs):
//
// ```csharp
// var eps = torch.rand(n, 1, ..., 1);                               // one ε ~ U[0, 1] per sample
// var xHat = (eps * real + (1 - eps) * fake).detach().requires_grad_(true);
// var scores = critic.forward(xHat);
// var g = torch.autograd.grad([scores.sum()], [xHat], create_graph: true)[0];   // ∇_x̂ D(x̂), itself differentiable
// var norms = g.reshape(n, -1).norm(1);                             // ‖∇_x̂ D(x̂)‖₂ per sample
// return lambda * (norms - 1).square().mean();
// ```
//
// (The sum's gradient holds each sample's own gradient in its row because the critic scores every sample on its own:
// this is why **the critic must not use BatchNorm**, which mixes the samples of a batch. The paper uses layer
// normalisation or none; our critics have none.) A unit test checks this penalty against a finite-difference
// estimate of the critic's input gradient norm, and the penalty's weight gradient against finite differences too
// ([WassersteinTests.cs](../tests/GanCourse.Tests/WassersteinTests.cs)).
//
// We measure the gradient norm $\|\nabla_{\hat x} D(\hat x)\|_2$ on 2,000 interpolates **before** and **after** training
// (with their own random generator, so measuring does not change the run).

// **Exercise 6.3 (predict).** The ring's WGAN critic of section 3 is an MLP $2 \to 128 \to 128 \to 1$ with every weight clipped to $[-0.01, 0.01]$ and activations of slope at most 1. After training, its median gradient norm $\|\nabla f(\hat x)\|_2$ on the interpolates will be (a) far below 1, (b) about 1, (c) far above 1? Bound it before the next cells measure it (the spectral norm of a matrix is at most its Frobenius norm, and $\|\nabla f\| \le \|W_1\|\,\|W_2\|\,\|W_3\|$).
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("06.3")` in a new cell reveals the worked solution.

NotebookApp.Cell(37);
string clippedNorm = "";   // "a", "b" or "c"
display(Exercise.Check("06.3", clippedNorm));

NotebookApp.Cell(38);
// ‖∇ D(x̂)‖ on interpolates between fresh real ring samples and G's samples (own random generator: the run is unchanged)
double[] InterpolateNorms(AdversarialTrainer t, int n = 2000)
{
    using var scope = torch.NewDisposeScope();
    var gen = new torch.Generator(99);
    using var real = ToyData.Ring(n, std: RingStd, generator: gen);
    var fake = t.Generate(torch.randn(new long[] { n, ringLatent }, generator: gen));
    var xHat = GradientPenalty.Interpolate(real.Samples, fake, gen);
    return Values(InputGradients.Norms(x => t.Score(x), xHat));
}
double[] gpNormsBefore = [];
var gpRun = ring.Run(GanRecipe.WganGp(), seed: 1, view: new TrainingView("WGAN-GP on the ring", ringSteps),
    before: t => gpNormsBefore = InterpolateNorms(t));
var gpNormsAfter = InterpolateNorms(gpRun.Trainer);
var clipNormsAfter = InterpolateNorms(wganRun.Trainer);
display(RingExperiment.SnapshotTable(gpRun, $"WGAN-GP, Algorithm 1 defaults: the mode metric at each snapshot ({gpRun.Seconds:F1} s)"));

NotebookApp.Cell(39);
double Median(double[] v) { var s = v.OrderBy(x => x).ToArray(); return s[s.Length / 2]; }
Console.WriteLine($"‖∇D(x̂)‖ median: WGAN-GP before training {Median(gpNormsBefore):F4}, after {Median(gpNormsAfter):F3}; clipped WGAN critic after training {Median(clipNormsAfter):F4}");
var hiNorm = Math.Max(2.0, gpNormsAfter.Max());
var hb = Histogram(gpNormsBefore, 0, hiNorm, 60);
var ha = Histogram(gpNormsAfter, 0, hiNorm, 60);
var hc = Histogram(clipNormsAfter, 0, hiNorm, 60);
display(Charts.Lines("Gradient norm ‖∇ D(x̂)‖₂ on random interpolates x̂", "‖∇ D(x̂)‖₂", "share of interpolates",
    new Series("WGAN-GP critic, before training", hb.Centers, hb.Share),
    new Series("WGAN-GP critic, after training", ha.Centers, ha.Share),
    new Series("WGAN critic with clipping, after training", hc.Centers, hc.Share)));

// At initialisation the critic's gradients on the interpolates are small and arbitrary; training should
// gather the WGAN-GP critic's gradient norms around 1, as the penalty asks, while the clipped critic's stay far below 1
// (it is $K$-Lipschitz with a small, unknown $K$); the medians printed above show how far this run got. The critic's value over the plane, with real and generated points:

NotebookApp.Cell(41);
display(Charts.Surface($"WGAN-GP critic f(x) after {gpRun.Trainer.Step} generator steps", x => gpRun.Trainer.Score(x), (-3, 3), (-3, 3), resolution: 80,
    overlay: [Charts.Points("real", ring.Centres), Charts.Points("generated", gpRun.Final.Samples[..500])]));

// **Exercise 6.4 (code).** Write the gradient penalty $\lambda\,\mathbb{E}_{\hat x}\big[(\|\nabla_{\hat x} D(\hat x)\|_2 - 1)^2\big]$ with $\lambda = 10$ for a fixed critic, `WganExercises.Critic` (a small network from 2-D points to one score), as a function of a batch of interpolates $\hat x$ of shape $(N, 2)$: make $\hat x$ require gradients, take the gradient of the summed scores with `torch.autograd.grad(..., create_graph: true, retain_graph: true)` as in `GradientPenalty.cs` above, the norm of each row, then the mean of the squared deviations from 1. The check compares your function with the library's `GradientPenalty` on random points.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("06.4")` in a new cell reveals the worked solution.

NotebookApp.Cell(43);
Func<Tensor, Tensor> myPenalty = xHat => throw new NotImplementedException();   // replace: 10 · mean((‖∇ WganExercises.Critic(x̂)‖₂ − 1)²)
display(Exercise.Check("06.4", myPenalty));

// ## 5. LSGAN: least squares (Mao et al.)
//
// LSGAN keeps the discriminator but replaces cross-entropy by squared errors on its raw output (seed 000), "to fight
// the vanishing gradient":
//
// $$\min_D V_{\text{LSGAN}}(D) = \tfrac12\, \mathbb{E}_{x \sim p_{data}} \big[(D(x) - b)^2\big] + \tfrac12\, \mathbb{E}_{z \sim p_z} \big[(D(G(z)) - a)^2\big],
// \qquad \min_G V_{\text{LSGAN}}(G) = \tfrac12\, \mathbb{E}_{z \sim p_z} \big[(D(G(z)) - c)^2\big].$$
//
// $a$ and $b$ are the labels of fake and real data, $c$ the value $G$ wants $D$ to believe for its fakes. A fake that
// is on the "real" side of the decision boundary but far from the data still has a large squared error, so it is
// still pulled towards the data, where the sigmoid cross-entropy would already be saturated. The paper's choices:
// $a = -1, b = 1, c = 0$ (then $G$ minimises the Pearson $\chi^2$ divergence between $p_{data} + p_G$ and $2p_G$) or the
// 0-1 coding $a = 0$, $b = c = 1$, used in its experiments and here (`LsganLoss(a, b, c)`,
// [LeastSquaresLoss.cs](../lib/GanCourse/Training/LeastSquaresLoss.cs)), with Adam $2\cdot10^{-4}$, $\beta_1 = 0.5$.
//
// ```csharp
// public Tensor Discriminator(Tensor real, Tensor fake) => 0.5 * (real - B).square().mean() + 0.5 * (fake - A).square().mean();
// public Tensor Generator(Tensor fake) => 0.5 * (fake - C).square().mean();
// ```

// **Exercise 6.5 (derivation).** For a fixed $G$ the LSGAN discriminator minimises $\tfrac12\,\mathbb{E}_{p}\big[(D(x) - b)^2\big] + \tfrac12\,\mathbb{E}_{q}\big[(D(x) - a)^2\big]$ ($p = p_{data}$, $q = p_G$). Minimise it pointwise, as for the GAN's $D^*$ in notebook 03: with the paper's first coding $a = -1$, $b = 1$, what is $D^*(x)$ at a point where $p(x) = 0.3$ and $q(x) = 0.1$?
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("06.5")` in a new cell reveals the worked solution.

NotebookApp.Cell(46);
double lsganDStar = double.NaN;   // D*(x) for a = −1, b = 1, p = 0.3, q = 0.1
display(Exercise.Check("06.5", lsganDStar));

// ## 6. The four losses on the ring of 8 Gaussians
//
// Same data, same networks, same number of generator steps; each loss with its paper's settings
// (`GanRecipe.All()`): the non-saturating GAN and LSGAN with one discriminator step, Adam $2\cdot10^{-4}$, $\beta_1 = 0.5$;
// WGAN and WGAN-GP with their Algorithm 1 defaults above. Several seeds per loss (one in `ci`); the seed-1 runs of
// WGAN and WGAN-GP are the ones above.
//
// A fifth row runs WGAN-GP with the settings of **the authors' own toy script** (`gan_toy.py` in
// igul222/improved_wgan_training, 8 Gaussians): $\lambda = 0.1$ and Adam $\beta = (0.5, 0.9)$, with the same
// $\alpha = 10^{-4}$, $n_{critic} = 5$ and batch 256 (`GanRecipe.WganGpToy()`). The script's comment: *"Smaller lambda
// makes things faster for toy tasks, but isn't necessary if you increase CRITIC_ITERS enough."* What else differs
// from that script, kept the same as the other rows here for a fair comparison: its networks have three hidden ReLU
// layers of 512 units (ours: two of 128), and it divides the data by 1.414 (centres at radius 1.41, std 0.014; ours:
// radius 2, std 0.02).
//
// **Why $\lambda$ matters on the toy.** The critic minimises $\mathbb{E} f(\tilde x) - \mathbb{E} f(x) + \lambda\,\mathbb{E}(\|\nabla f(\hat x)\| - 1)^2$.
// The first part is at most $W(\mathbb{P}_r, \mathbb{P}_g)$, and on the ring $W$ is tiny once $G$ has spread over the circle:
// moving 1/8 of the mass (a missing mode) to its neighbour 1.53 away costs about $0.19$, and an error in the width of
// the modes costs hundredths. The penalty is computed on interpolates between *randomly paired* real and fake points,
// which fill the whole disc, and there the 1-Lipschitz optimal critic need not have slope 1 (it is flat where no mass
// has to move). With $\lambda = 10$ a slope off by $0.1$ costs $10 \cdot 0.1^2 = 0.1$, half the whole
// signal from a missing mode: the critic spends its capacity on keeping a slope of 1 across the disc and
// responds only weakly and slowly to where the modes are. With $\lambda = 0.1$ the penalty only stops the critic from
// growing without bound; the data term dominates, the critic can be steep near the modes, and the generator gets a
// strong, mode-specific gradient. On images (section 7) $W$ between the distributions is large and $\lambda = 10$ is
// the right scale, which is why the paper uses it there.

// **Exercise 6.6 (experiment).** Change $\lambda$ on the ring: in the next cell, right after `var ringRecipes = ...`, add a row such as `ringRecipes.Add(GanRecipe.WganGpToy(lambda: 1));` (between the two WGAN-GP rows) or `ringRecipes.Add(GanRecipe.WganGp(lambda: 0.1));` (small $\lambda$ with the image optimizer, $\beta_1 = 0$), and run the comparison again. Predict first from the paragraph above: which rows should capture more modes and sharpen sooner, and what does the second row separate that the toy row mixes? `Exercise.Solution("06.6")` says what to look for.

NotebookApp.Cell(49);
var ringSeeds = course.Profile.Pick<int[]>(ci: [1], cpu: [1, 2, 3], gpu: [1, 2, 3, 4, 5]);
var recipes = GanRecipe.All();
var ringRecipes = recipes.Append(GanRecipe.WganGpToy()).ToList();   // + the authors' toy settings (λ = 0.1, β₁ = 0.5)
var ringRuns = new List<RingRun>();
foreach (var recipe in ringRecipes)
foreach (var seed in ringSeeds)
{
    var run = seed == 1 && recipe.Name == GanRecipe.Wgan().Name ? wganRun
        : seed == 1 && recipe.Name == GanRecipe.WganGp().Name ? gpRun
        : ring.Run(recipe, seed, snapshotEvery: 0);   // only the final state is compared
    ringRuns.Add(run);
    Console.WriteLine($"{recipe.Name,-26} seed {seed}: {run.Report}  ({run.Seconds:F1} s)");
}

NotebookApp.Cell(50);
foreach (var v in ring.SummaryViews(ringRuns, $"Ring of 8 Gaussians after {ringSteps} generator steps, mean over seeds {string.Join(", ", ringSeeds)}"))
    display(v);

NotebookApp.Cell(51);
// built from this run's results, so the text always describes the runs above
IEnumerable<RingRun> RunsOf(string recipe) => ringRuns.Where(r => r.Setting == recipe);
string ModeCounts(RingRun r) => string.Join(", ", r.Snapshots.Select(s => $"{s.Report.ModesCaptured} at {s.Step}"));
var ringBullets = ringRecipes.Select(rc => RunsOf(rc.Name).ToList()).Select(rs =>
    $"* **{rs[0].Setting}**: modes captured {string.Join(", ", rs.Select(r => r.Report.ModesCaptured))} (mean {rs.Average(r => r.Report.ModesCaptured):F2}), " +
    $"{rs.Average(r => r.Report.HighQualityPercent):F1}% high-quality samples, reverse KL {rs.Average(r => r.Report.ReverseKl):F3}, {rs.Average(r => r.Seconds):F1} s per run");
display(Prose.From(new[]
{
    $"**What this run measured** ({course.Profile.Name()} profile, {ringSteps:N0} generator steps, batch {ringBatch}, seeds {string.Join(", ", ringSeeds)}; " +
        $"on {course.Device} with {Course.Settings.Threads} thread" + (Course.Settings.Threads == 1 ? "" : "s") + "; means over the seeds):",
    string.Join("\n", ringBullets),
    $"Modes captured at each snapshot of the seed-1 runs (count at generator step): WGAN {ModeCounts(wganRun)}; WGAN-GP (λ = 10) {ModeCounts(gpRun)}.",
}));

// **How to read it.** What to look for, with the reasons from the sections above:
//
// * The **non-saturating GAN** tends to collapse onto one mode at a time (reverse KL near $\log 8 \approx 2.08$), as
//   in notebook 03.
// * **LSGAN** keeps a discriminator but penalises confident fakes quadratically; on this ring it can give both
//   coverage and sharper samples, at the cost per step of a GAN.
// * **WGAN** with clipping tends to spread its mass evenly over the ring (low reverse KL) while its samples stay
//   blurry: with $\alpha = 5\cdot10^{-5}$ few samples get within 0.06 of a centre in a few thousand steps, so modes
//   can be reached without passing the metric's threshold.
// * **WGAN-GP with the image defaults** ($\lambda = 10$, $\beta_1 = 0$) can stay unbalanced and blurry at this
//   budget, and its mode count can go up and down between snapshots (the snapshot line above): the lecture's "no mode
//   collapse" is a tendency, not a guarantee, with these settings.
// * **WGAN-GP with the authors' toy settings** ($\lambda = 0.1$, $\beta_1 = 0.5$) changes only the scale of the
//   penalty and the momentum, at the same cost per step (the reason is above). Its samples sharpen slowly: the paper's
//   toy runs use 100,000 iterations.
// * The Wasserstein losses are meant to fix the *collapse* (no run sitting on one mode) before the *sharpness*. A few
//   thousand steps and a few seeds are a small experiment, and other seeds, thread counts or profiles give other
//   numbers; longer runs (`gpu` profile: 10,000 steps, 5 seeds) are the fair comparison.

// ## 7. Fashion-MNIST: the same four losses on images
//
// Now images, with one pair of networks for every loss ([Networks/WganNets.cs](../lib/GanCourse/Networks/WganNets.cs)):
// a small DCGAN-style generator (`ConvGenerator28`: Linear → 7×7 → two stride-2 transposed convolutions → 28×28, tanh,
// BatchNorm in the generator only) and a convolutional critic **without BatchNorm** (`ConvCritic28`: two stride-2
// convolutions with LeakyReLU, then Linear → one raw score). For the GAN and LSGAN the score is the
// discriminator's logit/output; for WGAN and WGAN-GP it is $f(x)$. Batch $m = 64$ (Algorithm 1's default) for all.
//
// Every few steps we record two things: the critic's running **estimate of $W$**,
// $\mathbb{E} f(x) - \mathbb{E} f(G(z))$ averaged over the steps since the last snapshot, and a **sample-quality measure**, the
// Fréchet distance (FD) between features of generated and real images computed by the kit's Fashion-MNIST classifier
// (`ImageQuality`, lower is better). Seed 000: "the error directly reflects quality": for WGAN the critic's estimate
// should fall together with FD; a GAN discriminator's loss says nothing of the kind.

NotebookApp.Cell(54);
var imgSteps = course.Profile.Pick(ci: 16, cpu: 800, gpu: 5_000);
var imgBatch = 64;
var imgLatent = 64;
var genWidth = course.Profile.Pick(ci: 8, cpu: 8, gpu: 32);
var criticWidth = course.Profile.Pick(ci: 16, cpu: 16, gpu: 64);
var imgSnapshots = 8;
var fdSamples = course.Profile.Pick(ci: 100, cpu: 1000, gpu: 2000);
var fashion = ImageDataset.FashionMnist("train", subset: course.Profile.Pick<int?>(ci: 2_000, cpu: 10_000, gpu: null));
Console.WriteLine($"{fashion}; generator width {genWidth}, critic width {criticWidth}, {imgSteps} generator steps per loss");
Course.Seed(2025);
var imgEvalNoise = torch.randn(fdSamples, imgLatent);
var imgFixedNoise = imgEvalNoise[..64];
display(ImageGrid.From(fashion.Images[..64], nrow: 8, valueRange: (-1, 1), title: "Real Fashion-MNIST"));

NotebookApp.Cell(55);
// One run per loss: the course's loop on an endless stream of shuffled batches (BatchStream: epoch e shuffled with
// seed 1000·imgSeed + e), a live view, and at each snapshot the critic's estimate of W since the last one and FD.
var imgSeed = 1;
var imgEvery = Math.Max(1, imgSteps / imgSnapshots);
var imgRuns = new Dictionary<string, (AdversarialTrainer Trainer, List<(long Step, double W, double FD)> Curve, double Seconds)>();
foreach (var recipe in recipes)
{
    Course.Seed(imgSeed);
    using var batches = new BatchStream(fashion, imgBatch, seed: imgSeed * 1000);
    var t = new AdversarialTrainer(new ConvGenerator28(imgLatent, genWidth), new ConvCritic28(criticWidth), recipe.Loss(), batches.Next,
        new AdversarialConfig(imgLatent, imgBatch) { CriticSteps = recipe.CriticSteps }, recipe.Optimizer, recipe.Optimizer);
    var curve = new List<(long Step, double W, double FD)>();
    void Snapshot(AdversarialTrainer tr)
    {
        var recent = tr.History.TakeLast(imgEvery).ToList();
        var fd = ImageQuality.Evaluate("fashion-mnist", tr.Generate(imgEvalNoise), recipe.Name).FD;
        curve.Add((tr.Step, recent.Count == 0 ? double.NaN : recent.Average(h => h.Wasserstein), fd));
    }
    var run = t.Run(imgSteps, new TrainingView($"{recipe.Name} on Fashion-MNIST", imgSteps,
        samples: () => ImageGrid.From(t.Generate(imgFixedNoise[..32]), nrow: 8, valueRange: (-1, 1))), imgEvery, Snapshot);
    imgRuns[recipe.Name] = (t, curve, run.Seconds);
    Console.WriteLine($"{recipe.Name,-26} {run.Seconds,6:F1} s, FD {curve[^1].FD:F1}");
}

NotebookApp.Cell(56);
foreach (var (name, run) in imgRuns)
    display(ImageGrid.From(run.Trainer.Generate(imgFixedNoise), nrow: 8, valueRange: (-1, 1), title: $"{name}, {run.Trainer.Step} generator steps"));

// The critic's estimate of $W$ next to sample quality, for the two Wasserstein runs. The two lines have different
// units, so each is drawn on its own chart against the same steps:

NotebookApp.Cell(58);
double Correlation(double[] a, double[] b)
{
    double ma = a.Average(), mb = b.Average();
    double cov = a.Zip(b).Sum(t => (t.First - ma) * (t.Second - mb));
    return cov / Math.Sqrt(a.Sum(x => (x - ma) * (x - ma)) * b.Sum(y => (y - mb) * (y - mb)));
}
foreach (var name in new[] { GanRecipe.WganGp().Name, GanRecipe.Wgan().Name })
{
    var c = imgRuns[name].Curve.Where(p => !double.IsNaN(p.W)).ToList();
    var steps = c.Select(p => (double)p.Step).ToArray();
    display(Charts.Lines($"{name}: critic's estimate of W over training", "generator step", "E f(x) − E f(G(z))", new Series("W estimate", steps, c.Select(p => p.W).ToArray())));
    display(Charts.Lines($"{name}: sample quality over training", "generator step", "FD (lower is better)", new Series("FD", steps, c.Select(p => p.FD).ToArray())));
    // the estimate is only a distance once the critic has caught up: look before and after its peak
    var peak = c.FindIndex(p => p.W == c.Max(q => q.W));
    var tail = c.Skip(peak).ToList();
    double[] Of(Func<(long Step, double W, double FD), double> f) => tail.Select(f).ToArray();
    Console.WriteLine($"{name}: W estimate {c[0].W:G3} at step {c[0].Step}, peak {c[peak].W:G3} at step {c[peak].Step}, {c[^1].W:G3} at step {c[^1].Step}; " +
        $"FD {c[0].FD:F1}, {c[peak].FD:F1}, {c[^1].FD:F1} at the same steps");
    Console.WriteLine(tail.Count < 3
        ? $"{name}: the estimate peaked too late to correlate it with FD (train longer)"
        : $"{name}: from the peak on ({tail.Count} snapshots), correlation of W with FD {Correlation(Of(p => p.W), Of(p => p.FD)):F2}; " +
          $"of W with the step {Correlation(Of(p => p.W), Of(p => p.Step)):F2}, of FD with the step {Correlation(Of(p => p.FD), Of(p => p.Step)):F2}");
}
var ns = imgRuns[GanRecipe.NonSaturating().Name];
display(Charts.Lines("For comparison: the GAN discriminator's loss (non-saturating run)", "generator step", "D loss",
    new Series("D loss", ns.Trainer.History.Select(h => (double)h.Step).ToArray(), ns.Trainer.History.Select(h => (double)h.D).ToArray())));

NotebookApp.Cell(59);
// built from this run's results, so the text always describes the runs above
display(Table.From(imgRuns.Select(kv => new
{
    Loss = kv.Key, FirstStep = kv.Value.Curve[0].Step, FDFirst = Math.Round(kv.Value.Curve[0].FD, 1),
    LastStep = kv.Value.Curve[^1].Step, FDLast = Math.Round(kv.Value.Curve[^1].FD, 1), Seconds = Math.Round(kv.Value.Seconds, 1),
}), $"Fashion-MNIST: FD at the first and the last snapshot ({fdSamples:N0} samples)"));
var imgBullets = imgRuns.Select(kv => $"* **{kv.Key}**: FD {kv.Value.Curve[0].FD:F1} at step {kv.Value.Curve[0].Step} → {kv.Value.Curve[^1].FD:F1} at step {kv.Value.Curve[^1].Step}, {kv.Value.Seconds:F0} s");
var nsLoss = ns.Trainer.History.Select(h => (double)h.D).ToArray();
var tenth = Math.Max(1, nsLoss.Length / 10);
var fastest = imgRuns.MinBy(kv => kv.Value.Seconds).Key;
var slowest = imgRuns.MaxBy(kv => kv.Value.Seconds).Key;
display(Prose.From(new[]
{
    $"**What this run measured** ({course.Profile.Name()} profile, {imgSteps:N0} generator steps per loss, widths {genWidth} / {criticWidth}, {fashion.Count:N0} training images, seed {imgSeed}; FD on {fdSamples:N0} samples):",
    string.Join("\n", imgBullets),
    $"The GAN discriminator's loss: {nsLoss.Take(tenth).Average():F2} over the first tenth of the steps, {nsLoss.TakeLast(tenth).Average():F2} over the last tenth. " +
        $"Fastest run: **{fastest}**; slowest: **{slowest}** ({imgRuns[slowest].Seconds / imgRuns[fastest].Seconds:F1} times as long; the first run, {imgRuns.Keys.First()}, also pays the start-up costs).",
}));

// **Reading the image results.**
//
// * **Does the critic's estimate of $W$ track quality?** The lecture says so (seed 000: "the error correlates with
//   visible quality"), and the two printed lines per Wasserstein run let you check what this run supports. Before
//   its peak the estimate usually **rises** while FD falls: the critic is still finding the distance, and the number
//   is not yet an estimate of $W$. From the peak on both usually fall, but so does everything that improves with
//   training time: a high correlation of $W$ with FD over these snapshots comes with equally strong correlations of
//   each with the step, so it shows that both decrease as training goes on, not that the estimate measures quality
//   beyond that (for that, compare runs at the same step, or the estimate against FD across models). The clipped
//   critic's estimate is on a much smaller scale (it estimates $K\cdot W$ with a small $K$).
// * The **GAN discriminator's loss** (last chart, and the line above) is not a distance: it can rise or stay flat
//   while the samples improve, so it says nothing about how good they are.
// * **Weight clipping learns the slowest** in the WGAN-GP paper (Figure 3); compare the FD values above. Each
//   WGAN-GP step costs five critic steps with a double backward, so expect it among the slowest runs.
// * No grid is finished at this budget: compare them with each other, not with real data. The `gpu` profile
//   (5,000 steps, wider networks, all 60,000 images) is the run to compare the losses on.

// ## 8. The metric table
//
// The image runs' quality, on the kit's classifier features (FD and KID, lower is better; `FDFloor` is the
// FD between two real samples of the same size):

NotebookApp.Cell(62);
var finalReports = imgRuns.Select(kv => ImageQuality.Evaluate("fashion-mnist", kv.Value.Trainer.Generate(imgEvalNoise), $"{kv.Key}, {kv.Value.Trainer.Step} steps")).ToList();
display(ImageQuality.ToTable(finalReports, $"Fashion-MNIST, {fdSamples} samples per run (FD and KID: lower is better)"));

// ## Takeaways
//
// * **JS fails on disjoint supports**: $\mathrm{JS}(P_0, P_\theta) = \log 2$ for every $\theta \ne 0$, while $W(P_0, P_\theta) = |\theta|$; an
//   optimal discriminator saturates and the saturating generator loss gets (almost) no gradient.
// * **Earth-Mover distance and its dual**: $W(P_r, P_\theta) = \inf_{\gamma \in \Pi(P_r, P_\theta)} \mathbb{E}_{(x,y) \sim \gamma}\|x - y\|
//   = \sup_{\|f\|_L \le 1} \mathbb{E}_{P_r} f - \mathbb{E}_{P_\theta} f$ (on a line: $\sum_k |F_r(k) - F_\theta(k)|$).
// * **WGAN**: a critic maximises $\mathbb{E} f(x) - \mathbb{E} f(G(z))$ with weights clipped to $[-c, c]$, $c = 0.01$, RMSProp $5\cdot10^{-5}$,
//   $n_{critic} = 5$; it estimates only $K \cdot W$ for an unknown $K$.
// * **WGAN-GP**: $L = \mathbb{E} D(\tilde x) - \mathbb{E} D(x) + \lambda\,\mathbb{E}\big[(\|\nabla_{\hat x} D(\hat x)\|_2 - 1)^2\big]$ with
//   $\hat x = \epsilon x + (1 - \epsilon)\tilde x$: a double backward, no BatchNorm in the critic; $\lambda = 10$, Adam $10^{-4}$, $\beta = (0, 0.9)$
//   for images, $\lambda = 0.1$, $\beta = (0.5, 0.9)$ in the authors' toy script.
// * **LSGAN**: $\tfrac12\mathbb{E}(D(x) - b)^2 + \tfrac12\mathbb{E}(D(G(z)) - a)^2$ for $D$, $\tfrac12\mathbb{E}(D(G(z)) - c)^2$ for $G$; here $a = 0$, $b = c = 1$.
//
// **What the measurements showed.** Section 1: the JS curve goes flat at $\log 2$ once the bumps separate while $W$ keeps
// falling, and the gradient chart shows where each generator loss still sends a signal. Section 4: compare the printed median
// gradient norms before and after training: the penalty asks for 1, clipping only for some small $K$; how close did each get? Section 6: in the ring
// table, compare the spread between seeds of one loss with the differences between losses, and the two WGAN-GP rows
// ($\lambda = 10$ vs $0.1$). Section 7: set each critic's $W$ estimate against FD, check how strongly both correlate with the step
// itself, and compare the FD column of the final metric table above (lower is better, `FDFloor` is the best reachable).
//
// **Discussion questions**
//
// 1. Clipping only makes the critic $K$-Lipschitz for an unknown $K$. Why does that hardly matter for training $G$, but matter
//    when comparing $W$ estimates between runs or losses?
// 2. The penalty is evaluated between *randomly paired* real and fake points. Why does $\lambda = 10$ suit images but slow the ring?
// 3. Does a high correlation between the critic's estimate and FD over one run's snapshots show that the estimate measures
//    quality? Which experiment would?

NotebookApp.End();
