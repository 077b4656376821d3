// Generated from 01-autoencoders.ipynb by `dotnet run --project tools/GanCourse.Runner -- --export-apps`; do not edit: change the notebook and regenerate.
// Runs the lesson with no notebook host:  dotnet run notebooks/apps/01-autoencoders.cs
// GANCOURSE_PROFILE=ci|cpu|gpu picks the profile; the displayed values go to output/apps/01-autoencoders.html.
#:project ../../lib/GanCourse/GanCourse.csproj
#:project ../../tools/GanCourse.Runner/GanCourse.Runner.csproj
#:property PublishAot=false
#:property CreateHardLinksForCopyLocalIfPossible=true
#:property NoWarn=$(NoWarn);CS8600;CS8601;CS8602;CS8603;CS8604;CS8618;CS8625;CS8632

using GanCourse.Runtime;
using GanCourse.Data;
using GanCourse.Exercises;
using GanCourse.Networks;
using GanCourse.Training;
using GanCourse.Visuals;
using TorchSharp;
using static TorchSharp.torch;
using GanCourse.Metrics;
using GanCourse.Runner;
using static GanCourse.Runner.NotebookApp; // display(...), as in a notebook

NotebookApp.Start("01-autoencoders", "fca1db9a11759c30");

// # 01 · Autoencoders: from compression to generation
//
// A **generative model** should turn *noise* into *something sensible*: a digit, a face, a garment. That is
// hard, because nobody tells us which noise vector should become which image. The lecture approaches the
// problem from a familiar architecture first, the **autoencoder**:
//
// $$x \;\xrightarrow{\text{encoder } f}\; z \;\xrightarrow{\text{decoder } g}\; \hat x = g(f(x)),
// \qquad \text{encoder } p_{\text{enc}}(z \mid x), \quad \text{decoder } p_{\text{dec}}(x \mid z).$$
//
// We compress the information into a **latent space** and try to restore it. Training reproduces the input:
//
// $$\mathcal{L}(f, g) = \underbrace{\lVert x - g(f(x)) \rVert^2}_{\text{reconstruction error}} + \underbrace{R(f, g)}_{\text{regularizer}} \;\to\; \min .$$
//
// This notebook follows the lecture's path:
//
// 1. an **undercomplete** (bottleneck) autoencoder: what a narrow code can keep;
// 2. the lecture's **convolutional autoencoder**, line for line;
// 3. the **denoising** autoencoder (Gaussian and masking noise);
// 4. why a plain autoencoder is not yet a generator;
// 5. the **variational autoencoder** with a 2-D latent: the ELBO, the latent map, the decoded manifold and the
//    lecture's *only reconstruction / only KL / both* comparison;
// 6. from decoding random codes to GANs.
//
// The models live in `lib/GanCourse/Networks/Autoencoders.cs` and `Networks/Vae.cs`. Both train in one loop,
// `lib/GanCourse/Training/SupervisedLoop.cs` (Adam, one dispose scope per batch, a clear stop on NaN); what each
// model adds is its loss, in `AutoencoderTraining.cs` (reconstruction, optionally of a corrupted input) and
// `VaeTraining.cs` (reconstruction + KL).

NotebookApp.Cell(2);
var course = Course.Init();

// ## 0. Data
//
// MNIST digits, 28×28, with pixels in $[0, 1]$ (`PixelRange.Unit`): the decoders end in a sigmoid, and the
// VAE reads each pixel as the probability of a Bernoulli variable. The `ci` profile uses a few hundred images,
// `cpu` the 8,000 + 2,000 shipped with the course, `gpu` the full set when it has been fetched
// (`dotnet run --project tools/GanCourse.Data -- fetch mnist`).

NotebookApp.Cell(4);
var train = ImageDataset.Mnist("train", subset: course.Profile.Pick<int?>(ci: 600, cpu: null, gpu: null), range: PixelRange.Unit);
var test = ImageDataset.Mnist("test", subset: course.Profile.Pick<int?>(ci: 200, cpu: null, gpu: null), range: PixelRange.Unit);
Console.WriteLine(train);
Console.WriteLine(test);

// Ten test digits, one of each class, shown in every reconstruction grid below.
var testLabels = test.Labels.data<long>().ToArray();
var shownIdx = tensor(Enumerable.Range(0, 10).Select(c => (long)Array.IndexOf(testLabels, (long)c)).ToArray());
var shown = test.Images.index_select(0, shownIdx);

// "inputs above, outputs below": rows of ten images stacked into one grid.
ImageGrid Rows(string title, params Tensor[] rows) =>
    ImageGrid.From(cat(rows.Select(r => r.detach().cpu()).ToArray(), 0), nrow: 10, padValue: 0.5, title: title);

display(Rows("Ten test digits", shown));

// ## 1. The undercomplete autoencoder: a narrow bottleneck
//
// The lecture's first picture is a fully connected network with a **narrow bottleneck**
// (*undercomplete*: the code is smaller than the input). Here:
// $784 \to 256 \to k \to 256 \to 784$, ReLU in between, a sigmoid at the end. If $k$ were as large as the
// input the network could learn the identity and nothing else; a small $k$ forces it to keep only what the
// digits have in common. We train the same network with several code sizes $k$ and measure the test
// reconstruction error (mean squared error per pixel).

NotebookApp.Cell(6);
var codeSizes = course.Profile.Pick(ci: new[] { 2, 32 }, cpu: new[] { 2, 8, 32, 128 }, gpu: new[] { 2, 8, 32, 128 });
var bottleneckConfig = new AutoencoderTrainingConfig(
    Epochs: course.Profile.Pick(ci: 1, cpu: 5, gpu: 20), BatchSize: 64, Lr: 1e-3,
    MaxSteps: course.Profile.Pick<long?>(ci: 15, cpu: null, gpu: null));
display(bottleneckConfig);

NotebookApp.Cell(7);
var bottleneckErrors = new List<double>();
var bottleneckRows = new List<Tensor> { shown };
var bottleneckCurves = new List<Series>();
foreach (var k in codeSizes)
{
    Course.Seed(course.Seed);
    var model = new BottleneckAutoencoder(codeDim: k).to(course.Device);
    var history = AutoencoderTraining.Train(model, train, bottleneckConfig);
    var err = AutoencoderTraining.Evaluate(model, test);
    Console.WriteLine($"k = {k,3}: {784.0 / k,6:F1}x compression, test {err}");
    bottleneckErrors.Add(err.Mse);
    bottleneckCurves.Add(history.ToSeries("loss", smooth: 20, label: $"k = {k}"));
    using (no_grad()) bottleneckRows.Add(model.forward(shown.to(course.Device)).cpu());
}
display(Charts.Bars("Test reconstruction error vs code size k", "MSE per pixel", codeSizes.Select(k => $"k = {k}").ToArray(), bottleneckErrors));

NotebookApp.Cell(8);
display(Charts.Lines("Training loss (MSE, moving average over 20 steps)", "step", "MSE", bottleneckCurves.ToArray()));

// Top row: the inputs; then one row of reconstructions per code size, from the narrowest. With $k = 2$ the
// network can only keep a rough "which kind of digit" (and mixes up similar ones); with larger codes the
// strokes come back.

NotebookApp.Cell(10);
display(Rows($"Inputs, then reconstructions with k = {string.Join(", ", codeSizes)}", bottleneckRows.ToArray()));

// ## 2. The lecture's convolutional autoencoder
//
// The lecture's "minute of code" (after Udacity's convolutional autoencoder solution), re-created layer for
// layer in `LectureConvAutoencoder` with the same parameter names:
//
// ```python
// self.conv1 = nn.Conv2d(1, 16, 3, padding=1)             # depth 1 -> 16, 3x3 kernels
// self.conv2 = nn.Conv2d(16, 4, 3, padding=1)             # depth 16 -> 4
// self.pool = nn.MaxPool2d(2, 2)                          # halves height and width
// self.t_conv1 = nn.ConvTranspose2d(4, 16, 2, stride=2)   # kernel 2, stride 2: doubles them
// self.t_conv2 = nn.ConvTranspose2d(16, 1, 2, stride=2)
// # forward: relu(conv1) -> pool -> relu(conv2) -> pool  (code)  -> relu(t_conv1) -> sigmoid(t_conv2)
// ```
//
// A $1 \times 28 \times 28$ digit becomes a $4 \times 7 \times 7$ code (196 numbers, a quarter of the pixels)
// and comes back through two transposed convolutions. The C# `forward` is the Python one:
//
// ```csharp
// x = pool.forward(functional.relu(conv1.forward(x)));
// x = pool.forward(functional.relu(conv2.forward(x)));   // compressed representation
// x = functional.relu(t_conv1.forward(x));
// return sigmoid(t_conv2.forward(x));                    // output in [0, 1]
// ```

// **Exercise 1.1 (predict).** Before the cell below prints it: how many parameters (weights and biases) does the lecture's autoencoder have? A (transposed) convolution from $C_{in}$ to $C_{out}$ channels with $k \times k$ kernels has $C_{in} C_{out} k^2$ weights and $C_{out}$ biases; max pooling has none.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("01.1")` in a new cell reveals the worked solution.

NotebookApp.Cell(13);
double parameters = double.NaN;   // conv1 + conv2 + t_conv1 + t_conv2
display(Exercise.Check("01.1", parameters));

NotebookApp.Cell(14);
Course.Seed(course.Seed);
var ae = new LectureConvAutoencoder().to(course.Device);
foreach (var (name, p) in ae.named_parameters())
    Console.WriteLine($"{name,-15} [{string.Join(", ", p.shape)}]");
Console.WriteLine($"{ae.parameters().Sum(p => p.numel()):N0} parameters; code of one image: [{string.Join(", ", ae.Encode(shown.narrow(0, 0, 1).to(course.Device)).shape)}]");

// **Exercise 1.2 (derivation).** A transposed convolution maps a side $H_{in}$ to $H_{out} = (H_{in} - 1)\,s - 2p + k$ (plus `output_padding`). `t_conv1` ($k = 2$, $s = 2$, $p = 0$) takes the $7 \times 7$ code to $14 \times 14$, as printed above. DCGAN-style generators (notebook 04) often use $k = 3$, $s = 2$, $p = 1$ instead. What side does such a layer give a $7 \times 7$ input?
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("01.2")` in a new cell reveals the worked solution.

NotebookApp.Cell(16);
double side = double.NaN;   // H_out for H_in = 7, k = 3, s = 2, p = 1
display(Exercise.Check("01.2", side));

// It trains like the lecture's source: mean squared error between the output and the input, Adam with
// learning rate $10^{-3}$, batches of 20, 30 epochs (`gpu`; fewer in `cpu` and `ci`). The live view shows the
// loss and the reconstructions of the ten test digits as training goes.

NotebookApp.Cell(18);
var aeConfig = new AutoencoderTrainingConfig(
    Epochs: course.Profile.Pick(ci: 1, cpu: 10, gpu: 30), BatchSize: 20, Lr: 1e-3, Loss: ReconstructionLoss.Mse,
    MaxSteps: course.Profile.Pick<long?>(ci: 40, cpu: null, gpu: null));
var aeSteps = aeConfig.MaxSteps ?? (long)aeConfig.Epochs * ((train.Count + aeConfig.BatchSize - 1) / aeConfig.BatchSize);
ImageGrid AeSamples() { using (no_grad()) return Rows("inputs / reconstructions", shown, ae.forward(shown.to(course.Device))); }
var aeView = new TrainingView("Conv autoencoder", aeSteps, samples: AeSamples).Show();
var clock = System.Diagnostics.Stopwatch.StartNew();
var aeHistory = AutoencoderTraining.Train(ae, train, aeConfig, onStep: (s, l, n) => aeView.Report(s, l, n));
aeView.Complete();
Console.WriteLine($"{aeHistory.Steps} steps in {clock.Elapsed.TotalSeconds:F0} s");

// The **test** reconstruction error, on digits the network never saw, as mean squared error per pixel and as
// binary cross-entropy summed over the 784 pixels (the unit the VAE uses below):

NotebookApp.Cell(20);
var aeError = AutoencoderTraining.Evaluate(ae, test);
Console.WriteLine($"Conv autoencoder, test set: {aeError}");
Tensor aeRecon;
using (no_grad()) aeRecon = ae.forward(shown.to(course.Device));
display(Rows($"Conv autoencoder: test inputs (top) and reconstructions (bottom), MSE {aeError.Mse:F4}", shown, aeRecon));

// What does the bottleneck hold? Each digit's code is four $7 \times 7$ maps (one row per digit below, each map
// rescaled to its own min/max; an all-zero map stays black). The code still looks like a small digit: the
// convolutional encoder keeps *where* the strokes are, which is why such a small network reconstructs so well.
// The code comes out of a ReLU, so a channel can also "die": stay zero for every input. The cell counts the
// channels that are alive on the test set.

NotebookApp.Cell(22);
Tensor codes;
using (no_grad()) codes = ae.Encode(shown.to(course.Device)).cpu();
var tiles = codes.reshape(40, 1, 7, 7);
var (tileLo, tileHi) = (tiles.amin(new long[] { 1, 2, 3 }, keepdim: true), tiles.amax(new long[] { 1, 2, 3 }, keepdim: true));
var tilesScaled = ((tiles - tileLo) / (tileHi - tileLo).clamp_min(1e-8));
Tensor channelMax;
using (no_grad()) channelMax = cat(test.Batches(500, device: course.Device, shuffle: false).Select(b => ae.Encode(b.Images).amax(new long[] { 0, 2, 3 }).unsqueeze(0).cpu()).ToList(), 0).amax(new long[] { 0 });
Console.WriteLine($"channels that are non-zero for some test digit: {channelMax.gt(0).sum().item<long>()} of 4 (max value per channel: {string.Join(", ", channelMax.data<float>().ToArray().Select(v => v.ToString("F2")))})");
display(ImageGrid.From(tilesScaled, nrow: 4, padValue: 0.5, title: "Codes: 4 channels of 7x7 per digit (one digit per row)"));

// ## 3. The denoising autoencoder
//
// The lecture's next idea: feed the autoencoder a **corrupted** input $\tilde x$ and ask for the **clean**
// image:
//
// $$\lVert x - g(f(\tilde x)) \rVert + R(f, g) \;\to\; \min .$$
//
// This enlarges the training set with noisy copies (noise of different kinds), and the features it learns are
// better: Vincent et al. (2010) show that a denoising autoencoder learns stroke and edge detectors where a plain
// one learns uninteresting blobs. Two corruptions from that paper (`Training/Corruption.cs`):
//
// * **Gaussian noise** $\tilde x = \mathrm{clip}(x + \sigma\varepsilon,\, 0,\, 1)$, $\varepsilon \sim \mathcal N(0, I)$, with the paper's $\sigma = 0.5$;
// * **masking noise**: each pixel is set to $0$ with probability $\nu$ (the paper uses $\nu$ up to 50%).
//
// We train the lecture's convolutional autoencoder on each, with the same settings as above (20 epochs in `gpu`,
// as in the Udacity denoising exercise the lecture's code comes from). Each live view ends with ten noisy test
// digits (top), what the denoising autoencoder makes of them (middle) and the clean digits (bottom).

NotebookApp.Cell(24);
var corruptions = new[] { Corruption.Gaussian(0.5), Corruption.Masking(0.5) };
var daeConfig = aeConfig with { Epochs = course.Profile.Pick(ci: 1, cpu: 10, gpu: 20), Seed = 1 };
aeSteps = daeConfig.MaxSteps ?? (long)daeConfig.Epochs * ((train.Count + daeConfig.BatchSize - 1) / daeConfig.BatchSize);
var daes = new Dictionary<string, LectureConvAutoencoder>();
var daeCurves = new List<Series>();
foreach (var corruption in corruptions)
{
    Course.Seed(course.Seed);
    var dae = new LectureConvAutoencoder().to(course.Device);
    var noisyShown = corruption.Apply(shown.to(course.Device), new Generator(7, course.Device));
    ImageGrid DaeSamples() { using (no_grad()) return Rows($"{corruption.Name}: noisy (top) / denoised (middle) / clean (bottom)", noisyShown, dae.forward(noisyShown), shown); }
    var view = new TrainingView($"Denoising autoencoder, {corruption.Name}", aeSteps, samples: DaeSamples).Show();
    var h = AutoencoderTraining.Train(dae, train, daeConfig, corruption, onStep: (s, l, n) => view.Report(s, l, n));
    view.Complete();
    daes[corruption.Name] = dae;
    daeCurves.Add(h.ToSeries("loss", smooth: 50, label: corruption.Name));
    Console.WriteLine($"{corruption.Name}: {h.Steps} steps, last loss {h.Mean("loss", -50):F4}");
}
display(Charts.Lines("Denoising autoencoders: training loss (moving average over 50 steps)", "step", "MSE vs clean image", daeCurves.ToArray()));

// How much does denoising help? The error against the **clean** test images of: the noisy input itself
// (doing nothing), the plain autoencoder of section 2 applied to noisy input, and the denoising autoencoder
// trained for that noise.

NotebookApp.Cell(26);
Console.WriteLine($"{"corruption",-16} {"noisy input",12} {"plain AE",12} {"denoising AE",13}   (test MSE per pixel against the clean image)");
foreach (var corruption in corruptions)
{
    var baseline = AutoencoderTraining.NoiseBaseline(test, corruption);
    var plain = AutoencoderTraining.Evaluate(ae, test, corruption);
    var denoised = AutoencoderTraining.Evaluate(daes[corruption.Name], test, corruption);
    Console.WriteLine($"{corruption.Name,-16} {baseline.Mse,12:F4} {plain.Mse,12:F4} {denoised.Mse,13:F4}");
}

// **Exercise 1.3 (experiment).** In the section's first cell change `Corruption.Masking(0.5)` to `Corruption.Masking(0.9)` (nine pixels of ten set to 0) and run the section again, table included. Predict first: what will the denoised digits in the live view look like, and how will the masking row of the table change? Put `Masking(0.5)` back afterwards. `Exercise.Solution("01.3")` says what to look for.

// ### What a denoising autoencoder learns: its filters
//
// The lecture shows the filters of Vincent et al.'s Figure 8: the same network, started from the **same
// random initialisation**, trained on MNIST with zero-masking noise of 0%, 25% and 50%. Without noise many
// filters stay uninteresting grey patches; with more noise they become stroke and digit-part detectors. We
// repeat the experiment with the fully connected autoencoder of section 1 ($784 \to 256 \to 64 \to 256 \to 784$):
// each tile below is one of the first 32 of the 256 first-layer units, its 784 input weights drawn as a 28×28 image (each
// rescaled to its own min/max). Tiles at the same position belong to the same unit in the three runs.

NotebookApp.Cell(29);
var filterNoise = new[] { 0.0, 0.25, 0.5 };
var filterConfig = bottleneckConfig with { Epochs = course.Profile.Pick(ci: 1, cpu: 10, gpu: 30), Seed = 2 };
ImageGrid Filters(BottleneckAutoencoder model, string title)
{
    var w = model.named_parameters().First(p => p.name == "encoder.1.weight").parameter.detach().cpu().narrow(0, 0, 32);
    var (lo, hi) = (w.amin(new long[] { 1 }, keepdim: true), w.amax(new long[] { 1 }, keepdim: true));
    return ImageGrid.From(((w - lo) / (hi - lo)).reshape(32, 1, 28, 28), nrow: 16, padValue: 0.5, title: title, scale: 2);
}
var filterGrids = new List<ImageGrid>();
foreach (var nu in filterNoise)
{
    Course.Seed(course.Seed); // the same initialisation for every noise level
    var model = new BottleneckAutoencoder(codeDim: 64, hidden: 256).to(course.Device);
    AutoencoderTraining.Train(model, train, filterConfig, nu > 0 ? Corruption.Masking(nu) : null);
    filterGrids.Add(Filters(model, $"First-layer filters, {nu:P0} masking noise"));
}
display(filterGrids[0]);

NotebookApp.Cell(30);
display(filterGrids[1]);

NotebookApp.Cell(31);
display(filterGrids[2]);

// The lecture also mentions the **contractive autoencoder** (Rifai et al., 2011), which asks for the same
// robustness explicitly: the code should hardly change when the input changes a little, so it penalises the
// squared Frobenius norm of the encoder's Jacobian,
//
// $$\lVert x - g(f(x)) \rVert + \lambda \lVert J(x) \rVert_F^2, \qquad \lVert J(x) \rVert_F^2 = \sum_{ij} \left( \frac{\partial f_j(x)}{\partial x_i} \right)^2 .$$
//
// The denoising autoencoder gets robustness to noise by training on it; the contractive one by a penalty.

// **Training it.** The penalty needs the Jacobian of the encoder at every training image. `ContractivePenalty` gets it
// from autograd: exactly, with one backward pass per code unit, or — what the training uses — with Hutchinson's
// unbiased estimate $\lVert J \rVert_F^2 = \mathbb{E}_v \lVert J^\top v \rVert^2$, $v \sim \mathcal N(0, I)$, one extra backward
// pass per step. As in the gradient penalty of notebook 06, the penalty is built with `create_graph`, so its gradient
// reaches the encoder's weights. We train the bottleneck autoencoder of section 1 (32-dimensional code) four ways from
// the same initialisation: plain, denoising (Gaussian noise, $\sigma = 0.3$) and contractive with two values of $\lambda$.

NotebookApp.Cell(34);
var caeLambdas = new[] { 1e-3, 1e-2 };
var caeConfig = bottleneckConfig with { Epochs = course.Profile.Pick(ci: 1, cpu: 3, gpu: 20), Seed = 3 };
var caeNoise = Corruption.Gaussian(0.3);
var robust = new Dictionary<string, BottleneckAutoencoder>();
BottleneckAutoencoder TrainBottleneck(string name, Corruption? corruption = null, double lambda = 0)
{
    Course.Seed(course.Seed);                                  // the same initialisation for every variant
    var model = new BottleneckAutoencoder(codeDim: 32).to(course.Device);
    var steps = caeConfig.MaxSteps ?? (long)caeConfig.Epochs * ((train.Count + caeConfig.BatchSize - 1) / caeConfig.BatchSize);
    var view = new TrainingView(name, steps).Show();
    // R(f, g) = λ ‖J_f(x)‖²_F on the clean batch (Rifai et al. 2011, eq. 2), estimated with one Gaussian probe
    Func<Tensor, Tensor>? penalty = lambda > 0 ? x => lambda * ContractivePenalty.Estimate(model.Encode, x) : null;
    AutoencoderTraining.Train(model, train, caeConfig, corruption, (s, l, n) => view.Report(s, l, n), penalty);
    view.Complete();
    return robust[name] = model;
}
TrainBottleneck("plain");
TrainBottleneck("denoising (σ = 0.3)", caeNoise);
foreach (var lambda in caeLambdas) TrainBottleneck($"contractive (λ = {lambda:G2})", lambda: lambda);
Console.WriteLine($"trained: {string.Join(", ", robust.Keys)}");

// What each one learned, on test digits: the reconstruction error of clean and of noisy inputs (against the clean
// image), the encoder's $\lVert J \rVert_F^2$ (exact, averaged over the images), and how far the code moves when the input
// gets a little Gaussian noise ($\delta \sim \mathcal N(0, 0.1^2)$ per pixel): $\lVert f(x + \delta) - f(x) \rVert / \lVert f(x) \rVert$.
// A contractive encoder should score a small Jacobian and a small code change; watch what it costs in reconstruction.

NotebookApp.Cell(36);
var probeX = test.Images[..200].to(course.Device);
var delta = randn(probeX.shape, generator: new Generator(31)).to(course.Device) * 0.1;
double CodeShift(BottleneckAutoencoder m)
{
    using var _ = no_grad();
    var (c0, c1) = (m.Encode(probeX), m.Encode(probeX + delta));
    return ((c1 - c0).norm(1) / c0.norm(1).clamp_min(1e-8)).mean().item<float>();
}
display(Table.From(robust.Select(kv => new
{
    Autoencoder = kv.Key,
    CleanMse = Math.Round(AutoencoderTraining.Evaluate(kv.Value, test).Mse, 4),
    NoisyInputMse = Math.Round(AutoencoderTraining.Evaluate(kv.Value, test, caeNoise).Mse, 4),
    JacobianFrobeniusSq = Math.Round(ContractivePenalty.Exact(kv.Value.Encode, probeX, createGraph: false).item<float>(), 3),
    CodeShift = Math.Round(CodeShift(kv.Value), 3),
}), $"Bottleneck autoencoders (code 32) on the test digits: reconstruction, ‖J‖²_F and the code's shift under N(0, 0.1²) noise"));
var noisyProbe = caeNoise.Apply(shown.to(course.Device), new Generator(33, course.Device));
Tensor[] reconstructions;
using (no_grad()) reconstructions = robust.Values.Select(m => m.forward(noisyProbe)).ToArray();
display(Rows($"noisy input (top), then {string.Join(" / ", robust.Keys)}", [noisyProbe, .. reconstructions]));

// How to read it: the denoising autoencoder was *trained* on noisy inputs, so compare its noisy-input error with the
// others'; the contractive ones were never shown noise, and their robustness, if any, comes from the penalty alone.
// Go down the rows: does a larger $\lambda$ shrink $\lVert J \rVert_F^2$ and the code shift, and what do the clean
// reconstructions pay for it? That trade-off is the $\lambda$ of Rifai et al.'s objective. (In the `ci` profile the
// networks train for a few steps only, and the rows say little.)

// ## 4. An autoencoder is not (yet) a generator
//
// Could we cut the trained network in two and use the **decoder** alone as a generator? We would need codes
// to feed it. The codes of real digits occupy some unknown region of the 196-dimensional code space. Let us
// draw random codes with the same mean and spread per coordinate as the codes of the test digits, and decode
// them:

NotebookApp.Cell(39);
Tensor testCodes;
using (no_grad()) testCodes = cat(test.Batches(500, device: course.Device, shuffle: false).Select(b => ae.Encode(b.Images).cpu()).ToList(), 0);
var (codeMean, codeStd) = (testCodes.mean([0]), testCodes.std(0));
var randomCodes = (codeMean + codeStd * randn(new long[] { 40, 4, 7, 7 }, generator: new Generator(3))).clamp_min(0); // codes come out of a ReLU
Tensor decodedRandom;
using (no_grad()) decodedRandom = ae.Decode(randomCodes.to(course.Device)).cpu();
display(ImageGrid.From(decodedRandom, nrow: 10, padValue: 0.5, title: "Conv autoencoder's decoder on 40 random codes"));

// Blots, not digits. The lecture's diagnosis: the plain autoencoder gives us no idea
//
// 1. **where to take codes from** ("compactness" of the latent space: where are the preimages of the objects?), and
// 2. whether the space between the codes of real images also decodes to something sensible (**density** of
//    the latent space, semantic robustness to noise).

// ## 5. The variational autoencoder (VAE)
//
// The VAE's two answers:
//
// 1. let the latent space **follow a known distribution**, the prior $p(z) = \mathcal N(0, I)$: then we know where to sample;
// 2. map each input not to a point but to a **distribution** $q(z \mid x) = \mathcal N(\mu(x), \operatorname{diag}\sigma^2(x))$,
//    and give the decoder *any* point of it: then the neighbourhood of every code must decode to the same digit.
//
// Training maximises the **evidence lower bound** (ELBO) on the log-likelihood, i.e. minimises
//
// $$-\mathrm{ELBO}(x) = \underbrace{\mathbb E_{q(z \mid x)}\!\left[-\log p(x \mid z)\right]}_{\text{reconstruction}}
// + \underbrace{\mathrm{KL}\!\left(q(z \mid x) \,\Vert\, p(z)\right)}_{\text{keeps codes near the prior}} \;\ge\; -\log p(x).$$
//
// With Bernoulli pixels the reconstruction term is the binary cross-entropy summed over the pixels, and for
// Gaussians the KL term has a closed form (Kingma and Welling 2014, appendix B):
//
// $$\mathrm{KL} = -\frac12 \sum_{j=1}^{d} \left(1 + \log \sigma_j^2 - \mu_j^2 - \sigma_j^2\right).$$
//
// The sample $z \sim q(z \mid x)$ must let gradients through, hence the **reparameterisation**
// $z = \mu + \sigma \odot \varepsilon$, $\varepsilon \sim \mathcal N(0, I)$. The model (`Networks/Vae.cs`) is
// fully connected, in the layout of PyTorch's VAE example, with a **2-D latent** so that we can draw it:
//
// ```csharp
// var h = relu(fc1.forward(x.flatten(1)));              // 784 -> 512
// var (mu, logVar) = (fc21.forward(h), fc22.forward(h)); // 512 -> 2, 2
// var z = mu + randn_like(mu) * (0.5 * logVar).exp();   // reparameterisation
// var logits = fc4.forward(relu(fc3.forward(z)));       // 2 -> 512 -> 784: Bernoulli logits
// var loss = bce_with_logits(logits, x, sum) / B + (-0.5 * (1 + logVar - mu^2 - logVar.exp()).sum(1)).mean();
// ```

// **Exercise 1.4 (derivation).** The encoder maps a digit to $q(z \mid x) = \mathcal N(\mu, \operatorname{diag}\sigma^2)$ with $\mu = (1, 0)$ and $\sigma = (1, 0.5)$. What is $\mathrm{KL}(q(z \mid x) \,\Vert\, \mathcal N(0, I))$ in nats, from the closed form above (natural logarithm)?
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("01.4")` in a new cell reveals the worked solution.

NotebookApp.Cell(43);
double klValue = double.NaN;   // KL for mu = (1, 0), sigma = (1, 0.5)
display(Exercise.Check("01.4", klValue));

// **Exercise 1.5 (code).** Write the KL term as a function of the encoder's outputs `mu` and `logVar` (both $[B, d]$, `logVar` $= \log\sigma^2$): $-\frac12 \sum_j (1 + \log\sigma_j^2 - \mu_j^2 - \sigma_j^2)$ summed over the $d$ latent dimensions and averaged over the batch. The check compares it with the library's `VaeLoss.Kl`, which the training below uses, on random inputs.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("01.5")` in a new cell reveals the worked solution.

NotebookApp.Cell(45);
Func<Tensor, Tensor, Tensor> kl = (mu, logVar) => throw new NotImplementedException();   // replace with the KL term per image, averaged over the batch
display(Exercise.Check("01.5", kl));

NotebookApp.Cell(46);
var vaeConfig = new VaeTrainingConfig(
    Epochs: course.Profile.Pick(ci: 2, cpu: 30, gpu: 50), BatchSize: 128, Lr: 1e-3, Objective: VaeObjective.Both,
    MaxSteps: course.Profile.Pick<long?>(ci: 10, cpu: null, gpu: null));
var vaeSteps = vaeConfig.MaxSteps ?? (long)vaeConfig.Epochs * ((train.Count + vaeConfig.BatchSize - 1) / vaeConfig.BatchSize);
Course.Seed(course.Seed);
var vae = new Vae(latentDim: 2, hidden: 512).to(course.Device);
var priorZ = randn(new long[] { 40, 2 }, generator: new Generator(5)).to(course.Device); // fixed prior samples for the live view
ImageGrid VaeSamples() { using (no_grad()) return ImageGrid.From(vae.Decode(priorZ).cpu(), nrow: 10, padValue: 0.5, title: "decoded z ~ N(0, I)"); }
var vaeView = new TrainingView("VAE (2-D latent)", vaeSteps, samples: VaeSamples).Show();
clock.Restart();
var vaeHistory = VaeTraining.Train(vae, train, vaeConfig, onStep: (s, l, n) => vaeView.Report(s, l, n));
vaeView.Complete();
Console.WriteLine($"{vaeHistory.Steps} steps in {clock.Elapsed.TotalSeconds:F0} s");

// The two terms during training (per image, moving averages). The reconstruction term falls quickly. The KL
// term starts near zero (an untrained encoder's $q(z \mid x)$ is close to the prior and carries no information),
// jumps to a few nats within the first steps, as the encoder starts to separate the digits, and then creeps up
// slowly: the price, in nats per image, of the information the 2-D code carries.

NotebookApp.Cell(48);
display(Charts.Lines("VAE: reconstruction term and -ELBO (nats per image)", "step", "nats",
    vaeHistory.ToSeries("reconstruction", 20, "reconstruction (BCE)"), vaeHistory.ToSeries("loss", 20, "-ELBO = reconstruction + KL")));

NotebookApp.Cell(49);
display(Charts.Lines("VAE: KL(q(z|x) || N(0, I)) (nats per image, moving average over 5 steps)", "step", "nats", vaeHistory.ToSeries("KL", 5, "KL")));

// On the **test** set (one sample of $z$ per image). The ELBO is a lower bound on $\log p(x)$ in nats per
// image; the reconstruction term is directly comparable with the autoencoders' BCE above, which had a
// 196-number code instead of 2 numbers and no KL price to pay.

NotebookApp.Cell(51);
var vaeMetrics = VaeTraining.Evaluate(vae, test);
Console.WriteLine($"VAE, test set: {vaeMetrics}");
Console.WriteLine($"(conv autoencoder for comparison: BCE {aeError.BcePerImage:F1} nats per image)");
Tensor vaeRecon;
using (no_grad()) vaeRecon = vae.Decode(vae.Encode(shown.to(course.Device)).Mu);
display(Rows("VAE: test inputs (top), reconstructions from mu (bottom)", shown, vaeRecon));

// ### The latent space
//
// Each test digit's mean code $\mu(x)$, coloured by class. The KL term pulls all codes towards the prior
// $\mathcal N(0, I)$ (most points within $|z_j| < 3$), and the classes form regions that touch: there are no
// large empty gaps.

NotebookApp.Cell(53);
Series[] ByClass(Tensor points, long[] labels, IReadOnlyList<string> names)
{
    var p = points.detach().cpu().to(float64).data<double>().ToArray();
    return Enumerable.Range(0, names.Count).Select(c =>
    {
        var idx = Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray();
        return new Series(names[c], idx.Select(i => p[2 * i]).ToArray(), idx.Select(i => p[2 * i + 1]).ToArray());
    }).ToArray();
}
var vaeMu = VaeTraining.EncodeMeans(vae, test);
display(Charts.Scatter("VAE latent space: test codes mu(x) by class", "z1", "z2", ByClass(vaeMu, testLabels, test.ClassNames)));

// ### Varying the two coordinates of $z$
//
// The lecture's figure: decode a lattice of latent points. The coordinates are the quantiles of
// $\mathcal N(0, 1)$ at probabilities evenly spaced from 0.05 to 0.95 ($z_j = \Phi^{-1}(p)$), so every cell
// covers the same prior mass. Digits morph smoothly into each other, and the two coordinates can carry
// interpretable features (slant, thickness, class).

NotebookApp.Cell(55);
var manifoldN = 15;
var lattice = VaeTraining.GaussianLattice(manifoldN, 0.05, 0.95);
Tensor manifold;
using (no_grad()) manifold = vae.Decode(lattice.to(course.Device)).cpu();
display(ImageGrid.From(manifold, nrow: manifoldN, padding: 0, title: $"Decoded {manifoldN}x{manifoldN} lattice: z1 left to right, z2 bottom to top, from -1.64 to 1.64"));

// And the real test of a generator: decode **random** $z \sim \mathcal N(0, I)$. Compare with the plain
// autoencoder's random codes in section 4.

NotebookApp.Cell(57);
Tensor vaeSamples;
using (no_grad()) vaeSamples = vae.Decode(randn(new long[] { 40, 2 }, generator: new Generator(11)).to(course.Device)).cpu();
display(ImageGrid.From(vaeSamples, nrow: 10, padValue: 0.5, title: "VAE: decoded z ~ N(0, I)"));

// ## 6. Only reconstruction, only KL, or both
//
// The lecture's comparison (after *Intuitively understanding variational autoencoders*): train the same VAE on
//
// * **only the reconstruction loss**: an autoencoder with noisy codes; nothing keeps the codes near the prior,
//   so the classes spread out far from the origin, with gaps between them that decode to nonsense;
// * **only the KL divergence**: every $q(z \mid x)$ becomes $\mathcal N(0, I)$ whatever $x$ is, the code carries
//   no information, and the decoder (which the KL term does not even reach) learns nothing;
// * **both**: the VAE of section 5, codes near the prior *and* informative.

// **Exercise 1.6 (predict).** The cell below trains the same VAE on the KL term alone and prints how far the decoder's last bias moved. Predict: during that training the decoder's weights (a) learn to draw the average digit, (b) do not change at all, (c) grow without bound.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("01.6")` in a new cell reveals the worked solution.

NotebookApp.Cell(60);
string prediction = "";   // "a", "b" or "c"
display(Exercise.Check("01.6", prediction));

NotebookApp.Cell(61);
var objectives = new[] { VaeObjective.ReconstructionOnly, VaeObjective.KlOnly };
var vaes = new Dictionary<VaeObjective, Vae> { [VaeObjective.Both] = vae };
var histories = new Dictionary<VaeObjective, LossHistory> { [VaeObjective.Both] = vaeHistory };
foreach (var objective in objectives)
{
    Course.Seed(course.Seed);
    var v = new Vae(latentDim: 2, hidden: 512).to(course.Device);
    var decoderBefore = v.parameters().Last().detach().clone();
    histories[objective] = VaeTraining.Train(v, train, vaeConfig with { Objective = objective });
    vaes[objective] = v;
    var moved = (v.parameters().Last() - decoderBefore).abs().max().item<float>();
    Console.WriteLine($"{objective}: {histories[objective].Steps} steps; largest change of the decoder's last bias: {moved:G3}");
}

NotebookApp.Cell(62);
Console.WriteLine($"{"objective",-20} {"reconstruction",15} {"KL",8} {"ELBO",9} {"spread of mu",13}   (test set, nats per image; spread = root mean square of mu)");
foreach (var objective in new[] { VaeObjective.ReconstructionOnly, VaeObjective.KlOnly, VaeObjective.Both })
{
    var m = VaeTraining.Evaluate(vaes[objective], test);
    var rms = VaeTraining.EncodeMeans(vaes[objective], test).pow(2).mean().sqrt().item<float>();
    Console.WriteLine($"{objective,-20} {m.Reconstruction,15:F1} {m.Kl,8:F2} {m.Elbo,9:F1} {rms,13:F3}");
}

// The three latent maps (note the axis ranges): only reconstruction spreads the classes far and wide, only KL
// piles every digit onto the same cloud around the origin, both keeps classes apart *and* inside the prior.

NotebookApp.Cell(64);
display(Charts.Scatter("Only reconstruction loss: test codes mu(x)", "z1", "z2", ByClass(VaeTraining.EncodeMeans(vaes[VaeObjective.ReconstructionOnly], test), testLabels, test.ClassNames)));

NotebookApp.Cell(65);
display(Charts.Scatter("Only KL divergence: test codes mu(x)", "z1", "z2", ByClass(VaeTraining.EncodeMeans(vaes[VaeObjective.KlOnly], test), testLabels, test.ClassNames)));

NotebookApp.Cell(66);
display(Charts.Scatter("Combination (the VAE): test codes mu(x)", "z1", "z2", ByClass(vaeMu, testLabels, test.ClassNames)));

// Random samples $z \sim \mathcal N(0, I)$ through each decoder (the same $z$ for all three). Only
// reconstruction: many samples fall between or outside the class regions and decode to blends or blots. Only KL:
// the decoder never received a gradient (its weights did not move, see above), so every sample is the same
// untrained grey haze. Both: digits.

NotebookApp.Cell(68);
var compareZ = randn(new long[] { 30, 2 }, generator: new Generator(13)).to(course.Device);
ImageGrid Samples(VaeObjective o, string title) { using (no_grad()) return ImageGrid.From(vaes[o].Decode(compareZ).cpu(), nrow: 10, padValue: 0.5, title: title); }
display(Samples(VaeObjective.ReconstructionOnly, "Only reconstruction: decoded z ~ N(0, I)"));

NotebookApp.Cell(69);
display(Samples(VaeObjective.KlOnly, "Only KL: decoded z ~ N(0, I)"));

NotebookApp.Cell(70);
display(Samples(VaeObjective.Both, "Both (VAE): decoded z ~ N(0, I)"));

// ## 7. From decoding noise to GANs
//
// The VAE is a generator: draw $z \sim \mathcal N(0, I)$, run the decoder, get a digit. Two things hold it
// back, and both point to the next notebooks.
//
// * **Blur.** The decoder is trained to reproduce each image *pixel by pixel* from a noisy code. When a code
//   could belong to several images, the pixel-wise loss is smallest for their average, so the samples above
//   are smooth and blurry. A per-pixel loss cannot say "this is a sharp, plausible digit".
// * **An explicit, approximate likelihood.** The VAE maximises a lower bound on $\log p(x)$ and needs an encoder
//   to do it.
//
// A **GAN** keeps only the decoder, now called the **generator** $G(z)$, and drops the encoder and the
// reconstruction loss altogether. Instead a second network, the **discriminator**, learns to tell real images
// from generated ones, and the generator is trained to fool it: the discriminator *is* a learned, differentiable
// loss function that judges whole images, and there is no density to write down (an *implicit* density model).
// The lecture summarises the three families:
//
// | model | objective |
// |---|---|
// | VAE | maximise the ELBO |
// | flow-based models | minimise the negative log-likelihood |
// | GAN | minimax the classification error of a discriminator |
//
// Notebook 02 starts with the latent space and a naive generator trained without any discriminator, and shows
// why it fails; notebook 03 adds the discriminator.

// ## 8. A number for sample quality
//
// The grids above are judged by eye. GAN papers also report a **number**: the Fréchet Inception Distance (FID,
// Heusel et al. 2017) runs real and generated images through a pretrained classifier, fits a Gaussian to the
// features of each set, and measures the distance between the two Gaussians:
//
// $$\mathrm{FD} = \lVert \mu_r - \mu_g \rVert^2 + \operatorname{Tr}\!\left(\Sigma_r + \Sigma_g - 2\,(\Sigma_r \Sigma_g)^{1/2}\right).$$
//
// The Inception network's weights cannot be downloaded here, so the kit uses its own small CNN, trained on the
// real training digits and shipped in `data/classifiers/mnist.bin` (`FeatureClassifier`, in
// [Metrics/Classifier.cs](../lib/GanCourse/Metrics/Classifier.cs)); its 128-d penultimate features replace
// Inception's. The numbers are therefore labelled **FD**, not FID, and are **not comparable** to published FIDs
// (TF-GAN's MNIST evaluation does the same with its own classifier). Next to it, the **kernel distance** KID
// (Bińkowski et al. 2018): the unbiased estimate of the squared maximum mean discrepancy with the kernel
// $k(x, y) = (x^\top y / d + 1)^3$, averaged over random subsets; its expected value is 0 when both sets come from
// the same distribution. Lower is better for both. The column "FD real test" is the floor: the FD of the real
// test digits to the real training digits, which no generator can be expected to beat with as many samples.
//
// We measure 2,000 images of every generator of this notebook (FD is biased upwards for small sets, so compare
// rows with the same number of samples). The metrics expect images in $[-1, 1]$: our decoders output $[0, 1]$,
// so we map $x \mapsto 2x - 1$ first.

NotebookApp.Cell(73);
var evalN = 2000;
Tensor ToTanh(Tensor x) => x.cpu().mul(2).sub_(1);
var evalZ = randn(new long[] { evalN, 2 }, generator: new Generator(17)).to(course.Device);
var quality = new List<QualityReport>();
using (no_grad())
{
    quality.Add(ImageQuality.Evaluate("mnist", ToTanh(test.Images), $"real test digits ({test.Count})", test.Labels));
    quality.Add(ImageQuality.Evaluate("mnist", ToTanh(cat(test.Batches(500, device: course.Device, shuffle: false)
        .Select(b => vae.Decode(vae.Encode(b.Images).Mu).cpu()).ToList(), 0)), "VAE reconstructions of the test digits", test.Labels));
    var aeCodes = (codeMean + codeStd * randn(new long[] { evalN, 4, 7, 7 }, generator: new Generator(19))).clamp_min(0);
    quality.Add(ImageQuality.Evaluate("mnist", ToTanh(ae.Decode(aeCodes.to(course.Device))), "conv autoencoder's decoder on random codes"));
    quality.Add(ImageQuality.Evaluate("mnist", ToTanh(vaes[VaeObjective.ReconstructionOnly].Decode(evalZ)), "only reconstruction: decoded z ~ N(0, I)"));
    quality.Add(ImageQuality.Evaluate("mnist", ToTanh(vaes[VaeObjective.KlOnly].Decode(evalZ)), "only KL: decoded z ~ N(0, I)"));
    quality.Add(ImageQuality.Evaluate("mnist", ToTanh(vae.Decode(evalZ)), "VAE (both): decoded z ~ N(0, I)"));
}
display(ImageQuality.ToTable(quality, $"Notebook 01, MNIST: FD and KID on the kit's classifier features ({evalN} samples per generator; not comparable to Inception FID)"));

NotebookApp.Cell(74);
// built from this run's table, so the text always describes the run above
var (realQ, reconQ, generators) = (quality[0], quality[1], quality.Skip(2).ToList());
var (bestQ, worstQ) = (generators.MinBy(q => q.FD)!, generators.MaxBy(q => q.FD)!);
display(Prose.From(new[]
{
    $"**What this run measured** ({course.Profile.Name()} profile, {evalN:N0} samples per generator):",
    $"* The real test digits: FD {realQ.FD:G3}, KID {realQ.KID * 1000:F1} ± {realQ.KIDStd * 1000:F1} ×10⁻³; the classifier reads {100 * realQ.Accuracy:F1}% of them correctly.\n" +
    $"* The generators: FD from {bestQ.FD:F1} ({bestQ.Run}) to {worstQ.FD:F1} ({worstQ.Run}), {bestQ.FD / realQ.FD:F0} to {worstQ.FD / realQ.FD:F0} times the real digits' value.\n" +
    $"* The VAE's reconstructions of the test digits: FD {reconQ.FD:F1}; the classifier reads the right digit in {100 * reconQ.Accuracy:F1}% of them.",
}));

// How to read it:
//
// * The real test digits sit on the floor: their FD is what a perfect generator would score with as many samples,
//   their KID is within its spread of 0 (an unbiased estimate can come out negative), and the classifier's accuracy
//   on them is its test accuracy.
// * A generator whose FD is many times the floor does not pass for real digits. The "only KL" decoder ignores its
//   input, so its grey haze should be among the worst rows.
// * The VAE's reconstructions keep the right class only as often as a code of two numbers can separate the digits;
//   blurry reconstructions lower the classifier's accuracy.
// * FD compares the statistics of the classifier's features, and those respond to sharp, high-contrast strokes. So
//   the autoencoder's decoder on random codes (the blots of section 4, sharp but not digits) can score an FD as good
//   as, or better than, the VAE's blurry but recognisable digits: compare the two rows of your table. Blur costs a
//   lot of FD (the FID paper's own disturbance experiments include blur), and a low FD does not guarantee a
//   recognisable object.
//
// So the numbers measure something real, but they do not replace looking at the samples. In the GAN notebooks we use
// them next to the grids, to compare runs with the same number of samples.

// ## Takeaways
//
// **Key formulas**
//
// * Autoencoder: $\mathcal{L}(f, g) = \lVert x - g(f(x)) \rVert^2 + R(f, g) \to \min$; the **denoising** one reconstructs the clean $x$ from a corrupted $\tilde x$: $\lVert x - g(f(\tilde x)) \rVert + R(f, g) \to \min$.
// * Contractive autoencoder: the penalty $\lambda \lVert J(x) \rVert_F^2 = \lambda \sum_{ij} \left( \partial f_j(x) / \partial x_i \right)^2$ on the encoder's Jacobian.
// * VAE: minimise $-\mathrm{ELBO}(x) = \mathbb E_{q(z \mid x)}\!\left[-\log p(x \mid z)\right] + \mathrm{KL}\!\left(q(z \mid x) \,\Vert\, p(z)\right) \ge -\log p(x)$, with the closed form $\mathrm{KL} = -\frac12 \sum_j \left(1 + \log \sigma_j^2 - \mu_j^2 - \sigma_j^2\right)$.
// * Reparameterisation: $z = \mu + \sigma \odot \varepsilon$, $\varepsilon \sim \mathcal N(0, I)$, so that gradients pass through the sample.
// * Sample quality: $\mathrm{FD} = \lVert \mu_r - \mu_g \rVert^2 + \operatorname{Tr}\!\left(\Sigma_r + \Sigma_g - 2\,(\Sigma_r \Sigma_g)^{1/2}\right)$ on the kit's classifier features (not comparable to published FIDs).
//
// **What the measurements showed** (read them off your run's outputs above)
//
// * Section 1: go down the rows of reconstructions and compare the test errors of the code sizes $k$: what does the narrowest code keep, and at which $k$ do the strokes come back?
// * Section 3's table: for each corruption, compare the *denoising AE* column with *noisy input* (doing nothing) and *plain AE*.
// * Sections 4–6: random codes through the plain decoder against random $z$ through the VAE; in the *only reconstruction / only KL / both* table, look at the KL and *spread of mu* columns next to the axis ranges of the three latent maps.
// * Section 8: compare every generator's FD with the *real test digits* floor, and the autoencoder's blots with the VAE's blurry digits: a low FD does not guarantee a recognisable digit.
//
// **Discussion questions**
//
// 1. Why does a pixel-wise reconstruction loss make the VAE's samples blurry, and what would a loss need to "know" to prefer one sharp digit over the average of several? (Notebook 03's answer: a discriminator.)
// 2. In the *only KL* run the decoder did not move. Why does the KL term send no gradient to the decoder, and what does each term of the ELBO contribute on its own?
// 3. The plain autoencoder's decoder on random codes can score an FD as good as the VAE's samples. What does FD actually compare, and what else would you check before calling one generator better?

NotebookApp.End();
