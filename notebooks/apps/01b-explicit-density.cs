// Generated from 01b-explicit-density.ipynb by `dotnet run --project tools/GanCourse.Runner -- --export-apps`; do not edit: change the notebook and regenerate.
// Runs the lesson with no notebook host:  dotnet run notebooks/apps/01b-explicit-density.cs
// GANCOURSE_PROFILE=ci|cpu|gpu picks the profile; the displayed values go to output/apps/01b-explicit-density.html.
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

NotebookApp.Start("01b-explicit-density", "ac04c3514444fe68");

// # 01b · Explicit-density models: PixelCNN, normalizing flows and the VAE's bound
//
// Notebook 01 ended with the lecture's summary of three families of generative models. Before we build GANs, this
// notebook puts them in the **taxonomy of generative models** and trains the two families with an *exact* likelihood.
// The lecture (after Kitov's slides) starts from density estimation: given $x_1, \dots, x_N \sim p(x)$, approximate
// $p$ with a model $q_\theta$.
//
// * **Explicit density**: write $q_\theta(x)$ down and fit $\theta$ by maximum likelihood,
//   $$\hat\theta = \arg\max_\theta \frac1N \sum_{n=1}^N \ln q_\theta(x_n) = \arg\min_\theta \mathrm{KL}(p \,\Vert\, q_\theta).$$
//   * *tractable*: $\ln q_\theta(x)$ can be computed exactly: **autoregressive models** (PixelRNN / PixelCNN, van den
//     Oord et al. 2016) and **normalizing flows** (RealNVP, Dinh et al. 2017; Glow);
//   * *approximate*: only a bound can be computed: the **VAE** maximises the ELBO $\le \ln q_\theta(x)$.
// * **Implicit density** (the GAN): do not estimate $q_\theta(x)$ at all, build a *sampler* $x = G(z)$ instead, and
//   replace the hard problem (a density in many dimensions) by an easier one (a classifier). "Unlike PixelCNN and the
//   VAE there is no explicit density function."
//
// | family | objective | $\log p(x)$ | sampling | latent space |
// |---|---|---|---|---|
// | autoregressive (PixelCNN) | exact NLL | exact | $D$ sequential passes | none |
// | flow (RealNVP) | exact NLL | exact | one pass of $f^{-1}$ | $z = f(x)$, same size as $x$, exact inference |
// | VAE | ELBO | lower bound | one decoder pass | $z \sim q(z \mid x)$, approximate inference |
// | GAN | minimax game | none | one generator pass | $z$, no encoder |
//
// We measure every column of that table on this run: the likelihood in **bits per dimension**, the time to draw
// samples, and what the latent space gives. The models are in `lib/GanCourse/Networks/MaskedConv2d.cs`,
// `PixelCnn.cs`, `AffineCoupling.cs` and `RealNvp.cs`; they train in `Training/PixelCnnTraining.cs` (the course's
// supervised loop) and `Training/FlowTraining.cs`.

NotebookApp.Cell(2);
var course = Course.Init();

// ## 0. Binarised MNIST
//
// PixelCNN's MNIST experiments (van den Oord et al. 2016, section 5) use **binarised** digits: every pixel is 0 or 1,
// so each conditional is a Bernoulli (a 2-way softmax instead of the 256-way softmax of natural images). We threshold
// the grey levels at 0.5. To keep the CPU run to minutes we also **downsample to 14×14** (average of each 2×2 block,
// then the threshold): $D = 196$ pixels per image instead of 784. The `gpu` profile keeps 14×14 as well, so its
// numbers compare with this run's; the paper's 28×28 numbers do not compare with either (see below).

NotebookApp.Cell(4);
var side = 14;                                   // 28 / 2: each pixel is the mean of a 2x2 block, then thresholded
var grey = ImageDataset.Mnist("train", subset: course.Profile.Pick<int?>(ci: 600, cpu: null, gpu: null), range: PixelRange.Unit);
var greyTest = ImageDataset.Mnist("test", subset: course.Profile.Pick<int?>(ci: 200, cpu: null, gpu: null), range: PixelRange.Unit);
var train = grey.Binarize(threshold: 0.5, downsample: 28 / side);
var test = greyTest.Binarize(threshold: 0.5, downsample: 28 / side);
var dims = side * side;
Console.WriteLine($"binarised {train}");
Console.WriteLine($"binarised {test}; D = {dims} pixels per image");
var shown = test.Images[..16];
display(ImageGrid.From(shown, nrow: 8, padValue: 0.5, title: $"Sixteen binarised {side}x{side} test digits"));

// **Bits per dimension.** A model's negative log-likelihood of an image is in nats; divided by the number of
// dimensions and by $\ln 2$ it becomes the number of **bits per dimension**,
// $$\text{bits/dim} = \frac{-\ln q_\theta(x)}{D \ln 2},$$
// the average code length per pixel an entropy coder driven by the model would need. It compares models of the
// same data regardless of image size.
//
// **Exercise 1b.1 (derivation).** A model that ignores the data and gives every pixel probability $\frac12$ of being
// 1: how many bits per dimension does it cost on any binary image?
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("01b.1")` in a new cell reveals the worked solution.

NotebookApp.Cell(6);
double uniformBits = double.NaN;   // bits per pixel of the model p(x_i = 1) = 1/2
display(Exercise.Check("01b.1", uniformBits));

// ## 1. PixelCNN: an autoregressive model with masked convolutions
//
// An autoregressive model writes the joint density as a product of conditionals in a fixed order, here the raster
// order (row by row, left to right):
// $$p(x) = \prod_{i=1}^{D} p(x_i \mid x_1, \dots, x_{i-1}), \qquad p(x_i = 1 \mid x_{<i}) = \sigma\big(\ell_i(x_{<i})\big).$$
// Every factor is a proper distribution, so $-\ln p(x) = \sum_i \mathrm{BCE}(\sigma(\ell_i), x_i)$ is **exact**, and
// we train on it directly. PixelRNN computes $\ell_i$ with LSTMs; PixelCNN with convolutions whose kernels are
// **masked** so that position $i$ never sees a pixel at or after $i$ ("masking, for honest generation"):
//
// * **mask A** (first layer): the kernel's rows above the centre and the centre row *left* of the centre;
// * **mask B** (later layers): the same plus the centre itself: feature $i$ of a layer already depends only on $x_{<i}$.
//
// Our model (`Networks/PixelCnn.cs`) is the paper's: a 7×7 mask-A convolution, residual blocks around a 3×3 mask-B
// convolution, two 1×1 convolutions, one logit per pixel. The masks (white = weight kept):

NotebookApp.Cell(8);
ImageGrid MaskPicture(MaskType type, int k) =>
    ImageGrid.From(MaskedConv2d.Mask(type, k), padding: 1, padValue: 0.5, title: $"mask {type}, {k}x{k}", scale: 24);
display(MaskPicture(MaskType.A, 7));
display(MaskPicture(MaskType.B, 3));
Console.WriteLine("mask A, 7x7:\n" + string.Join("\n", Enumerable.Range(0, 7).Select(r =>
    string.Join(" ", MaskedConv2d.Mask(MaskType.A, 7)[r].data<float>().ToArray().Select(v => v.ToString("0"))))));

// **Exercise 1b.2 (predict).** Why must the *first* layer use mask A, while later layers may use mask B? If the
// first layer used mask B, training would (a) be slower but reach the same likelihood, (b) reach a near-zero
// negative log-likelihood by copying each pixel from the input into its own prediction, and give useless samples,
// (c) fail to start, because the gradients would vanish.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("01b.2")` in a new cell reveals the worked solution.

NotebookApp.Cell(10);
string maskAnswer = "";   // "a", "b" or "c"
display(Exercise.Check("01b.2", maskAnswer));

// ### What one output sees: the receptive field by gradient
//
// Which input pixels does the logit at position $(i, j)$ depend on? Autograd answers exactly:
// $\lvert \partial \ell_{ij} / \partial x \rvert$ is non-zero only where $x$ influences $\ell_{ij}$
// (`PixelCnn.ReceptiveField`, at a random input). Below, for an output near the middle of the image: **red** = the
// pixel itself, **white** = inputs it depends on, **dark blue** = the "future" (at or after it in raster order),
// **black** = past pixels it does *not* see. For one 7×7 mask-A layer the field is the mask itself. Stacking 3×3
// mask-B layers grows it upwards and to the left, but the region to the upper right stays black: the **blind spot**
// of stacked masked convolutions, which the Gated PixelCNN (van den Oord et al. 2016b) removes by splitting the stack
// into a vertical and a horizontal one.

NotebookApp.Cell(12);
ImageGrid FieldPicture(Func<Tensor, Tensor> net, int h, int w, int row, int col, string title)
{
    var seen = PixelCnn.ReceptiveField(net, h, w, row, col).gt(0).to(float32);
    var raster = arange(h * w).view(h, w);
    var future = raster.ge(row * w + col).to(float32);
    var rgb = stack([seen, seen, seen * (1 - future) + 0.35f * future * (1 - seen)], 0);
    rgb[.., row, col] = tensor(new float[] { 1, 0, 0 });
    return ImageGrid.From(rgb, title: title, scale: 12);
}
Course.Seed(course.Seed);
var (fh, fw, fr, fc) = (18, 18, 11, 9);
var oneLayer = new MaskedConv2d(MaskType.A, 1, 4, 7);
var stackA = new MaskedConv2d(MaskType.A, 1, 4, 3);
var stackB = Enumerable.Range(0, 5).Select(_ => new MaskedConv2d(MaskType.B, 4, 4, 3)).ToList();
Tensor Stacked(Tensor x) { var h = stackA.forward(x); foreach (var l in stackB) h = l.forward(h); return h; }
display(FieldPicture(oneLayer.forward, fh, fw, fr, fc, "one 7x7 mask-A layer"));
display(FieldPicture(Stacked, fh, fw, fr, fc, "3x3 mask A + five 3x3 mask B: the blind spot to the upper right"));
var fieldModel = new PixelCnn(hidden: 16, residualBlocks: 4);
display(FieldPicture(fieldModel.forward, fh, fw, fr, fc, "the notebook's PixelCNN (7x7 A + four residual 3x3 B blocks)"));

// ### Training by maximum likelihood
//
// The loss is the exact negative log-likelihood of a batch, in nats per image (`PixelCnn.NegativeLogLikelihood`):
// one forward pass gives all $D$ logits at once, because the masks make every output causal:
//
// ```csharp
// var logits = model.forward(x);                                           // (B, 1, 14, 14): all D conditionals in one pass
// var nll = binary_cross_entropy_with_logits(logits, x, reduction: Sum) / B; // -log p(x), nats per image
// ```
//
// Training is therefore as fast as for any CNN. The live view shows the loss and, for eight test digits, the model's
// $p(x_{ij} = 1 \mid x_{<ij})$ for every pixel given the true pixels before it (top: the digits, bottom: the
// predictions).

NotebookApp.Cell(14);
var pixelConfig = new PixelCnnTrainingConfig(
    Epochs: course.Profile.Pick(ci: 1, cpu: 5, gpu: 30), BatchSize: 64, Lr: 1e-3,
    MaxSteps: course.Profile.Pick<long?>(ci: 20, cpu: null, gpu: null));
var (pixelHidden, pixelBlocks) = course.Profile.Pick(ci: (16, 2), cpu: (32, 4), gpu: (64, 6));
display(pixelConfig);

NotebookApp.Cell(15);
Course.Seed(course.Seed);
var pixelCnn = new PixelCnn(pixelHidden, pixelBlocks).to(course.Device);
Console.WriteLine($"PixelCNN: hidden {pixelHidden}, {pixelBlocks} residual blocks, {pixelCnn.parameters().Sum(p => p.numel()):N0} parameters");
var probe = test.Images[..8].to(course.Device);
ImageGrid PixelPredictions() { using (no_grad()) return ImageGrid.From(cat([probe, sigmoid(pixelCnn.forward(probe))], 0).cpu(), nrow: 8, padValue: 0.5, title: "test digits / p(pixel = 1 | pixels before it)"); }
var pixelSteps = Math.Min(pixelConfig.MaxSteps ?? long.MaxValue, (long)pixelConfig.Epochs * ((train.Count + pixelConfig.BatchSize - 1) / pixelConfig.BatchSize));
var pixelView = new TrainingView("PixelCNN, NLL in nats per image", pixelSteps, samples: PixelPredictions).Show();
var pixelClock = System.Diagnostics.Stopwatch.StartNew();
var pixelHistory = PixelCnnTraining.Train(pixelCnn, train, pixelConfig, onStep: (s, l, n) => pixelView.Report(s, l, n));
pixelView.Complete();
var pixelSeconds = pixelClock.Elapsed.TotalSeconds;
var pixelTest = PixelCnnTraining.Evaluate(pixelCnn, test);
Console.WriteLine($"{pixelHistory.Steps} steps in {pixelSeconds:F0} s; test NLL {pixelTest.NatsPerImage:F2} nats per image = {pixelTest.BitsPerDim:F4} bits/dim (1 bit/dim = a coin per pixel)");

// ### Sampling pixel by pixel
//
// Sampling cannot be parallel: $x_{ij}$ can only be drawn once every pixel before it is known. So we start from an
// empty canvas, run the whole network, draw pixel $(0, 0)$ from its Bernoulli, run the network again for pixel
// $(0, 1)$, and so on: **$D$ forward passes** for one batch of images (`PixelCnn.Sample`). The view below fills in
// row by row (in a headless run it shows the final grid).
//
// **Exercise 1b.3 (predict).** How many forward passes of the network does drawing one batch of $14 \times 14$
// images take? And a GAN generator of the same images?
//
// Put your answer (for the PixelCNN) in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("01b.3")` in a new cell reveals the worked solution.

NotebookApp.Cell(17);
double passes = double.NaN;   // forward passes of the PixelCNN to sample one batch of 14x14 images
display(Exercise.Check("01b.3", passes));

NotebookApp.Cell(18);
var sampleCount = 32;
Tensor canvas = zeros(1, 1, side, side);
var sampleView = new TrainingView("PixelCNN sampling, rows done", side,
    samples: () => ImageGrid.From(canvas, nrow: 8, padValue: 0.5, title: "PixelCNN samples, filling in row by row")).Show();
var sampleClock = System.Diagnostics.Stopwatch.StartNew();
var pixelSamples = pixelCnn.Sample(sampleCount, side, side, new Generator(7, course.Device), onRow: (row, x) =>
{
    canvas = x.cpu();
    sampleView.Report(row + 1, new Dictionary<string, float>(), sampleCount);
}).cpu();
var pixelSampleSeconds = sampleClock.Elapsed.TotalSeconds;
canvas = pixelSamples;
sampleView.Complete();
Console.WriteLine($"{sampleCount} samples: {dims} forward passes in {pixelSampleSeconds:F2} s");

// ### Why it is slow: against one generator pass
//
// A GAN generator makes the same images in **one** forward pass. We time both on a batch of 32: the PixelCNN's
// $D$ passes, a single PixelCNN pass (what training costs per batch, forward only), and the kit's DCGAN generator
// (`DcganGenerator`, 16×16 output, with a comparable number of parameters; untrained, which does not change its speed).
// Each is timed as the median of a few repeats.

NotebookApp.Cell(20);
// reading one value back waits for the device to finish (CUDA runs asynchronously), so the clock measures the work
void Done(Tensor t) { using (t) t.flatten()[0].item<float>(); }
double MedianMs(Action a, int repeats)
{
    a();                                                    // warm-up
    var t = new List<double>();
    for (var k = 0; k < repeats; k++) { var sw = System.Diagnostics.Stopwatch.StartNew(); a(); t.Add(sw.Elapsed.TotalMilliseconds); }
    return t.Order().ElementAt(repeats / 2);
}
Course.Seed(course.Seed);
var dcgan = new DcganGenerator(latentDim: 32, imgSize: 16, baseChannels: 16).to(course.Device);
dcgan.eval();
var timeZ = randn(sampleCount, 32).to(course.Device);
var timeX = test.Images[..sampleCount].to(course.Device);
var repeats = course.Profile.Pick(ci: 1, cpu: 3, gpu: 5);
double pixelSampleMs, pixelPassMs, ganPassMs;
using (no_grad())
{
    pixelSampleMs = MedianMs(() => Done(pixelCnn.Sample(sampleCount, side, side, new Generator(8, course.Device))), repeats);
    pixelPassMs = MedianMs(() => Done(pixelCnn.forward(timeX)), 5 * repeats);
    ganPassMs = MedianMs(() => Done(dcgan.forward(timeZ)), 5 * repeats);
}
display(Table.From(new[]
{
    new { Model = "PixelCNN: sample (D passes)", Parameters = pixelCnn.parameters().Sum(p => p.numel()), Passes = dims, Milliseconds = Math.Round(pixelSampleMs, 1) },
    new { Model = "PixelCNN: one pass (training, likelihood)", Parameters = pixelCnn.parameters().Sum(p => p.numel()), Passes = 1, Milliseconds = Math.Round(pixelPassMs, 2) },
    new { Model = "DCGAN generator: sample", Parameters = dcgan.parameters().Sum(p => p.numel()), Passes = 1, Milliseconds = Math.Round(ganPassMs, 2) },
}, $"Time to make {sampleCount} images of {side}x{side} on {course.Device} (median of {repeats} runs)"));
Console.WriteLine($"sampling / one pass = {pixelSampleMs / pixelPassMs:F0} (D = {dims}); PixelCNN sampling / DCGAN sampling = {pixelSampleMs / ganPassMs:F0}");

// The samples: strokes that connect and digit-like shapes, but at this training budget many are not clearly
// digits (the paper trains far longer, on 28×28, with many more feature maps). The likelihood is
// good long before samples look good; the two measure different things. For scale: the paper reports
// 81.30 nats per image for its PixelCNN on 28×28 binarised MNIST (Table 4; 79.20 for the 7-layer Diagonal BiLSTM),
// about 0.15 bits/dim over 784 pixels. That number is not comparable with this notebook's: our images are 14×14,
// each pixel summarises a 2×2 block (harder to predict from its neighbours than a pixel of a smooth 28×28 digit),
// and the paper binarises stochastically rather than at 0.5.

NotebookApp.Cell(22);
display(ImageGrid.From(pixelSamples, nrow: 8, padValue: 0.5, title: $"{sampleCount} PixelCNN samples (binary, {side}x{side}); test NLL {pixelTest.BitsPerDim:F3} bits/dim"));

// ## 2. The VAE on the same data: a bound, not a likelihood
//
// Notebook 01's VAE (`Networks/Vae.cs`, trained with `VaeTraining`), now on the same binarised 14×14 digits and with
// a larger latent (8 dimensions) for a better fit. Its per-pixel Bernoulli decoder reads binary pixels exactly as the
// PixelCNN does, so the numbers share a unit. But the VAE cannot compute $\ln p(x)$: it computes the ELBO,
// $$\ln p(x) \;\ge\; \mathrm{ELBO}(x) = \mathbb E_{q(z \mid x)}[\ln p(x \mid z)] - \mathrm{KL}(q(z \mid x) \,\Vert\, p(z)),$$
// so $-\mathrm{ELBO}/(D \ln 2)$ is an **upper bound** on the VAE's bits/dim. (A tighter estimate needs importance
// sampling, as in Burda et al.'s IWAE; the true value lies somewhere below the bound.) Its decoder's pixels are
// independent given $z$; the PixelCNN's depend on each other.

NotebookApp.Cell(24);
var vaeConfig = new VaeTrainingConfig(Epochs: course.Profile.Pick(ci: 1, cpu: 10, gpu: 50), BatchSize: 128, Lr: 1e-3,
    MaxSteps: course.Profile.Pick<long?>(ci: 20, cpu: null, gpu: null));
Course.Seed(course.Seed);
var vae = new Vae(latentDim: 8, hidden: 256, height: side, width: side).to(course.Device);
var vaeClock = System.Diagnostics.Stopwatch.StartNew();
var vaeHistory = VaeTraining.Train(vae, train, vaeConfig);
var vaeSeconds = vaeClock.Elapsed.TotalSeconds;
var vaeTest = VaeTraining.Evaluate(vae, test);
var vaeBits = PixelCnn.BitsPerDim(-vaeTest.Elbo, dims);
Console.WriteLine($"{vaeHistory.Steps} steps in {vaeSeconds:F0} s; test {vaeTest}; bits/dim <= {vaeBits:F4}");
Tensor vaeSamples;
double vaeSampleMs;
using (no_grad())
{
    var vaeZ = randn(new long[] { sampleCount, 8 }, generator: new Generator(9)).to(course.Device);
    vaeSampleMs = MedianMs(() => Done(bernoulli(vae.Decode(vaeZ))), 5 * repeats);
    vaeSamples = bernoulli(vae.Decode(vaeZ), generator: new Generator(10)).cpu();
}
display(ImageGrid.From(vaeSamples, nrow: 8, padValue: 0.5, title: "VAE: z ~ N(0, I), then binary pixels ~ Bernoulli(decoder)"));

// How good are the samples as digits? The kit's sample-quality number (notebook 01, section 8) is the Fréchet
// distance FD on the features of a small MNIST classifier. Its classifier reads 28×28 grey digits, so the binarised
// 14×14 images are scaled up (each pixel to a 2×2 block) and mapped to $[-1, 1]$ first. The row "binarised real test
// digits" is the floor: binarising and downsampling alone move the features away from the grey training digits.

NotebookApp.Cell(26);
Tensor AsMnist(Tensor binary) => nn.functional.interpolate(binary.cpu(), scale_factor: [28.0 / side, 28.0 / side], mode: InterpolationMode.Nearest).mul(2).sub(1);
var qualityN = Math.Min(course.Profile.Pick(ci: 64, cpu: 256, gpu: 1_000), test.Count);
Tensor morePixelSamples = cat([pixelSamples, pixelCnn.Sample(qualityN - sampleCount, side, side, new Generator(11, course.Device)).cpu()], 0);
Tensor moreVaeSamples;
using (no_grad()) moreVaeSamples = bernoulli(vae.Decode(randn(new long[] { qualityN, 8 }, generator: new Generator(12)).to(course.Device)), generator: new Generator(13)).cpu();
var quality = new List<QualityReport>
{
    ImageQuality.Evaluate("mnist", AsMnist(test.Images[..qualityN]), "binarised real test digits"),
    ImageQuality.Evaluate("mnist", AsMnist(morePixelSamples), "PixelCNN samples"),
    ImageQuality.Evaluate("mnist", AsMnist(moreVaeSamples), "VAE samples"),
};
display(ImageQuality.ToTable(quality, $"FD and KID of {qualityN} binarised {side}x{side} images each, scaled to 28x28 (kit classifier; not comparable to Inception FID)"));

// ## 3. A normalizing flow: RealNVP
//
// A flow learns an **invertible, differentiable** map $f$ from data to noise, $z = f(x)$ with $z \sim \mathcal N(0, I)$,
// of the same dimension as $x$. The lecture's intuition: a CDF maps a 1-D distribution onto the uniform one on
// $[0, 1]$, and sampling inverts it; a flow learns such a map directly. The **change of variables** gives the exact
// density,
// $$\ln p_X(x) = \ln p_Z\big(f(x)\big) + \ln \left\lvert \det \frac{\partial f(x)}{\partial x} \right\rvert ,$$
// and sampling is $x = f^{-1}(z)$. The difficulty is the determinant. RealNVP's **affine coupling layer** (Dinh et
// al. 2017, eq. 4–9) keeps the coordinates of a mask $b$ and transforms the others with a scale and shift computed
// from the kept ones:
// $$z = b \odot x + (1 - b) \odot \big(x \odot e^{s(b \odot x)} + t(b \odot x)\big), \qquad
// \ln \lvert\det J\rvert = \sum_j (1 - b_j)\, s_j(b \odot x).$$
// The Jacobian is triangular, so the determinant is the product of its diagonal; $s$ and $t$ are ordinary MLPs that
// are never inverted:
// $x = b \odot z + (1 - b) \odot \big((z - t(b \odot z)) \odot e^{-s(b \odot z)}\big)$. Layers alternate their masks
// so that every coordinate gets transformed; $s = \text{scale} \cdot \tanh(\cdot)$ keeps $e^{s}$ bounded
// (`Networks/AffineCoupling.cs`, `Networks/RealNvp.cs`; the tests check the log-determinant against a numerical
// Jacobian and the inverse against the forward map).
//
// **Exercise 1b.4 (derivation).** The simplest flow in 1-D: $x = a z + b$ with $z \sim \mathcal N(0, 1)$, $a = 2$, $b = 1$.
// What is $\ln p_X(3)$ in nats? (Use the formula above with $f(x) = (x - b)/a$.)
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("01b.4")` in a new cell reveals the worked solution.

NotebookApp.Cell(28);
double logDensity = double.NaN;   // ln p_X(3) for x = 2z + 1, z ~ N(0, 1)
display(Exercise.Check("01b.4", logDensity));

// ### Maximum likelihood on the ring of Gaussians
//
// The data is the ring of 8 Gaussians of notebooks 03 and 06 (`ToyData.Ring`), with a standard deviation of 0.1
// instead of the GAN benchmark's 0.02, which is much harder for a small flow (Exercise 1b.6 tries it). Each step draws a
// fresh batch and descends the mean negative log-likelihood:
//
// ```csharp
// var (z, logDet) = flow.forward(x);                                        // through all coupling layers
// var logPx = -0.5 * z.pow(2).sum(1) - log(2π) + logDet;                    // change of variables, D = 2
// var loss = -logPx.mean();                                                 // nats per point
// ```

NotebookApp.Cell(30);
var ringStd = 0.1;
var flowConfig = new FlowTrainingConfig(Steps: course.Profile.Pick(ci: 100, cpu: 2_000, gpu: 10_000), Batch: 256, Lr: 1e-3);
var (flowCouplings, flowHidden) = course.Profile.Pick(ci: (4, 32), cpu: (8, 64), gpu: (12, 128));
Tensor RingBatch(int n) => ToyData.Ring(n, std: ringStd).Samples;
display(flowConfig);

NotebookApp.Cell(31);
Course.Seed(course.Seed);
var flow = new RealNvp(dim: 2, couplings: flowCouplings, hidden: flowHidden).to(course.Device);
Console.WriteLine($"RealNVP: {flowCouplings} coupling layers, hidden {flowHidden}, {flow.parameters().Sum(p => p.numel()):N0} parameters");
var ringShown = ToyData.Ring(500, std: ringStd, generator: new Generator(21));
Figure FlowSamples() { using (no_grad()) return Charts.Scatter("flow samples x = f⁻¹(z) and the data", "x", "y", Charts.Points("data", ringShown.Samples), Charts.Points("flow", flow.Sample(500, new Generator(22)).cpu())); }
var flowView = new TrainingView("RealNVP, NLL in nats per point", flowConfig.Steps, samples: FlowSamples).Show();
var flowClock = System.Diagnostics.Stopwatch.StartNew();
var flowHistory = FlowTraining.Train(flow, RingBatch, flowConfig, onStep: (s, l, n) => flowView.Report(s, l, n));
flowView.Complete();
var flowSeconds = flowClock.Elapsed.TotalSeconds;
Console.WriteLine($"{flowHistory.Steps} steps in {flowSeconds:F0} s; NLL of the last 100 batches {flowHistory.Mean("NLL (nats)", -100):F3} nats per point");

// ### The learned density
//
// Unlike a GAN, the flow can be *asked* how likely any point is. The heat map shows $p_X(x)$ of the trained flow
// over the plane, with flow samples on top, next to the true mixture density. Look between the modes: a flow is
// a continuous bijection of the Gaussian, so it cannot cut the plane into 8 separate islands; it squeezes the
// mass between them into thin bridges.

NotebookApp.Cell(33);
var (lo, hi) = (-3.2, 3.2);
Figure DensityMap(string title, Func<Tensor, Tensor> logDensity, params Series[] overlay)
{
    var n = course.Profile.Pick(ci: 60, cpu: 120, gpu: 160);
    var axis = linspace(lo, hi, n, dtype: float32);
    var grid = stack([axis.repeat(n), axis.repeat_interleave(n)], 1);
    float[] p;
    using (no_grad()) p = logDensity(grid.to(course.Device)).exp().cpu().data<float>().ToArray();
    var coords = axis.data<float>().Select(v => (double)v).ToArray();
    var z = Enumerable.Range(0, n).Select(r => Enumerable.Range(0, n).Select(c => (double)p[r * n + c]).ToArray()).ToArray();
    return Charts.Heatmap(title, "x", "y", coords, coords, z, "Viridis", overlay);
}
Tensor flowSamples;
using (no_grad()) flowSamples = flow.Sample(300, new Generator(23)).cpu();
display(DensityMap("RealNVP: learned density p(x), with 300 samples", x => flow.LogProb(x), Charts.Points("flow samples", flowSamples)));
display(DensityMap("The true density: 8 Gaussians, std " + ringStd, x => ToyData.MixtureLogDensity(x, ringShown.Centres!, ringStd)));

// ### Data to noise and back (RealNVP's Figure 1)
//
// The four panels of the paper's Figure 1 for our flow: real points $x$ and their codes $z = f(x)$ (exact
// inference, coloured by the mode they came from), then fresh noise $z \sim \mathcal N(0, I)$ and its image
// $f^{-1}(z)$ (generation). The last chart draws the lines $z_1 = c$ and $z_2 = c$ of a square grid in $z$-space
// after $f^{-1}$: where the lines crowd together a cell of $z$-space has become a small patch of $x$-space, which is
// where the density is high (the modes); between the modes they spread apart.

NotebookApp.Cell(35);
Series[] ByMode(Tensor points, Tensor modes)
{
    var m = modes.data<long>().ToArray();
    return Enumerable.Range(0, 8).Select(k => Charts.Points($"mode {k}", points.index_select(0, tensor(Enumerable.Range(0, m.Length).Where(i => m[i] == k).Select(i => (long)i).ToArray())))).ToArray();
}
Tensor codes, noise = randn(new long[] { 500, 2 }, generator: new Generator(24)), generated;
using (no_grad())
{
    codes = flow.forward(ringShown.Samples.to(course.Device)).Z.cpu();
    generated = flow.Inverse(noise.to(course.Device)).cpu();
}
display(Charts.Scatter("x ~ data", "x1", "x2", ByMode(ringShown.Samples, ringShown.Modes!)));
display(Charts.Scatter("z = f(x): the data's codes", "z1", "z2", ByMode(codes, ringShown.Modes!)));
display(Charts.Scatter("z ~ N(0, I) and x = f⁻¹(z)", "", "", Charts.Points("z ~ N(0, I)", noise), Charts.Points("f⁻¹(z)", generated)));
var ticks = Enumerable.Range(0, 5).Select(i => -2.0 + i).ToArray();
var line = linspace(-3, 3, 200, dtype: float32);
Series Warped(string name, Tensor zLine) { using (no_grad()) { var x = flow.Inverse(zLine.to(course.Device)).cpu(); return Charts.Points(name, x); } }
var gridLines = ticks.SelectMany(t => new[]
{
    Warped($"z1 = {t}", stack([full(200, (float)t), line], 1)),
    Warped($"z2 = {t}", stack([line, full(200, (float)t)], 1)),
}).ToArray();
display(Charts.Lines("f⁻¹ of the z-grid lines z1 = const and z2 = const (-2, -1, 0, 1, 2)", "x1", "x2", gridLines));

// ### The exact log-likelihood of held-out points
//
// Because the flow's density is exact, we can score it on points it never saw and compare with the best any model
// can do: the true mixture's own log-likelihood. Its mean over samples of the data estimates $-H(p)$, the
// **entropy floor**: $\mathbb E_p[\ln q] = -H(p) - \mathrm{KL}(p \,\Vert\, q) \le -H(p)$, so the gap between the
// two rows is the flow's $\mathrm{KL}(p \,\Vert\, q)$ (up to the sampling error). A GAN trained on the same
// data (notebook 03's recipe, `RingExperiment`) gives samples but no $\ln q(x)$ row at all.

NotebookApp.Cell(37);
var heldN = course.Profile.Pick(ci: 2_000, cpu: 20_000, gpu: 20_000);
var held = ToyData.Ring(heldN, std: ringStd, generator: new Generator(25));
double flowLogLik, trueLogLik, flowLogLikStd;
using (no_grad())
{
    var lq = flow.LogProb(held.Samples.to(course.Device)).cpu();
    (flowLogLik, flowLogLikStd) = (lq.mean().item<float>(), lq.std().item<float>() / Math.Sqrt(heldN));
    trueLogLik = ToyData.MixtureLogDensity(held.Samples, held.Centres!, ringStd).mean().item<float>();
}
var ganSteps = course.Profile.Pick(ci: 100, cpu: 2_000, gpu: 10_000);
var ganExperiment = new RingExperiment(new RingSetup(ganSteps, 256, Std: ringStd, Snapshots: 1), randn(new long[] { 2_000, 10 }, generator: new Generator(26)));
var ganRun = ganExperiment.Run(GanRecipe.NonSaturating(lr: 1e-3), course.Seed);
Tensor flowEval;
using (no_grad()) flowEval = flow.Sample(2_000, new Generator(27)).cpu();
var flowModes = ModeMetrics.Evaluate(flowEval, held.Centres!, ringStd);
var ganModes = ganRun.Report;
display(Table.From(new[]
{
    new { Model = "true mixture (entropy floor)", HeldOutLogLikelihood = trueLogLik.ToString("F3"), StdError = "", ModesCaptured = "", HighQualityPercent = "" },
    new { Model = $"RealNVP ({flowCouplings} couplings)", HeldOutLogLikelihood = flowLogLik.ToString("F3"), StdError = flowLogLikStd.ToString("F3"), ModesCaptured = $"{flowModes.ModesCaptured}/8", HighQualityPercent = flowModes.HighQualityPercent.ToString("F1") },
    new { Model = $"GAN ({ganSteps} steps)", HeldOutLogLikelihood = "none", StdError = "no density", ModesCaptured = $"{ganModes.ModesCaptured}/8", HighQualityPercent = ganModes.HighQualityPercent.ToString("F1") },
}, $"Ring (std {ringStd}): mean log-likelihood of {heldN:N0} held-out points in nats per point; 2,000 samples per model for the mode metric"));
display(Charts.Scatter($"2,000 samples each: flow and GAN", "x", "y", Charts.Points("flow", flowEval[..500]), Charts.Points("GAN", ganRun.Final.Samples[..500]), Charts.Points("mode centres", held.Centres!)));

// What the GAN cannot tell you: how likely a point is. Its generator maps $z$ to $x$ and nothing else; there
// is no encoder to find a point's $z$, no Jacobian to correct for (the latent may even have another dimension than $x$:
// 10 here, with 2-D outputs, so $q$ need not even have a density), and the discriminator's $D(x)$ is not a density.
// Judging a GAN needs sample-based measures (mode coverage here, FD on images), never $\ln q(x)$: so a GAN can
// drop modes or memorise without its loss saying so. In exchange it is free of the constraints that give a flow its
// likelihood (invertibility, equal dimensions, a tractable Jacobian) and of the PixelCNN's sequential sampling.

// ## 4. The four families side by side
//
// This run's numbers in one table: the likelihood each model reports for its data (bits/dim for the 14×14
// binarised digits, nats per point for the 2-D ring), whether it is exact, a bound or absent, a number for the
// samples, the time to draw samples (32 images, or 2,000 ring points), and what the latent space offers.

NotebookApp.Cell(40);
double ringSampleMs, ganSampleMs;
var ganZ = randn(new long[] { 2_000, 10 }, generator: new Generator(28)).to(course.Device);
using (no_grad())
{
    ringSampleMs = MedianMs(() => Done(flow.Sample(2_000, new Generator(29))), 5 * repeats);
    ganSampleMs = MedianMs(() => Done(ganRun.Trainer.Generate(ganZ)), 5 * repeats);
}
var (pixQ, vaeQ) = (quality[1], quality[2]);
var comparison = Table.From(new[]
{
    new { Model = "VAE", Data = $"MNIST {side}x{side} binary", Likelihood = $"≤ {vaeBits:F3} bits/dim", Kind = "bound (ELBO)", Samples = $"FD {vaeQ.FD:F1}", SamplingMs = Math.Round(vaeSampleMs, 2), Passes = "1", Latent = "z (8-d), approximate inference q(z|x)" },
    new { Model = "PixelCNN", Data = $"MNIST {side}x{side} binary", Likelihood = $"{pixelTest.BitsPerDim:F3} bits/dim", Kind = "exact", Samples = $"FD {pixQ.FD:F1}", SamplingMs = Math.Round(pixelSampleMs, 1), Passes = $"{dims} (D)", Latent = "none" },
    new { Model = "RealNVP", Data = "ring (2-d)", Likelihood = $"{flowLogLik:F3} nats/point (floor {trueLogLik:F3})", Kind = "exact", Samples = $"{flowModes.ModesCaptured}/8 modes, {flowModes.HighQualityPercent:F1}% high-quality", SamplingMs = Math.Round(ringSampleMs, 2), Passes = "1", Latent = "z = f(x), exact inference, same dimension" },
    new { Model = "GAN", Data = "ring (2-d)", Likelihood = "none", Kind = "implicit", Samples = $"{ganModes.ModesCaptured}/8 modes, {ganModes.HighQualityPercent:F1}% high-quality", SamplingMs = Math.Round(ganSampleMs, 2), Passes = "1", Latent = "z (10-d), no encoder" },
}, $"This run ({course.Profile.Name()} profile, {course.Device}): likelihood, samples, sampling time (32 images or 2,000 points) and latent space");
display(comparison);

NotebookApp.Cell(41);
// built from this run's numbers, so the text always describes the run above
display(Prose.From(new[]
{
    $"**What this run measured** ({course.Profile.Name()} profile, on {course.Device}):",
    $"* PixelCNN: **{pixelTest.BitsPerDim:F3} bits/dim** on the binarised test digits, exact, after {pixelHistory.Steps} steps ({pixelSeconds:F0} s); " +
    $"the VAE's bound on the same digits is {vaeBits:F3} bits/dim, so the PixelCNN's likelihood is " + (pixelTest.BitsPerDim < vaeBits ? "better than the VAE's bound" : "not better than the VAE's bound in this run") + ".\n" +
    $"* Sampling 32 images took the PixelCNN {pixelSampleMs:F0} ms ({dims} passes), {pixelSampleMs / ganPassMs:F0} times the DCGAN generator's single pass ({ganPassMs:F2} ms).\n" +
    $"* RealNVP on the ring: {flowLogLik:F3} ± {flowLogLikStd:F3} nats per held-out point against the true mixture's {trueLogLik:F3}: a gap of {trueLogLik - flowLogLik:F3} nats, the flow's KL(p ‖ q). " +
    $"The GAN's samples cover {ganModes.ModesCaptured} of 8 modes, the flow's {flowModes.ModesCaptured}, but only the flow has a number for how likely the held-out points are.",
}));

// **Exercise 1b.5 (predict).** The VAE reports $-\mathrm{ELBO}$ in bits/dim and the PixelCNN its exact negative
// log-likelihood. Suppose the VAE's number is the larger one. Which conclusion is justified? (a) The PixelCNN is a
// better density model than the VAE. (b) The PixelCNN's likelihood is better than the VAE's *bound*; the VAE's true
// likelihood could still be as good or better. (c) The VAE's samples must be worse.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("01b.5")` in a new cell reveals the worked solution.

NotebookApp.Cell(43);
string boundAnswer = "";   // "a", "b" or "c"
display(Exercise.Check("01b.5", boundAnswer));

// **Exercise 1b.6 (experiment).** In section 3 set `ringStd = 0.02` (the GAN benchmark's width) and run the section
// again, held-out table included. Predict first: what happens to the entropy floor, to the flow's held-out
// log-likelihood and to the bridges in its heat map? Then try `flowCouplings` of 16. `Exercise.Solution("01b.6")` says what to look for.

// ## Takeaways
//
// **Key formulas**
//
// * Explicit density: $\hat\theta = \arg\max_\theta \frac1N \sum_n \ln q_\theta(x_n) = \arg\min_\theta \mathrm{KL}(p \Vert q_\theta)$; bits/dim $= -\ln q(x) / (D \ln 2)$, 1 bit/dim for a coin per binary pixel.
// * Autoregressive: $p(x) = \prod_i p(x_i \mid x_{<i})$ with masked convolutions (mask A excludes the centre, mask B includes it); exact likelihood in one pass, sampling in $D$ passes.
// * Flow: $\ln p_X(x) = \ln p_Z(f(x)) + \ln\lvert\det \partial f / \partial x\rvert$; an affine coupling layer has $\ln\lvert\det J\rvert = \sum_j (1 - b_j) s_j$ and an exact inverse.
// * VAE: $\ln p(x) \ge \mathrm{ELBO}$: its bits/dim is an upper bound. GAN: no $\ln q(x)$ at all.
//
// **What the measurements showed** (read them off your run's outputs above): the receptive-field pictures (and the
// blind spot of a plain stack of masked convolutions), the PixelCNN's test bits/dim against the VAE's bound, the
// ratio of PixelCNN sampling time to a generator's single pass, the flow's held-out log-likelihood against the
// entropy floor, and the bridges between modes in its density.
//
// **Discussion questions**
//
// 1. Training the PixelCNN costs one pass per batch, sampling $D$ passes. Why is that asymmetry the opposite of a GAN's, whose *training* is the hard part?
// 2. A flow needs $\dim z = \dim x$ and an invertible map. What does that rule out that a GAN's generator may do?
// 3. A model can have a good likelihood and poor samples, or the reverse (Theis et al. 2016, "A note on the evaluation of generative models"). Which of this run's numbers illustrate that?
//
// Next: notebook 02 starts from the latent space and a naive generator trained without a discriminator; notebook 03
// adds the discriminator, and with it the implicit density.

NotebookApp.End();
