// Generated from 03-gan.ipynb by `dotnet run --project tools/GanCourse.Runner -- --export-apps`; do not edit: change the notebook and regenerate.
// Runs the lesson with no notebook host:  dotnet run notebooks/apps/03-gan.cs
// GANCOURSE_PROFILE=ci|cpu|gpu picks the profile; the displayed values go to output/apps/03-gan.html.
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

NotebookApp.Start("03-gan", "84dd233721c6bd73");

// # 03 · Generative adversarial networks
//
// Notebook 02 ended with two problems: a hand-made loss cannot ask for **diversity**, and comparing each sample with
// the whole data set does not scale. The answer of Goodfellow et al. (2014) is to let a **second network** be the loss.
// This notebook follows the lectures (seed 004 *GAN*, seed 000 *GAN: min-max game, non-saturating game, tips*,
// seed 002 *optimal D and G*):
//
// 1. the adversarial idea and the **minimax objective**;
// 2. theory made visible: the **optimal discriminator** $D^* = p/(p+q)$, and why the generator is trained with the
//    **non-saturating** loss;
// 3. the lecture's **GAN on a parabola**, trained live;
// 4. a **ring of 8 Gaussians**, where a vanilla GAN drops and hops between modes, measured with the standard metric;
// 5. **practical tips** (more discriminator steps, label smoothing, Top-k training), each measured.
//
// Section 3 writes the lecture's training step out in the notebook, trains the parabola with it, and then shows that
// the course's one training loop, `AdversarialTrainer`
// ([Training/AdversarialTrainer.cs](../lib/GanCourse/Training/AdversarialTrainer.cs)), does exactly the same thing;
// later runs use that loop with pluggable losses ([Training/Losses.cs](../lib/GanCourse/Training/Losses.cs)).

NotebookApp.Cell(2);
var course = Course.Init();

// The networks of this notebook are tiny (a few thousand weights). For them one CPU thread is as fast as several,
// and it stays fast when other programs keep the cores busy, where several threads would wait for each other at
// every operation (on this course's 2-core machine: 10x slower). On a GPU this setting changes nothing.

NotebookApp.Cell(4);
Course.SetThreads(1);

// ## 1. The adversarial idea
//
// **The generator is a counterfeiter.** Picture a counterfeiter $G$ (generator) and a banker $D$ (discriminator) with
// a device that checks banknotes. The counterfeiter draws inspiration from a random number generator, noise $z$, and
// makes fakes $G(z)$. The banker gets a stack of notes $x$ and reports for each a number in $[0, 1]$, his confidence
// $D(x)$ that the note is **real**. He wants $D(x) = 1$ for real money and $D(G(z)) = 0$ for fakes, i.e. to maximise
// $D(x)\,(1 - D(G(z)))$, or, as a sum of logarithms,
//
// $$\log D(x) + \log\big(1 - D(G(z))\big) \to \max_D .$$
//
// The counterfeiter wants the opposite: $D(G(z)) \to 1$. And he does not fake at random: he gets hold of the checking
// device, takes it apart, sees how it works, and makes fakes that fool it. For networks this is backpropagation
// *through* $D$ into $G$.
//
// Mathematically this is a **two-player game** (Goodfellow et al., 2014):
//
// $$\min_{\theta_g} \max_{\theta_d} \; \mathbb{E}_{x \sim p_{data}} \big[\log D_{\theta_d}(x)\big] + \mathbb{E}_{z \sim p(z)} \big[\log\big(1 - D_{\theta_d}(G_{\theta_g}(z))\big)\big]$$
//
// * The **discriminator** is trained with $G$ fixed: gradient **ascent** on the objective in $\theta_d$. It is an
//   ordinary **binary classifier**: real → 1, generated → 0, trained with binary cross-entropy.
// * The **generator** is trained with $D$ fixed and gets its gradients by backpropagation **through** the
//   discriminator: gradient **descent** on $\mathbb{E}_z \log(1 - D(G(z)))$, in practice **ascent** on
//   $\mathbb{E}_z \log D(G(z))$ (section 2.2 shows why).
//
// Alternating ascent and descent, a balanced system reaches a **minimax equilibrium** in which both networks learn.
// The loss of a GAN is not a formula written by people but **another neural network**.
//
// The algorithm of the paper (Algorithm 1), which `AdversarialTrainer.TrainStep` implements line by line:
//
// > **for** each training iteration: **for** $k$ steps (`CriticSteps`): sample $m$ noise vectors and $m$ real
// > examples, update $D$ by ascending $\nabla_{\theta_d} \frac{1}{m}\sum_i \big[\log D(x^{(i)}) + \log(1 - D(G(z^{(i)})))\big]$;
// > **then** sample $m$ noise vectors and update $G$ by descending $\nabla_{\theta_g} \frac{1}{m}\sum_i \log(1 - D(G(z^{(i)})))$
// > (or ascending $\frac{1}{m}\sum_i \log D(G(z^{(i)}))$).
//
// **Pros** (lecture): theoretical convergence guarantees, trained with plain SGD/Adam, solves generative modelling
// explicitly with an implicit density model. **Cons**: unstable training, slow convergence, **mode collapse** (the
// same sample or class whatever the input), **vanishing gradients** when $D$ becomes too good, and finding good
// hyper-parameters is "pure luck".

// **Exercise 3.1 (predict).** Before the theory: $D$ is trained to tell real from generated samples while the generator stays fixed. Where the generator puts *more* mass than the data ($q(x) > p(x)$), will the trained $D(x)$ be (a) above $\frac12$, (b) about $\frac12$, or (c) below $\frac12$? Section 2 shows the answer; predict first.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("03.1")` in a new cell reveals the worked solution.

NotebookApp.Cell(7);
string prediction = "";   // "a", "b" or "c"
display(Exercise.Check("03.1", prediction));

// ## 2. Theory made visible

// ### 2.1 The optimal discriminator
//
// Fix the generator; its samples have density $q(x)$ (the lecture writes $p_G$), the data $p(x)$. The objective is
//
// $$V(G, D) = \int_x p(x) \log D(x) \, dx + \int_x q(x) \log\big(1 - D(x)\big) \, dx .$$
//
// For every $x$ separately, $d \mapsto p \log d + q \log(1 - d)$ has its maximum where $p/d - q/(1-d) = 0$, so
//
// $$D^*(x) = \frac{p(x)}{p(x) + q(x)} .$$
//
// Substituting $D^*$ back (seed 000, 002):
//
// $$V(G, D^*) = \mathrm{KL}\Big(p \,\Big\|\, \tfrac{p+q}{2}\Big) + \mathrm{KL}\Big(q \,\Big\|\, \tfrac{p+q}{2}\Big) - 2\log 2 = 2\,\mathrm{JS}(p \,\|\, q) - \log 4,$$
//
// with the **Jensen-Shannon divergence** $\mathrm{JS}(p\|q) = \frac12\mathrm{KL}(p\|\frac{p+q}{2}) + \frac12\mathrm{KL}(q\|\frac{p+q}{2})$.
// So with an optimal discriminator the generator minimises the JS divergence, and its best answer is $q = p$
// ($V = -\log 4$, $D^* = \frac12$ everywhere). Two problems the lecture points out: JS is constant ($\log 2$) when the
// supports of $p$ and $q$ do not overlap, and the gradients vanish once $D$ has learned.
//
// **Let us check it.** Real data: the two fixed 1-D Gaussians of `ToyData.TwoGaussians1D`, $\mathcal{N}(\pm 2, 0.5^2)$
// with equal weight. A fixed "generator" that has not learned the two modes yet: $q = \mathcal{N}(0, 1.5^2)$.
// We train the lecture's MLP discriminator (1 → 50 → 50 → 1) with the discriminator's BCE loss and compare it with
// $p/(p+q)$.

NotebookApp.Cell(10);
var dSteps = course.Profile.Pick(ci: 300, cpu: 3000, gpu: 3000);
var dBatch = 256;
const double Mu = 2.0, SigmaP = 0.5, SigmaQ = 1.5;

Course.Seed(42);
var d1 = new MlpDiscriminator(hiddenDim: 50, inputDim: 1);
var adamD = optim.Adam(d1.parameters(), lr: 1e-3);
var bce = new MinimaxGanLoss();
for (var step = 0; step < dSteps; step++)
{
    using var scope = torch.NewDisposeScope();
    using var data = ToyData.TwoGaussians1D(dBatch, mean1: -Mu, mean2: Mu, std: SigmaP);   // x ~ p
    var fake = torch.randn(dBatch, 1) * SigmaQ;                                             // x ~ q
    adamD.zero_grad();
    var loss = bce.Discriminator(d1.forward(data.Samples), d1.forward(fake));
    loss.backward();
    adamD.step();
    if (step % 1000 == 0 || step == dSteps - 1) Console.WriteLine($"step {step}: D loss {loss.item<float>():F4}");
}

NotebookApp.Cell(11);
double Normal(double x, double mu, double s) => Math.Exp(-0.5 * (x - mu) * (x - mu) / (s * s)) / (s * Math.Sqrt(2 * Math.PI));
double P(double x) => 0.5 * Normal(x, -Mu, SigmaP) + 0.5 * Normal(x, Mu, SigmaP);
double Q(double x) => Normal(x, 0, SigmaQ);
var xs1 = Enumerable.Range(0, 401).Select(i => -5 + i * 0.025).ToArray();
double[] learnedD;
using (torch.no_grad())
    learnedD = d1.Probability(torch.tensor(xs1.Select(v => (float)v).ToArray()).reshape(-1, 1))
        .reshape(-1).data<float>().Select(v => (double)v).ToArray();
var optimalD = xs1.Select(x => P(x) / (P(x) + Q(x))).ToArray();

// where there is data (p + q > 0.02), how far is the learned D from D*?
var where = Enumerable.Range(0, xs1.Length).Where(i => P(xs1[i]) + Q(xs1[i]) > 0.02).ToArray();
var maxGap = where.Max(i => Math.Abs(learnedD[i] - optimalD[i]));
// V(G, D) by numerical integration, for the learned D and for D*; the latter is 2 JS(p||q) - log 4
double V(double[] d) => Enumerable.Range(0, xs1.Length).Sum(i =>
    (P(xs1[i]) * Math.Log(Math.Max(d[i], 1e-12)) + Q(xs1[i]) * Math.Log(Math.Max(1 - d[i], 1e-12))) * 0.025);
var js = (V(optimalD) + Math.Log(4)) / 2;
Console.WriteLine($"max |D - D*| where p + q > 0.02: {maxGap:F3}");
Console.WriteLine($"V(G, D_learned) = {V(learnedD):F4}   V(G, D*) = 2 JS - log 4 = {V(optimalD):F4}   (JS(p||q) = {js:F4}, at most log 2 = {Math.Log(2):F4})");

display(Charts.Lines("Learned discriminator vs the optimal D* = p / (p + q)", "x", "value",
    new Series("D learned", xs1, learnedD),
    new Series("D* = p/(p+q)", xs1, optimalD),
    new Series("p(x): data", xs1, xs1.Select(P).ToArray()),
    new Series("q(x): generator", xs1, xs1.Select(Q).ToArray())));

// The learned $D$ follows $p/(p+q)$ closely where there is data: high on the two real modes, low where the generator
// puts mass that the data does not have. Far from all data ($|x| > 4$) neither distribution says anything and
// the network extrapolates freely. The value $V(G, D)$ of the learned discriminator is close to its maximum
// $2\,\mathrm{JS}(p\|q) - \log 4$: a well-trained discriminator *measures* the JS divergence, and this is the signal the
// generator descends.

// **Exercise 3.2 (derivation).** At a point $x$ the data density is $p(x) = 0.3$ and the generator's density is $q(x) = 0.1$. What does the optimal discriminator $D^*(x)$ output?
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("03.2")` in a new cell reveals the worked solution.

NotebookApp.Cell(14);
double dStar = double.NaN;   // D*(x) for p(x) = 0.3, q(x) = 0.1
display(Exercise.Check("03.2", dStar));

// **Exercise 3.3 (derivation).** The generator has matched the data, $q = p$, and $D$ is optimal. What is $V(G, D^*)$ (natural logarithm)? Derive it from $D^*$ rather than from the formula above, then compare.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("03.3")` in a new cell reveals the worked solution.

NotebookApp.Cell(16);
double value = double.NaN;   // V(G, D*) when q = p
display(Exercise.Check("03.3", value));

// **The best generator against the best discriminator** (Goodfellow et al. 2014, Theorem 1; seed 002). Put $D^*$ back
// into $V$ and call the result $C(G) = \max_D V(G, D)$. Step by step, with $m = \frac{p + q}{2}$:
//
// $$C(G) = \int_x p \log \frac{p}{p + q} + q \log \frac{q}{p + q} \, dx
// = \int_x p \log \frac{p}{2m} + q \log \frac{q}{2m} \, dx
// = \int_x p \log \frac{p}{m} \, dx + \int_x q \log \frac{q}{m} \, dx - 2 \log 2,$$
//
// since $\log \frac{p}{2m} = \log \frac{p}{m} - \log 2$ and $p$ and $q$ each integrate to 1. The two integrals are
// $\mathrm{KL}(p \,\|\, m)$ and $\mathrm{KL}(q \,\|\, m)$, whose sum is twice the Jensen-Shannon divergence:
//
// $$C(G) = \mathrm{KL}(p \,\|\, m) + \mathrm{KL}(q \,\|\, m) - \log 4 = 2\,\mathrm{JS}(p \,\|\, q) - \log 4 \;\ge\; -\log 4,$$
//
// with equality exactly when $\mathrm{JS} = 0$, that is $q = p$: the global minimum of the generator's criterion is
// the data distribution itself. **Checked numerically** on the example above: generators $q_t = (1 - t)\,q + t\,p$ that
// move from the fixed $q$ to the data as $t$ goes from 0 to 1, with $C(G)$ and $2\,\mathrm{JS} - \log 4$ integrated
// separately.

NotebookApp.Cell(18);
// ∫ f over [-8, 8] by the midpoint rule: the densities of the example are negligible outside
double Integrate(Func<double, double> f) { double dx = 0.005, s = 0; for (var x = -8.0; x < 8; x += dx) s += f(x + dx / 2) * dx; return s; }
double XLogRatio(double a, double b) => a > 0 ? a * Math.Log(a / b) : 0;       // a log(a / b), 0 where a = 0
double CofG(Func<double, double> q) => Integrate(x => XLogRatio(P(x), P(x) + q(x)) + XLogRatio(q(x), P(x) + q(x)));
double JsOf(Func<double, double> q) => Integrate(x => 0.5 * XLogRatio(P(x), (P(x) + q(x)) / 2) + 0.5 * XLogRatio(q(x), (P(x) + q(x)) / 2));
var tMix = Enumerable.Range(0, 21).Select(i => i / 20.0).ToArray();
var cOfG = tMix.Select(t => CofG(x => (1 - t) * Q(x) + t * P(x))).ToArray();
var twoJs = tMix.Select(t => 2 * JsOf(x => (1 - t) * Q(x) + t * P(x)) - Math.Log(4)).ToArray();
Console.WriteLine($"C(G) at q = p: {cOfG[^1]:F6}   (−log 4 = {-Math.Log(4):F6});   largest |C(G) − (2 JS − log 4)| over the family: {cOfG.Zip(twoJs).Max(v => Math.Abs(v.First - v.Second)):E1}");
display(Charts.Lines("The generator's criterion C(G) = V(G, D*) for q_t = (1 − t) q + t p", "t (0: the fixed q, 1: the data)", "value",
    new Series("C(G), integrated", tMix, cOfG),
    new Series("2 JS(p ‖ q_t) − log 4", tMix, twoJs),
    new Series("−log 4", tMix, tMix.Select(_ => -Math.Log(4)).ToArray())));

// ### 2.2 Saturating vs non-saturating generator loss
//
// Write the discriminator's output as $D = \sigma(l)$ with logit $l$ (our `MlpDiscriminator` returns $l$, and the
// losses apply the sigmoid inside, like PyTorch's `BCEWithLogitsLoss`: the same function as the lecture's
// `Sigmoid` + `BCELoss`, without ever taking $\log 0$). The two generator losses and their gradients with respect to
// the logit are
//
// $$\text{saturating: } \min_G \log\big(1 - D(G(z))\big), \qquad \frac{\partial}{\partial l}\log(1-\sigma(l)) = -\sigma(l) = -D(G(z)),$$
//
// $$\text{non-saturating: } \min_G -\log D(G(z)), \qquad \frac{\partial}{\partial l}\big(-\log\sigma(l)\big) = -(1-\sigma(l)) = -(1 - D(G(z))).$$
//
// Early in training the fakes are poor, $D$ rejects them easily, $D(G(z)) \approx 0$, and the saturating gradient
// $\approx 0$: **no training signal for G** exactly when it needs one most (seed 002, *amplification of gradients*).
// The non-saturating loss has the same fixed point but a gradient near 1 there: "$\log$ amplifies small changes
// near zero". The price: the game is no longer zero-sum. The lecture's code uses the non-saturating form, as
// almost everyone does: it trains $G$ with `BCELoss` against the label *real*, which is $-\log D(G(z))$.
//
// We compute the gradients with autograd through the library's two losses, for $D(G(z))$ from 0.001 to 0.999:

NotebookApp.Cell(20);
var dVals = Enumerable.Range(1, 999).Select(i => i / 1000.0).ToArray();
(double[] Loss, double[] Grad) LossAndGrad(IGanLoss loss)
{
    var logits = torch.tensor(dVals.Select(d => (float)Math.Log(d / (1 - d))).ToArray()).requires_grad_(true);
    var values = dVals.Select(d => loss.Generator(torch.tensor(new[] { (float)Math.Log(d / (1 - d)) })).item<float>()).Select(v => (double)v).ToArray();
    (loss.Generator(logits) * dVals.Length).backward();          // the loss is a mean: scale back to per-sample gradients
    return (values, logits.grad!.abs().data<float>().Select(v => (double)v).ToArray());
}
var saturating = LossAndGrad(new MinimaxGanLoss());
var nonSaturating = LossAndGrad(new NonSaturatingGanLoss());
display(Charts.Lines("Generator losses as functions of D(G(z))", "D(G(z))", "generator loss",
    new Series("saturating: log(1 − D(G(z)))", dVals, saturating.Loss),
    new Series("non-saturating: −log D(G(z))", dVals, nonSaturating.Loss)));
display(Charts.Lines("|∂ loss / ∂ logit| against D(G(z))", "D(G(z))", "gradient magnitude",
    new Series("saturating: D(G(z))", dVals, saturating.Grad),
    new Series("non-saturating: 1 − D(G(z))", dVals, nonSaturating.Grad)));

// **Exercise 3.4 (derivation).** Early in training $D$ rejects a fake: $D(G(z)) = \sigma(l) = 0.01$. The saturating loss gives $|\partial/\partial l| = 0.01$ there. What is $|\partial/\partial l|$ of the non-saturating loss $-\log\sigma(l)$ at the same point? (Use $\sigma'(l) = \sigma(l)(1 - \sigma(l))$.)
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("03.4")` in a new cell reveals the worked solution.

NotebookApp.Cell(22);
double gradNonSaturating = double.NaN;   // |d/dl (−log σ(l))| at σ(l) = 0.01
display(Exercise.Check("03.4", gradNonSaturating));

// **With real networks.** Take the lecture's parabola generator at initialisation and let a discriminator learn to
// reject its samples for a few hundred steps (G fixed), the situation at the start of training. Then compare the norm
// of the gradient each loss sends into the generator's weights:

NotebookApp.Cell(24);
var warmSteps = course.Profile.Pick(ci: 300, cpu: 500, gpu: 500);
Course.Seed(42);
var g0 = new MlpGenerator(latentSpace: 10, hiddenDim: 50);
var d0 = new MlpDiscriminator(hiddenDim: 50);
var adam0 = optim.Adam(d0.parameters(), lr: 1e-3);
for (var i = 0; i < warmSteps; i++)
{
    using var scope = torch.NewDisposeScope();
    Tensor fake;
    using (torch.no_grad()) fake = g0.forward(torch.randn(32, 10));
    adam0.zero_grad();
    bce.Discriminator(d0.forward(ToyData.Parabola(32)), d0.forward(fake)).backward();
    adam0.step();
}
double GradNorm(IGanLoss loss, Tensor z)
{
    g0.zero_grad();
    loss.Generator(d0.forward(g0.forward(z))).backward();
    return Math.Sqrt(g0.parameters().Sum(p => p.grad!.pow(2).sum().item<float>()));
}
var zProbe = torch.randn(1024, 10);
double meanDgz;
using (torch.no_grad()) meanDgz = d0.Probability(g0.forward(zProbe)).mean().item<float>();
var normSat = GradNorm(new MinimaxGanLoss(), zProbe);
var normNs = GradNorm(new NonSaturatingGanLoss(), zProbe);
Console.WriteLine($"after {warmSteps} discriminator steps: mean D(G(z)) = {meanDgz:F4}");
Console.WriteLine($"‖∇θ_G‖ saturating log(1 - D(G(z))) = {normSat:E2}");
Console.WriteLine($"‖∇θ_G‖ non-saturating -log D(G(z)) = {normNs:E2}   ({normNs / normSat:F0}x larger)");

// ### 2.3 Goodfellow et al.'s Figure 1, re-created
//
// The paper's Figure 1 shows the game on a line: the data density $p$, the generator's density $q$ and the
// discriminator $D$ — (a) near the start, (b) after $D$ has learned to separate them, (c) after $G$ has followed
// $D$'s gradient towards the data, and (d) at the equilibrium $q = p$, $D = \frac12$ (the paper draws $p$ black
// and dotted, $q$ green, $D$ blue and dashed; the charts below use their own colours, named in the legends).
// Here a 1-D GAN (a 1 → 16 → 16 → 1 generator fed $z \sim \mathcal{N}(0, 1)$, the lecture's MLP discriminator) learns
// $p = \mathcal{N}(2, 0.5^2)$, and we draw the three curves at four moments of its training: $q$ as a histogram of
// 20,000 samples of $G(z)$. Compare your panels with the paper's: does $D$ flatten towards $\frac12$ where $q$ meets $p$, and does $q$ take the
// width of $p$ or only its place? (A generator that lands on the right place with too narrow a spread is the 1-D
// face of mode collapse, section 4.)

NotebookApp.Cell(26);
var figSteps = course.Profile.Pick(ci: 300, cpu: 2000, gpu: 2000);
const double DataMu = 2.0, DataSigma = 0.5, BinWidth = 0.1;
Course.Seed(7);
var g1 = new MlpGenerator(latentSpace: 1, hiddenDim: 16, outputDim: 1);
var dFig = new MlpDiscriminator(hiddenDim: 50, inputDim: 1);
var optG1 = optim.Adam(g1.parameters(), lr: 1e-3, beta1: 0.5);
var optDFig = optim.Adam(dFig.parameters(), lr: 1e-3, beta1: 0.5);
var nsLoss = new NonSaturatingGanLoss();
var xGrid = Enumerable.Range(0, 81).Select(i => -4 + i * BinWidth).ToArray();   // bin centres over [-4, 4]
var xGridT = torch.tensor(xGrid.Select(v => (float)v).ToArray()).reshape(-1, 1);
var zFig = torch.randn(20_000, 1);

Figure Panel(string title)
{
    using var _ = torch.no_grad();
    var samples = g1.forward(zFig).data<float>().ToArray();
    var q = new double[xGrid.Length];
    foreach (var s in samples)
    {
        var k = (int)Math.Round((s + 4) / BinWidth);
        if (k >= 0 && k < q.Length) q[k] += 1.0 / (samples.Length * BinWidth);   // a density: integrates to 1
    }
    var d = dFig.Probability(xGridT).data<float>().Select(v => (double)v).ToArray();
    return Charts.Lines(title, "x", "density, D(x)",
        new Series("data p(x)", xGrid, xGrid.Select(x => Normal(x, DataMu, DataSigma)).ToArray()),
        new Series("generator q(x)", xGrid, q),
        new Series("D(x)", xGrid, d));
}

// Train the 1-D GAN, drawing the three curves at the start, after a twentieth and a quarter of the steps, and at the end:

NotebookApp.Cell(28);
var figPanels = new List<Figure> { Panel("(a) at the start") };
var figAt = new[] { figSteps / 20, figSteps / 4, figSteps };
for (var step = 1; step <= figSteps; step++)
{
    using var scope = torch.NewDisposeScope();
    var real = torch.randn(128, 1) * DataSigma + DataMu;
    Tensor fakeFig;
    using (torch.no_grad()) fakeFig = g1.forward(torch.randn(128, 1));
    optDFig.zero_grad();
    nsLoss.Discriminator(dFig.forward(real), dFig.forward(fakeFig)).backward();
    optDFig.step();
    optG1.zero_grad();
    nsLoss.Generator(dFig.forward(g1.forward(torch.randn(128, 1)))).backward();
    optG1.step();
    if (figAt.Contains(step)) figPanels.Add(Panel($"({(char)('a' + figPanels.Count)}) after {step} steps"));
}
display(new Row(figPanels.ToArray()));

// ## 3. GAN on a parabola
//
// Now the lecture's practical example. Generator: $z \in \mathbb{R}^{10}$ → 50 → 50 → 2 with ReLUs (`MlpGenerator`);
// discriminator: 2 → 50 → 50 → 1 (`MlpDiscriminator`); both in [Networks/Mlp.cs](../lib/GanCourse/Networks/Mlp.cs):
//
// ```csharp
// // Generator(latent_space, hidden_dim)                 // Discriminator(hidden_dim)
// Sequential(Linear(latentSpace, hiddenDim), ReLU(),     Sequential(Linear(2, hiddenDim), ReLU(),
//            Linear(hiddenDim, hiddenDim), ReLU(),                  Linear(hiddenDim, hiddenDim), ReLU(),
//            Linear(hiddenDim, 2));                                 Linear(hiddenDim, 1));  // logit; D = sigmoid
// ```
//
// Settings of the lecture: latent 10, hidden 50, BCE loss, Adam with lr $3\cdot10^{-4}$ for both networks, batch 32,
// 10,000 iterations, `torch.manual_seed(42)`. Each iteration:
//
// * **discriminator:** real points on the parabola with label *real*, plus points the generator makes from noise
//   with label *fake* (detached: the generator is not trained here): $\text{loss}_D = \text{loss}_{D,real} + \text{loss}_{D,fake}$;
// * **generator:** new fakes, scored by $D$ against the label *real* (label swap = non-saturating loss).
//
// Here is that iteration as code, the lecture's `for epoch in range(num_epochs)` body in C#. $D$ returns a logit
// $l$ with $D = \sigma(l)$; `binary_cross_entropy_with_logits` is the lecture's `BCELoss` after a sigmoid, computed
// stably, and $-\log D(G(z)) = -\log\sigma(l) = \operatorname{softplus}(-l)$.

// **Exercise 3.5 (code).** Before reading the training step below, write the non-saturating generator loss as a function of the discriminator's logits $l$ on a batch of fakes: the mean of $-\log\sigma(l)$, in a numerically stable form (hint: $-\log\sigma(l) = \mathrm{softplus}(-l)$). The check compares your function with the library's on random logits.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("03.5")` in a new cell reveals the worked solution.

NotebookApp.Cell(31);
Func<Tensor, Tensor> lossG = logits => throw new NotImplementedException();   // replace with the mean of −log σ(logits)
display(Exercise.Check("03.5", lossG));

NotebookApp.Cell(32);
var latentDim = 10;
var hiddenDim = 50;
var batchSize = 32;
var lr = 3e-4;
var numEpochs = course.Profile.Pick(ci: 300, cpu: 10_000, gpu: 10_000);   // the lecture's "epochs" are iterations
var snapshotEvery = 250;

// One iteration of the lecture's loop: the discriminator step, then the generator step.
(float LossD, float LossG) TrainStep(MlpGenerator G, MlpDiscriminator D, optim.Optimizer optG, optim.Optimizer optD)
{
    using var scope = torch.NewDisposeScope();     // frees every tensor of the step when it ends

    // Discriminator: real points with label 1, generated points with label 0 (no gradient into G)
    var real = ToyData.Parabola(batchSize);
    Tensor fake;
    using (torch.no_grad()) fake = G.forward(torch.randn(batchSize, latentDim));
    optD.zero_grad();
    var dReal = D.forward(real);
    var dFake = D.forward(fake);
    var lossD = F.binary_cross_entropy_with_logits(dReal, torch.ones_like(dReal))
              + F.binary_cross_entropy_with_logits(dFake, torch.zeros_like(dFake));
    lossD.backward();
    optD.step();

    // Generator: new fakes, scored by D against the label "real": −log D(G(z)) (non-saturating)
    optG.zero_grad();
    var lossG = F.softplus(-D.forward(G.forward(torch.randn(batchSize, latentDim)))).mean();
    lossG.backward();
    optG.step();
    return (lossD.item<float>(), lossG.item<float>());
}

// Training the parabola with it. The seed plots $\text{loss}_D / 2$ and $\text{loss}_G$; so do we. The live view below
// redraws the loss curves and the real (128 points) vs generated (from a fixed noise batch of 128, the lecture's
// `fixed_noise`) scatter while training runs (at most every 2 s, so that drawing costs under 3% of the time; a
// headless run shows the final state); every 250 iterations, the lecture's plotting interval, we also measure the
// coverage of the parabola on 2,500 samples.

NotebookApp.Cell(34);
Course.Seed(42);
var gen = new MlpGenerator(latentSpace: latentDim, hiddenDim: hiddenDim);
var disc = new MlpDiscriminator(hiddenDim: hiddenDim);
var optG = optim.Adam(gen.parameters(), lr);
var optD = optim.Adam(disc.parameters(), lr);
var fixedNoise = torch.randn(128, latentDim);
var realShown = ToyData.Parabola(128);
var coverNoise = torch.randn(2500, latentDim);             // fixed noise for the coverage measurements
Tensor Generate(Tensor z) { using (torch.no_grad()) return gen.forward(z); }

var coverage = new List<(long Step, ParabolaCoverage Cover)> { (0, ParabolaMetrics.Measure(Generate(coverNoise))) };
long done = 0;
var view = new TrainingView("GAN on a parabola", numEpochs, samples: () =>
    Charts.Scatter($"step {done}: real vs generated (fixed noise)", "x", "y",
        Charts.Points("real", realShown), Charts.Points("generated", Generate(fixedNoise)))).Show();
var clock = System.Diagnostics.Stopwatch.StartNew();
for (var epoch = 0; epoch < numEpochs; epoch++)
{
    var (lossD, lossG2) = TrainStep(gen, disc, optG, optD);
    done = epoch + 1;
    view.Report(done, new Dictionary<string, float> { ["D"] = lossD / 2, ["G"] = lossG2 }, batchSize);
    if (done % snapshotEvery == 0) coverage.Add((done, ParabolaMetrics.Measure(Generate(coverNoise))));
}
view.Complete();
Console.WriteLine($"{numEpochs} iterations in {clock.Elapsed.TotalSeconds:F1} s");

// **The library's loop does exactly this.** The rest of the course trains with `AdversarialTrainer`, whose
// `DiscriminatorStep` and `GeneratorStep` are these two blocks with the loss, the sampler, penalties and hooks as
// parts. From the same seed, $N$ iterations of the code above and $N$ steps of the library's loop with the
// non-saturating loss must give the *same* weights, to the last bit (the test suite checks this too):

NotebookApp.Cell(36);
var checkSteps = course.Profile.Pick(ci: 50, cpu: 500, gpu: 500);
float[] Weights(nn.Module m) => m.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

Course.Seed(123);
var gA = new MlpGenerator(latentDim, hiddenDim);
var dA = new MlpDiscriminator(hiddenDim);
var optGA = optim.Adam(gA.parameters(), lr);
var optDA = optim.Adam(dA.parameters(), lr);
for (var i = 0; i < checkSteps; i++) TrainStep(gA, dA, optGA, optDA);

Course.Seed(123);
var gB = new MlpGenerator(latentDim, hiddenDim);
var dB = new MlpDiscriminator(hiddenDim);
var library = new AdversarialTrainer(gB, dB, new NonSaturatingGanLoss(), () => ToyData.Parabola(batchSize),
    new AdversarialConfig(latentDim, batchSize), p => optim.Adam(p, lr), p => optim.Adam(p, lr));
library.Train(checkSteps);

var wA = Weights(gA).Concat(Weights(dA)).ToArray();
var wB = Weights(gB).Concat(Weights(dB)).ToArray();
var maxDiff = wA.Zip(wB).Max(t => Math.Abs(t.First - t.Second));
Console.WriteLine($"{checkSteps} steps, {wA.Length:N0} weights: largest difference {maxDiff} " +
                  (maxDiff == 0 ? "(identical)" : "(NOT identical: the loop and the notebook's step differ)"));

// How well do the samples cover the parabola? The same measure as for the naive generator in notebook 02 (there
// both hand-made losses put the points *on* the curve, but on a narrow piece of it: a standard deviation of $x$ far
// below the real data's, about $2/\sqrt{12} \approx 0.58$ for $x \sim U[-1, 1]$):

NotebookApp.Cell(38);
var final = ParabolaMetrics.Measure(Generate(coverNoise));
Course.Seed(7);
var realCover = ParabolaMetrics.Measure(ToyData.Parabola(2500));
Console.WriteLine($"GAN after {numEpochs} iterations: {final}");
display(Table.From(new[] { ("real data", realCover), ($"GAN, {numEpochs} iterations", final) }.Select(r => new
{
    Samples = r.Item1,
    XSpread90 = Math.Round(r.Item2.Spread90, 3),
    XStd = Math.Round(r.Item2.XStd, 3),
    OnParabola = $"{r.Item2.OnCurveFraction:P1}",
    ParabolaCovered = $"{r.Item2.BinsCovered:P0}",
    MeanDistance = Math.Round(r.Item2.MeanDistance, 4),
}), "Coverage of the parabola, 2,500 samples"));
var covSteps = coverage.Select(c => (double)c.Step).ToArray();
display(Charts.Lines("Coverage of the parabola during training", "iteration", "share",
    new Series("samples on the parabola (±0.05)", covSteps, coverage.Select(c => c.Cover.OnCurveFraction).ToArray()),
    new Series("bins of [-1, 1] covered", covSteps, coverage.Select(c => c.Cover.BinsCovered).ToArray())));

// The discriminator's view of the plane at the end: $D(x)$ as a heat map, with real and generated points on top. Near
// equilibrium it cannot separate them, so along the parabola it should hover around $\frac12$ (the theory's
// $D^* = \frac12$ when $q = p$); away from the data it says whatever its ReLUs extrapolate, since nothing trains it there.

NotebookApp.Cell(40);
display(Charts.Surface("D(x) = P(real) over the plane", x => disc.Probability(x), (-1.5, 1.5), (-0.5, 1.5), resolution: 80,
    overlay: [Charts.Points("real", realShown), Charts.Points("generated", Generate(fixedNoise))]));

// *If it did not converge*, the lecture's advice stands: run again; fixing the seed does not make a GAN stable
// (different seeds or thread counts can give different runs).

// **Exercise 3.6 (experiment).** In `TrainStep` above, replace the generator's loss by the saturating one, `-F.softplus(D.forward(G.forward(z))).mean()` (that is $\mathrm{mean}\,\log(1 - D(G(z)))$), and run this section again. Predict first: does the generator still learn the parabola, and how do the first few hundred steps of the loss curves change? Then put the non-saturating loss back. `Exercise.Solution("03.6")` says what to look for.

// ## 4. Mode collapse on a ring of 8 Gaussians
//
// The parabola is one connected curve. Real data has many separate **modes** (digits, faces, breeds). The standard
// test (Metz et al., *Unrolled GANs*, 2016; the lecture's figure) is a **ring of 8 Gaussians**: radius 2, standard
// deviation 0.02 each. A vanilla GAN tends to put all its mass on **one mode at a time** and to **hop** from mode to mode
// instead of spreading out ("the generator rotates through the modes of the data distribution").
//
// Why: for a fixed $D$, the best generator is $\delta\big(x - \arg\max_x D(x)\big)$, all samples at the single point $D$
// likes most (seed 002, *Optimal G\* given fixed D*). The discriminator then learns that this point is fake, its maximum
// moves to another mode, and the generator follows.
//
// **The metric** (VEEGAN and PacGAN protocol, `ModeMetrics.Evaluate` in
// [Metrics/ModeMetrics.cs](../lib/GanCourse/Metrics/ModeMetrics.cs)): draw 2,500 samples; a sample is **high quality**
// if it lies within 3 standard deviations (0.06) of its nearest mode centre; a mode is **captured** if it is the
// nearest mode of at least one high-quality sample. We also report PacGAN's **reverse KL** between the share of samples
// nearest each mode and the uniform 1/8 (0 = balanced, $\log 8 \approx 2.08$ = everything on one mode).
//
// Hyper-parameters: the lecture's MLPs with hidden width 128 (as in Metz et al.), latent 10, batch 128, Adam with
// lr $2\cdot10^{-4}$ and $\beta_1 = 0.5$ (the DCGAN setting; Metz et al. use $10^{-4}$). With a larger learning rate,
// e.g. $10^{-3}$, the same networks get past the single-mode phase within a few thousand steps on this data, so try
// it and compare.

NotebookApp.Cell(44);
var ringSteps = course.Profile.Pick(ci: 200, cpu: 3_000, gpu: 10_000);
var ringBatch = 128;
var ringHidden = 128;
var ringLatent = 10;
var ringLr = 2e-4;
var ringSnapshots = 10;                                 // snapshots over the run
var ringEvalSamples = ModeMetrics.StandardSamples;      // 2,500
const double RingStd = 0.02;

var centres = ToyData.RingCentres(8, 2.0);
Course.Seed(2024);
var evalNoise = torch.randn(ringEvalSamples, ringLatent);   // fixed noise for every measurement: measuring draws no random numbers
Func<IEnumerable<TorchSharp.Modules.Parameter>, optim.Optimizer> ringAdam = p => optim.Adam(p, ringLr, beta1: 0.5, beta2: 0.999);
// One ring run = the course's loop, MLP G and D, a fresh ring batch per D update, the mode metric at snapshots
// (Experiments/RingExperiment.cs)
var ring = new RingExperiment(new RingSetup(ringSteps, ringBatch, ringHidden, ringLatent, RingStd, ringSnapshots), evalNoise);

NotebookApp.Cell(45);
var vanilla = ring.Run("vanilla (non-saturating)", new NonSaturatingGanLoss(), seed: 1, ringAdam,
    view: new TrainingView("Vanilla GAN on the ring", ringSteps));
display(RingExperiment.SnapshotTable(vanilla, $"Vanilla GAN on the ring: the mode metric on {ringEvalSamples} samples at each snapshot ({vanilla.Seconds:F1} s)"));

// The generator's samples at each snapshot, as 2-D histograms over $[-3, 3]^2$ (brighter = more samples; log scale;
// the 8 mode centres in grey), like the bottom row of the lecture's figure; the last panel is the real data. Read row by row and watch where
// the mass sits from one snapshot to the next.

NotebookApp.Cell(47);
// A (1, bins, bins) image of the log-density of 2-D points over [-lim, lim]², y pointing up, mode centres in grey.
Tensor Histogram(Tensor points, int bins = 48, double lim = 3.0)
{
    int Col(float x) => (int)Math.Floor((x + lim) / (2 * lim) * bins);
    int Row(float y) => bins - 1 - (int)Math.Floor((y + lim) / (2 * lim) * bins);
    var img = new float[bins * bins];
    var p = points.cpu().contiguous().data<float>().ToArray();
    for (var i = 0; i < p.Length / 2; i++)
    {
        int c = Col(p[2 * i]), r = Row(p[2 * i + 1]);
        if (c >= 0 && c < bins && r >= 0 && r < bins) img[r * bins + c] += 1;
    }
    var max = Math.Log(1 + img.Max());
    var shade = img.Select(v => (float)(Math.Log(1 + v) / Math.Max(max, 1e-6))).ToArray();
    var cp = centres.contiguous().data<float>().ToArray();
    for (var m = 0; m < cp.Length / 2; m++)
    {
        int c = Col(cp[2 * m]), r = Row(cp[2 * m + 1]);
        shade[r * bins + c] = Math.Max(shade[r * bins + c], 0.35f);
    }
    return torch.tensor(shade, [1, bins, bins]);
}
var panels = vanilla.Snapshots.Select(s => Histogram(s.Samples)).ToList();
Course.Seed(5);
using (var realRing = ToyData.Ring(ringEvalSamples, std: RingStd)) panels.Add(Histogram(realRing.Samples));
Console.WriteLine("steps: " + string.Join(", ", vanilla.Snapshots.Select(s => s.Step)) + ", then the real data");
var perRow = (panels.Count + 1) / 2;
// about 1,000 px wide, so the strip stays readable when projected
display(ImageGrid.From(torch.stack(panels), nrow: perRow, padding: 2, padValue: 0.5, scale: Math.Clamp(1000.0 / (50 * perRow), 2, 6),
    title: "Vanilla GAN samples over training (left to right), real data last"));

NotebookApp.Cell(48);
var snapSteps = vanilla.Snapshots.Select(s => (double)s.Step).ToArray();
display(Charts.Lines("Vanilla GAN: where the samples sit", "step", "value",
    new Series("mode nearest to most samples (0-7)", snapSteps, vanilla.Snapshots.Select(s => (double)s.Report.DominantMode).ToArray()),
    new Series("modes captured (of 8)", snapSteps, vanilla.Snapshots.Select(s => (double)s.Report.ModesCaptured).ToArray()),
    new Series("reverse KL (log 8 = 2.08: one mode)", snapSteps, vanilla.Snapshots.Select(s => s.Report.ReverseKl).ToArray())));
var last = vanilla.Snapshots[^1];
display(Charts.Scatter($"Vanilla GAN at step {last.Step}: {last.Report.ModesCaptured}/8 modes, {last.Report.HighQualityPercent:F1}% high quality", "x", "y",
    Charts.Points("generated", last.Samples[..1000]), Charts.Points("mode centres", centres)));

NotebookApp.Cell(49);
// built from this run's snapshots, so the text always describes the run above
var shares = vanilla.Snapshots.Select(s => $"{100 * s.Report.DominantShare:F0}%");
var dominant = vanilla.Snapshots.Select(s => s.Report.DominantMode).ToList();
var maxHighQuality = vanilla.Snapshots.Max(s => s.Report.HighQuality);
display(Prose.From($"**What this run measured** ({course.Profile.Name()} profile, seed 1, {ringSteps:N0} steps, {vanilla.Snapshots.Count} snapshots): " +
    $"the share of the {ringEvalSamples:N0} samples nearest to the most popular mode was {string.Join(", ", shares)} (12.5% would be balanced, 100% is one mode); " +
    $"the most popular mode was {string.Join(", ", dominant)} ({dominant.Distinct().Count()} different modes over the run); " +
    $"at most {maxHighQuality} of the {ringEvalSamples:N0} samples were within 3 std of a centre at any snapshot, " +
    $"and {vanilla.Report.ModesCaptured} of 8 modes counted as captured at the end."));

// How to read these numbers: shares near 100% mean the generator sits on **one mode**, and a changing most popular
// mode means it **hops** between them; few samples within 3 std of a centre mean the blob is too wide to count as a
// mode. That is the bottom row of the lecture's figure: the generator moves around the ring instead of covering it.
// A single run of a few thousand steps can also differ (another seed, thread count or profile gives another run):
// the table and the line above are what this run did.

// ## 5. Practical tips, measured
//
// The lectures collect many tricks (seed 000's list after *ganhacks*, seed 004's *training subtleties*). We test seven,
// each against the vanilla run above with **the same seeds, steps and networks**, and report the mode metric at the end
// of training. One GAN run is a noisy measurement, so each setting runs with several seeds (one in `ci`).
//
// * **More discriminator steps**, $k$ = `CriticSteps` = 5 per generator step (seed 004: "give the discriminator an
//   advantage: the better it separates real from fake, the better the signal the generator can extract from it";
//   Goodfellow et al.'s $k$). Same number of *generator* steps, so this costs about 3x the time.
// * **One-sided label smoothing**: real label 0.9 instead of 1 (seed 000, tip 6: "smooth the labels, $1 \to [0.7, 1.2]$;
//   more often only the 1 is smoothed, so as not to reward bad fakes"; Salimans et al., 2016). It keeps $D$ from
//   becoming over-confident.
// * **Top-k training** (seed 004; Sinha et al., 2020): update the generator only with the $k$ samples of the batch that
//   $D$ finds most realistic, i.e. zero the gradients of the worst ones; $k$ starts at the batch size and decays by
//   $\gamma = 0.99$ every 50 steps down to half the batch.
// * **Instance noise** (seed 000, tip 13: "add noise to inputs, decay over time"; Arjovsky & Bottou, 2017): Gaussian
//   noise on every input of $D$, real and generated, $\sigma = 0.1$ annealed linearly to 0 over the run, so that the
//   two distributions overlap and $D$ cannot separate them perfectly (`AdversarialConfig.InstanceNoise`).
// * **Experience replay** (tip 16: "keep a replay buffer of past generations and occasionally show them"; Shrivastava
//   et al., 2017): $D$ sees a batch in which, once the buffer of 1,024 past fakes is full, each sample is an old fake
//   with probability $\frac12$ (`ImagePool`, `AdversarialConfig.FakeReplay`), so $G$ cannot return to a mode $D$ forgot.
// * **SGD for $D$, Adam for $G$** (tip 9: "use SGD for discriminator and ADAM for generator"): plain SGD with learning
//   rate 0.02 for the discriminator.
// * **Dropout in $G$** (tip 17: "provide noise in the form of dropout (50%) ... in both train and test phase"):
//   `MlpGenerator(dropout: 0.5)`, a `NoiseDropout` after each hidden layer that stays on when sampling.

NotebookApp.Cell(52);
var tipSeeds = course.Profile.Pick<int[]>(ci: [1], cpu: [1, 2, 3], gpu: [1, 2, 3, 4, 5]);
var settings = new Tip[]
{
    new("vanilla (non-saturating)", () => new NonSaturatingGanLoss()),
    new("k = 5 discriminator steps", () => new NonSaturatingGanLoss(), CriticSteps: 5),
    new("one-sided label smoothing 0.9", () => new NonSaturatingGanLoss(realLabel: 0.9)),
    new("Top-k (γ 0.99, ν 0.5)", () => new NonSaturatingGanLoss(), TopK: new TopK(Gamma: 0.99, MinFraction: 0.5, DecayEvery: 50)),
    new("instance noise σ 0.1 → 0", () => new NonSaturatingGanLoss(), Configure: c => c with { InstanceNoise = new InstanceNoise(0.1, ringSteps) }),
    new("experience replay (1,024 fakes)", () => new NonSaturatingGanLoss(), Configure: c => c with { FakeReplay = new ImagePool(1024) }),
    new("SGD (lr 0.02) for D, Adam for G", () => new NonSaturatingGanLoss(), OptD: p => optim.SGD(p, 0.02)),
    new("dropout 0.5 in G", () => new NonSaturatingGanLoss(), Dropout: 0.5),
};
var results = new List<RingRun>();
foreach (var s in settings)
foreach (var seed in tipSeeds)
{
    var run = (s.Name == settings[0].Name && seed == 1) ? vanilla
        : ring.Run(s.Name, s.Loss(), seed, ringAdam, s.CriticSteps, s.TopK, snapshotEvery: 0,
            configure: s.Configure, discriminatorOptimizer: s.OptD, generatorDropout: s.Dropout);
    results.Add(run);
    Console.WriteLine($"{s.Name,-32} seed {seed}: {run.Report}  ({run.Seconds:F1} s)");
}

NotebookApp.Cell(53);
foreach (var v in ring.SummaryViews(results, $"Ring of 8 Gaussians after {ringSteps} generator steps, mean over seeds {string.Join(", ", tipSeeds)}"))
    display(v);

// Every run on its own, in the kit's common metric-table layout (`ModeMetrics.ToTable`; the image notebooks end with
// the same kind of table from `ImageQuality.ToTable`):

NotebookApp.Cell(55);
display(RingExperiment.RunsTable(results, $"Ring of 8 Gaussians after {ringSteps} generator steps: every run ({ringEvalSamples} samples each)"));

NotebookApp.Cell(56);
// built from this run's results, so the text always describes the runs above
IEnumerable<RingRun> Of(string setting) => results.Where(r => r.Setting == setting);
double MeanOf(string setting, Func<RingRun, double> f) => Of(setting).Average(f);
var tipBullets = settings.Select(s => $"* **{s.Name}**: modes captured {string.Join(", ", Of(s.Name).Select(r => r.Report.ModesCaptured))} " +
    $"(seed {string.Join(", ", Of(s.Name).Select(r => r.Seed))}), {MeanOf(s.Name, r => r.Report.HighQualityPercent):F1}% high-quality samples, " +
    $"reverse KL {MeanOf(s.Name, r => r.Report.ReverseKl):F3}, {MeanOf(s.Name, r => r.Seconds):F1} s per run");
var mostModes = settings.MaxBy(s => MeanOf(s.Name, r => r.Report.ModesCaptured)).Name;
var sharpest = settings.MaxBy(s => MeanOf(s.Name, r => r.Report.HighQualityPercent)).Name;
display(Prose.From(new[]
{
    $"**What this run measured** ({course.Profile.Name()} profile, {ringSteps:N0} generator steps, seeds {string.Join(", ", tipSeeds)}, means over the seeds; on {course.Device} with {Course.Settings.Threads} thread" + (Course.Settings.Threads == 1 ? "" : "s") + "):",
    string.Join("\n", tipBullets),
    $"Most modes on average: **{mostModes}**; sharpest samples (most within 3 std of a centre): **{sharpest}**." +
        (mostModes == sharpest ? " In this run one setting led on both." : " In this run no setting led on both coverage and sharpness."),
}));

// **What to expect.** Each tip attacks a different part of the problem. A vanilla GAN tends to sit on one mode at a
// time (reverse KL near $\log 8 \approx 2.08$) with a wide blob of samples. More discriminator steps ($k = 5$) give a
// stronger $D$, which tends to make the samples **sharper** (more of them within 3 std of a mode) rather than spread
// them over more modes, for several times the time per run. One-sided label smoothing and Top-k change the signal the
// generator gets and can spread the mass over the ring, but at this budget their samples tend to stay blurry, and a
// run can also stay collapsed. Instance noise and experience replay act on what $D$ sees: the first blurs the real
// and generated points together early on (expect wider blobs while $\sigma$ is large), the second makes $D$ keep rejecting
// old modes; SGD changes how fast $D$ learns relative to $G$, and dropout adds noise inside $G$, which tends to widen
// its samples rather than sharpen them. Compare these tendencies with the lines above, which are what your run did.
//
// Read the numbers with
// the noise in mind: three seeds and a few thousand steps are a small experiment, and GAN outcomes vary a lot from
// run to run (the lecture: "fixing the seed does not yet guarantee a stable GAN"). The tips are not guaranteed wins
// either: "it does not always work everywhere, but it is worth a try". Try combinations (Top-k with $k = 5$), longer
// runs (the `gpu` profile: 10,000 steps, 5 seeds) or the learning rate $10^{-3}$.

// ## Takeaways
//
// **Key formulas**
//
// * The minimax game: $\min_G \max_D \; \mathbb{E}_{x \sim p_{data}} \big[\log D(x)\big] + \mathbb{E}_{z \sim p(z)} \big[\log\big(1 - D(G(z))\big)\big]$, trained by alternating steps (Algorithm 1, $k$ = `CriticSteps` steps of $D$ per step of $G$).
// * For fixed $G$ the optimal discriminator is $D^*(x) = \frac{p(x)}{p(x) + q(x)}$, and then $V(G, D^*) = 2\,\mathrm{JS}(p \,\|\, q) - \log 4$: minimal, $-\log 4$ with $D^* = \frac12$, at $q = p$; JS is constant ($\log 2$) when the supports do not overlap.
// * With $D = \sigma(l)$: saturating $\log(1 - D(G(z)))$ has $\partial/\partial l = -D(G(z))$, non-saturating $-\log D(G(z))$ has $-(1 - D(G(z)))$: the same fixed point, but a gradient where $D$ rejects the fakes.
// * Mode collapse: for a fixed $D$ the best generator is $\delta\big(x - \arg\max_x D(x)\big)$. On the ring, a sample is high quality within 3 std (0.06) of a centre, and the reverse KL runs from 0 (balanced) to $\log 8 \approx 2.08$ (one mode).
//
// **What the measurements showed** (read them off your run's outputs above)
//
// * Section 2: the learned $D$ against $p/(p+q)$ where there is data, $V(G, D_{learned})$ against $2\,\mathrm{JS} - \log 4$, the two gradient curves, and the ratio of the generator's gradient norms after $D$ has learned to reject the fakes.
// * Section 3: the bit-for-bit weight check ties the lecture's loop to `AdversarialTrainer`; compare the GAN's coverage row (spread of $x$, parabola covered) with the real data and with notebook 02's naive generators.
// * Sections 4–5: in the snapshot table and histograms follow the most popular mode's share and whether that mode changes; in the tips table compare modes captured, high-quality share, reverse KL and time per setting, across the seeds rather than from one run.
//
// **Discussion questions**
//
// 1. The discriminator scores each sample on its own, like notebook 02's losses. Why does the GAN still spread its samples, and why does the same mechanism let it hop from mode to mode on the ring?
// 2. What does the non-saturating loss fix, and what does it not fix, about training against an (almost) optimal discriminator?
// 3. Each tip ran with a few seeds. How many runs, and which numbers, would you want before claiming that one tip beats another?
//
// The fixes for mode collapse the lecture lists (unrolled GAN, minibatch discrimination, feature matching, MGAN, and
// WGAN-GP) are measured on this ring in notebook 03b-mode-collapse.
//
// Next: convolutional generators and discriminators for images (DCGAN), and losses that fix the JS divergence's
// problems (LSGAN, WGAN, WGAN-GP), all with the same `AdversarialTrainer`.

NotebookApp.End();

// Types the notebook declares (a file-based app declares them after its statements).

// from cell 52
// a tip = what it changes in the vanilla run: the loss, k, Top-k, the loop's config, D's optimizer, dropout in G
record Tip(string Name, Func<IGanLoss> Loss, int CriticSteps = 1, TopK? TopK = null, Func<AdversarialConfig, AdversarialConfig>? Configure = null,
    Func<IEnumerable<TorchSharp.Modules.Parameter>, optim.Optimizer>? OptD = null, double Dropout = 0);
