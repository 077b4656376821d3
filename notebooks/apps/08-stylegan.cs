// Generated from 08-stylegan.ipynb by `dotnet run --project tools/GanCourse.Runner -- --export-apps`; do not edit: change the notebook and regenerate.
// Runs the lesson with no notebook host:  dotnet run notebooks/apps/08-stylegan.cs
// GANCOURSE_PROFILE=ci|cpu|gpu picks the profile; the displayed values go to output/apps/08-stylegan.html.
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
using System.IO;
using GanCourse.Runner;
using static GanCourse.Runner.NotebookApp; // display(...), as in a notebook

NotebookApp.Start("08-stylegan", "99d03aeb09134398");

// # 08 · StyleGAN, StyleGAN2 and the Alias-Free GAN
//
// ProGAN (notebook 07) made large images possible by growing the networks. The same NVIDIA team then changed the
// **generator** itself (Karras et al., 2018, *A Style-Based Generator Architecture for GANs*), then fixed its
// artefacts (StyleGAN2, 2019) and its "texture sticking" (Alias-Free GAN, 2021). This notebook follows lecture 004
// (*ProGAN, StyleGAN, StyleGAN2, Alias-Free GAN*):
//
// 1. the **style-based generator**: mapping network, AdaIN styles, noise inputs, truncation;
// 2. the lecture's **StyleGAN code, ported layer for layer** to TorchSharp: a state dict saved by the lecture's
//    PyTorch model loads unchanged, and with the same weights, latents and noise it gives the same image as the
//    lecture's PyTorch code up to float32 rounding. At the lecture's **full width** (512 feature maps), against an
//    independent PyTorch reference, the largest pixel difference was $4.7 \cdot 10^{-5}$ at 32 px and
//    $2.1 \cdot 10^{-4}$ at 128 px (a wider network sums more float32 terms per output). The test
//    `tests/GanCourse.Tests/StyleGanTests.cs` repeats the comparison at 32 px and 128 px with the full mapping
//    network (8 layers of 512) but a **narrow** synthesis network (at most 16 and 8 feature maps), where it asserts
//    a difference below $10^{-4}$ (it measures about $7.5 \cdot 10^{-6}$ at 32 px and $1.5 \cdot 10^{-5}$ at 128 px);
// 3. the **pretrained FFHQ 1024 px faces** of the lecture, when you have the weights file;
// 4. a **small StyleGAN trained by the kit** on MNIST 32x32, and with it the paper's experiments: style mixing
//    (coarse / middle / fine), the truncation trick, stochastic variation, interpolation in $Z$ vs $W$;
// 5. **StyleGAN2**: weight modulation and demodulation instead of AdaIN, why AdaIN makes "droplets";
// 6. **Alias-Free GAN**, and the quality of our small model measured.
//
// The model code is in the library, one file per concept:
// [Networks/StyleGanGenerator.cs](../lib/GanCourse/Networks/StyleGanGenerator.cs) with [MappingNetwork](../lib/GanCourse/Networks/MappingNetwork.cs) and
// [SynthesisNetwork](../lib/GanCourse/Networks/SynthesisNetwork.cs) (the lecture's classes, one file each),
// [Networks/StyleGan2.cs](../lib/GanCourse/Networks/StyleGan2.cs) (modulated convolution),
// [Networks/StyleGanDiscriminator.cs](../lib/GanCourse/Networks/StyleGanDiscriminator.cs),
// [Training/StyleGanTraining.cs](../lib/GanCourse/Training/StyleGanTraining.cs) and
// [Networks/StateDictLoader.cs](../lib/GanCourse/Networks/StateDictLoader.cs) (PyTorch `.pt` files).

NotebookApp.Cell(2);
var course = Course.Init();

// ## 1. The style-based generator
//
// A classic generator takes the noise $z$ at its input and transforms it into an image. The StyleGAN generator
// **no longer takes $z$ at its input**: its first layer is a learned constant $4 \times 4 \times 512$ tensor, and
// randomness enters in two new ways:
//
// * a separate **mapping network** $f: Z \to W$ (8 fully connected layers) turns $z$ into an intermediate latent
//   $w \in W$; learned affine maps "A" turn $w$ into a **style** $y = (y_s, y_b)$ for every layer, which enters the
//   feature maps through **adaptive instance normalization** (AdaIN):
//
//   $$\mathrm{AdaIN}(x_i, y) = y_{s,i}\,\frac{x_i - \mu(x_i)}{\sigma(x_i)} + y_{b,i},$$
//
//   one pair $(y_{s,i}, y_{b,i})$ per feature map $x_i$. The styles of all layers come from the same $w$, which keeps
//   features of different scales consistent;
// * **Gaussian noise** "B" is added to the output of every convolution (one value per pixel, a learned weight per
//   channel): it models the stochastic details, like the exact placement of hairs.
//
// Early layers (4x4, 8x8) control the **coarse** features: pose, head shape, gender and age of a face; the middle
// layers (16x16, 32x32) the facial features; the fine layers (64x64 to 1024x1024) the colours and micro-structure. The
// paper's style-mixing figure shows this: the images of group A get part of the style vector of an image of group B.
// Taking B's **coarse** styles changes the silhouette (pose, shape, gender, age), its **middle** styles change the
// facial features while gender and age stay, its **fine** styles only change the colour scheme. We re-create this
// figure in section 4.
//
// What else is in the lecture's code ([Networks/](../lib/GanCourse/Networks/), one file per class; C# names, with the lecture's in brackets where they differ, and the lecture's field names, so its state dict loads unchanged):
//
// | class | what it does |
// |---|---|
// | `EqualizedLinear`, `EqualizedConv2d` (lecture: `MyLinear`, `MyConv2d`) | **equalized learning rate**: weights stored as $\mathcal{N}(0, 1/\text{lrmul})$ and multiplied at run time by $c = \text{gain}/\sqrt{\text{fan\_in}}\cdot\text{lrmul}$, so Adam's step is the same for every layer; the mapping network uses $\text{lrmul} = 0.01$. From 128 px on, `EqualizedConv2d` fuses the 2x upscale and the 3x3 conv into one transposed conv (kernel box-summed to 4x4) |
// | `NoiseLayer` | $x + b_c \cdot \text{noise}$, noise $(N, 1, H, W)$; setting `.Noise` fixes it (the seed's "little trick") |
// | `StyleMod` | $x \cdot (y_s + 1) + y_b$ with $y = A w$: the affine part of AdaIN |
// | `LayerEpilogue` | noise, LeakyReLU(0.2), InstanceNorm (the normalising part of AdaIN), StyleMod |
// | `PixelNorm` (`PixelNormLayer`) | $z / \sqrt{\overline{z^2} + \epsilon}$ at the mapping network's input |
// | `BlurLayer` | the $[1,2,1] \otimes [1,2,1]/16$ low-pass filter after each upsampling |
// | `MappingNetwork` (`G_mapping`) | PixelNorm, 8 x (dense 512, lrelu); broadcast $w$ to the 18 layers |
// | `Truncation` | $w' = \bar w + \psi (w - \bar w)$ on the first 8 layers |
// | `InputBlock`, `UpsampleBlock`, `SynthesisNetwork` (`InputBlock`, `GSynthesisBlock`, `G_synthesis`) | the 4x4 constant block, then one block per resolution up to 1024, `torgb` 1x1 at the end |
//
// The lecture builds the full model as `nn.Sequential(OrderedDict([('g_mapping', G_mapping()), ('g_synthesis',
// G_synthesis())]))`. Ours is `StyleGanGenerator`: its state dict has the same 116 entries, names and shapes:

NotebookApp.Cell(4);
using (var ffhqShape = new StyleGanGenerator(StyleGanConfig.Seed1024))
{
    var sd = ffhqShape.state_dict();
    long Count(string prefix) => sd.Where(kv => kv.Key.StartsWith(prefix) && !kv.Key.EndsWith("kernel")).Sum(kv => kv.Value.numel());
    Console.WriteLine($"{sd.Count} state-dict entries; mapping {Count("g_mapping"):N0} parameters, synthesis {Count("g_synthesis"):N0}");
    foreach (var (name, t) in sd.Where(kv => kv.Key.Contains("4x4") || kv.Key.Contains("8x8.conv0_up") || kv.Key.StartsWith("g_mapping.dense0")))
        Console.WriteLine($"  {name,-56} [{string.Join(", ", t.shape)}]");
}

// **Exercise 8.1 (code).** Write $\mathrm{AdaIN}(x, y) = y_s \,\frac{x - \mu(x)}{\sigma(x)} + y_b$ for feature maps $x$ of shape $(N, C, H, W)$ and styles $y$ of shape $(N, 2, C)$, with $y_s$ = `y[.., 0]` and $y_b$ = `y[.., 1]` (one scale and one bias per sample and feature map). $\mu$ and $\sigma$ are each sample's and each map's own mean and standard deviation over $H$ and $W$, with $\sigma = \sqrt{\mathrm{mean}\big((x - \mu)^2\big) + 10^{-5}}$ as InstanceNorm computes it. The check compares your function with `nn.functional.instance_norm` followed by the style.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("08.1")` in a new cell reveals the worked solution.

NotebookApp.Cell(6);
Func<Tensor, Tensor, Tensor> myAdain = (x, y) => throw new NotImplementedException();   // replace: y_s · (x − μ) / σ + y_b
display(Exercise.Check("08.1", myAdain));

// ## 2. The lecture's pretrained FFHQ generator
//
// The lecture downloads `weights_stylegan.pt`, NVIDIA's FFHQ 1024x1024 generator converted to PyTorch
// (lernapparat's `karras2019stylegan-ffhq-1024x1024.for_g_all.pt`, 105 MB). The kit cannot download it for you. To
// see the faces, put it in the data folder as `data/weights_stylegan.pt`:
//
// ```
// wget https://edunet.kea.su/repo/EduNet-web_dependencies/L13/weights_stylegan.pt -O data/weights_stylegan.pt
// ```
//
// (or from https://github.com/lernapparat/lernapparat/releases/download/v2019-02-01/karras2019stylegan-ffhq-1024x1024.for_g_all.pt).
// `StateDictLoader.Load` checks every name and shape first: a file for another model fails with the list of missing,
// extra and mis-shaped keys. Without the file, this section says so and the notebook continues with the kit's own model.
// At 1024 px one image takes a few seconds on a CPU.

NotebookApp.Cell(8);
var ffhqPath = Path.Combine(DataPaths.Root(), "weights_stylegan.pt");
StyleGanGenerator? ffhq = null;
if (File.Exists(ffhqPath))
{
    ffhq = new StyleGanGenerator(StyleGanConfig.Seed1024);
    StateDictLoader.Load(ffhq, ffhqPath);
    ffhq.eval();
    Console.WriteLine($"Loaded {ffhqPath}");
}
else
    Console.WriteLine($"No {ffhqPath}: the FFHQ cells below are skipped (see above for how to get the file).");

// The lecture's first cell with the model: `torch.manual_seed(42)`, ten random faces, clamped to $[-1, 1]$.

NotebookApp.Cell(10);
if (ffhq is not null)
{
    using var _ = no_grad();
    torch.manual_seed(42);
    var faces = ffhq.forward(randn(course.Profile.Pick(ci: 2, cpu: 10, gpu: 10), 512)).clamp(-1, 1);
    display(ImageGrid.From(nn.functional.interpolate(faces, size: [256, 256], mode: InterpolationMode.Area), nrow: 5,
        normalize: true, valueRange: (-1, 1), title: "StyleGAN FFHQ 1024 px (shown at 256 px)"));
}

// Style mixing with the real model: rows take coarse styles (layers 0-3, 4x4 and 8x8) from the column images, and an
// interpolation between three latents, as in the lecture (its GIF, with fewer frames).

NotebookApp.Cell(12);
if (ffhq is not null)
{
    using var _ = no_grad();
    var m = course.Profile.Pick(ci: 1, cpu: 3, gpu: 3);             // m x m mixing grid
    var ws = ffhq.Mapping.MapOne(randn(2 * m, 512));
    var a = ws[..m]; var b = ws[m..];
    var rows = new List<Tensor> { cat([-ones(1, 3, 1024, 1024), ffhq.Synthesis.forward(ffhq.Broadcast(b))]) };
    for (var i = 0; i < m; i++)
    {
        var mixed = ffhq.MixRange(a[i..(i + 1)].expand(m, -1), b, 0, 4);
        rows.Add(cat([ffhq.Synthesis.forward(ffhq.Broadcast(a[i..(i + 1)])), ffhq.Synthesis.forward(mixed)]));
    }
    var grid = nn.functional.interpolate(cat(rows).clamp(-1, 1), size: [192, 192], mode: InterpolationMode.Area);
    display(ImageGrid.From(grid, nrow: m + 1, normalize: true, valueRange: (-1, 1), title: "FFHQ: coarse styles from the top row"));
    var keys = randn(3, 512);
    var frames = new List<ImageGrid>();
    var perSegment = course.Profile.Pick(ci: 1, cpu: 10, gpu: 50);
    foreach (var t in Enumerable.Range(0, 2 * perSegment))
    {
        var s = t / (double)perSegment; var k = Math.Min((int)s, 1); var f = s - k;
        var z = keys[k..(k + 1)] + (keys[(k + 1)..(k + 2)] - keys[k..(k + 1)]) * f;
        var img = nn.functional.interpolate(ffhq.forward(z).clamp(-1, 1), size: [256, 256], mode: InterpolationMode.Area);
        frames.Add(ImageGrid.From(img, normalize: true, valueRange: (-1, 1)));
    }
    display(Animation.From(frames, frameDelayMs: 100, title: "FFHQ: interpolation between three latents"));
}

// ## 3. A small StyleGAN trained by the kit
//
// The same classes, configured small (`StyleGanConfig.Small32`): $z, w \in \mathbb{R}^{64}$, a mapping network of 4
// layers (lrmul 0.01), synthesis 4x4 → 32x32 with 64, 32, 16, 8 feature maps, one grey channel: **8 styles**, two per
// resolution. The discriminator is StyleGAN's (ProGAN's) scaled down: equalized-lr convs, average pooling and the
// minibatch-stddev feature. We train without progressive growing (at 32 px it is not needed), with StyleGAN's losses:
//
// * the **non-saturating** logistic loss of lecture 004: $L_D = \mathbb{E}[\operatorname{softplus}(D(G(z)))] +
//   \mathbb{E}[\operatorname{softplus}(-D(x))]$, $L_G = \mathbb{E}[\operatorname{softplus}(-D(G(z)))]$;
// * the **R1 penalty** on real images (Mescheder et al. 2018), $\frac{\gamma}{2}\,\mathbb{E}_x \|\nabla_x D(x)\|^2$,
//   computed every 4th step only and scaled by 4 (StyleGAN2's **lazy regularization**);
// * **style-mixing regularization**: for 90% of the batches, two latents $z_1, z_2$ and a random crossover layer:
//   styles before it come from $w_1$, after it from $w_2$, so the network cannot assume adjacent styles are correlated;
// * an exponential moving average of G's weights, $G_{ema}$, used for all pictures;
// * Adam with $\beta_1 = 0$, $\beta_2 = 0.99$, learning rate 0.002.
//
// The training below is short (in the `cpu` profile it shows that the loop runs and learns; the `gpu` profile trains
// for real). The demonstrations then use the **checkpoint shipped in `data/stylegan/`**, trained with the same code
// by `tools/GanCourse.Train stylegan` (command and settings in `data/stylegan/README.md`).

NotebookApp.Cell(14);
var trainSteps = course.Profile.Pick(ci: 4, cpu: 100, gpu: 20_000);
var trainSubset = course.Profile.Pick(ci: 256, cpu: 8_000, gpu: 8_000);
Course.SetThreads(course.Profile.Pick(ci: 1, cpu: 1, gpu: 4));
var config = StyleGanTrainConfig.Small32;
var mnist = ImageDataset.Mnist("train", subset: trainSubset, pad32: true);
var training = new StyleGanTraining(config, mnist, seed: 1, device: course.Device);
Console.WriteLine($"G: {training.Generator.parameters().Sum(p => p.numel()):N0} parameters, D: {training.Discriminator.parameters().Sum(p => p.numel()):N0}");

// Of that list, two things are new since notebook 06. **Style mixing** is a latent sampler (`StyleMixingSampler`): it
// draws $z_1$ and, for 90% of the batches, $z_2$ and a crossover layer. **R1** is a penalty on the discriminator,
// written out here; the library's `R1Penalty` computes the same lines and the training core applies it on every 4th
// discriminator update with the gain 4 (`R1Every`). On real images of an untrained discriminator:

NotebookApp.Cell(16);
// R1 (Mescheder et al. 2018, eq. 9): (gamma / 2) E_x ||grad_x D(x)||^2, on real images only
Tensor R1(Func<Tensor, Tensor> d, Tensor real, double gamma)
{
    var x = real.detach().requires_grad_(true);
    var grad = autograd.grad([d(x).sum()], [x], create_graph: true)[0];   // create_graph: the penalty trains D
    return gamma / 2 * grad.square().sum([1, 2, 3]).mean();
}
var realBatch = mnist.Images[..config.BatchSize].to(course.Device);
var ours = R1(training.Discriminator.forward, realBatch, config.R1Gamma).item<float>();
var library = new R1Penalty(config.R1Gamma, config.R1Every).Of(training.Discriminator.forward, realBatch).item<float>();
Console.WriteLine($"R1 written out: {ours:G6}   R1Penalty: {library:G6}   (gamma = {config.R1Gamma}, applied every {config.R1Every} steps x {config.R1Every})");

NotebookApp.Cell(17);
var fixedZ = randn(32, config.Generator.LatentSize, generator: new Generator(7)).to(course.Device);
var view = new TrainingView("Small StyleGAN on MNIST 32x32", trainSteps, samples: () =>
{
    using var _ = no_grad();
    return ImageGrid.From(training.GeneratorEma.forward(fixedZ).clamp(-1, 1).cpu(), nrow: 8, normalize: true, valueRange: (-1, 1),
        title: $"G_ema after {training.Steps} steps");
});
Console.WriteLine(training.Train(trainSteps, view));

// Now the shipped model: $G_{ema}$ after a longer run of the same code (if the file were missing, the notebook would
// continue with the model just trained). First, random samples.

NotebookApp.Cell(19);
var shippedPath = Path.Combine(DataPaths.Root(), "stylegan", "small32-mnist.pt");
var g = new StyleGanGenerator(StyleGanConfig.Small32);
if (File.Exists(shippedPath)) StateDictLoader.Load(g, shippedPath);
else { Console.WriteLine($"No {shippedPath}: using the model trained above."); StateDictLoader.Load(g, training.GeneratorEma.state_dict()); }
g.to(course.Device).eval();
var L = g.NumLayers;
ImageGrid Show(Tensor images, int nrow, string title) =>
    ImageGrid.From(images.clamp(-1, 1), nrow: nrow, normalize: true, valueRange: (-1, 1), title: title);
using (no_grad()) display(Show(g.forward(randn(64, 64, generator: new Generator(11)).to(course.Device)), 8, "Shipped small StyleGAN (G_ema): 64 samples"));

// **Exercise 8.2 (predict).** In the third grid of the style-mixing cell below, each cell takes only the **fine** styles (layers 6-7, 32x32) from the image B of its column and the other six from the image A of its row. Compared with A's own image (left column), expect each cell to (a) show B's digit, (b) keep A's digit, with at most its stroke thickness or texture changed, or (c) be a blur between the two digits? Predict, then compare with the grid.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("08.2")` in a new cell reveals the worked solution.

NotebookApp.Cell(21);
string fineStyles = "";   // "a", "b" or "c"
display(Exercise.Check("08.2", fineStyles));

// ### Style mixing
//
// As in the paper's figure: five "source B" images (top row) and five "source A" images (left column). Each cell is
// generated from A's $w$, except for a range of layers that take B's $w$:
//
// * **coarse** styles from B (layers 0-3: 4x4 and 8x8),
// * **middle** styles from B (layers 4-5: 16x16),
// * **fine** styles from B (layers 6-7: 32x32).
//
// On digits, the coarse styles carry the digit's identity and pose, the fine ones stroke thickness and texture.

NotebookApp.Cell(23);
Tensor MixingGrid(Tensor wA, Tensor wB, int from, int to)
{
    using var scope = NewDisposeScope();
    var n = wA.size(0);
    var rows = new List<Tensor> { -ones(1, 1, 32, 32, device: wA.device), g.Synthesis.forward(g.Broadcast(wB)) };
    for (var i = 0; i < n; i++)
    {
        rows.Add(g.Synthesis.forward(g.Broadcast(wA[i..(i + 1)])));
        rows.Add(g.Synthesis.forward(g.MixRange(wA[i..(i + 1)].expand(wB.size(0), -1), wB, from, to)));
    }
    return cat(rows).MoveToOuterDisposeScope();
}
g.SetNoise(g.DrawNoise(1, new Generator(5)).Select(t => t.to(course.Device)).ToList());   // same noise everywhere
using (no_grad())
{
    var wA = g.Mapping.MapOne(randn(5, 64, generator: new Generator(21)).to(course.Device));
    var wB = g.Mapping.MapOne(randn(5, 64, generator: new Generator(22)).to(course.Device));
    foreach (var (name, from, to) in new[] { ("coarse (4x4-8x8)", 0, 4), ("middle (16x16)", 4, 6), ("fine (32x32)", 6, 8) })
        display(Show(MixingGrid(wA, wB, from, to), 6, $"{name} styles from source B (top row) into source A (left column)"));
}
g.SetNoise(null);

// Where does the control switch from A to B? Each row below goes from A (left, all 8 styles from A) to B (right):
// column $k$ takes the first $k$ styles from B, the rest from A (crossover after layer $k$, the same operation as the
// mixing regularization during training).

NotebookApp.Cell(25);
using (no_grad())
{
    var wA = g.Mapping.MapOne(randn(6, 64, generator: new Generator(23)).to(course.Device));
    var wB = g.Mapping.MapOne(randn(6, 64, generator: new Generator(24)).to(course.Device));
    g.SetNoise(g.DrawNoise(1, new Generator(5)).Select(t => t.to(course.Device)).ToList());
    var sweep = Enumerable.Range(0, L + 1).Select(k => g.Synthesis.forward(g.MixRange(wA, wB, 0, k))).ToList();
    display(Show(stack(sweep, 1).reshape(-1, 1, 32, 32), L + 1, $"columns k = 0..{L}: styles 0..k-1 from B, the rest from A"));
    g.SetNoise(null);
}

// ### The truncation trick
//
// Regions of $W$ that are rare in the training data are poorly learned. Truncation pulls $w$ towards the average
// $\bar w = \mathbb{E}_{z}[f(z)]$, estimated from many samples:
//
// $$w' = \bar w + \psi\,(w - \bar w).$$
//
// $\psi = 1$ leaves $w$ unchanged, $\psi = 0$ gives the "average digit" for every $z$, negative $\psi$ gives the
// "opposite" image (each row keeps its own noise, so at $\psi = 0$ the rows differ only by the noise). Smaller $\psi$: better-looking but less varied samples (the lecture's `Truncation` applies it to
// the first 8 layers; here that is all of them).

// **Exercise 8.3 (code).** Write the truncation $w' = \bar w + \psi\,(w - \bar w)$ with $\psi = 0.7$ for $w$ of shape $(N, \text{layers}, d)$ (one $w$ per layer, as `g.Broadcast` makes it) and $\bar w$ of shape $(d)$, applied to every layer. The check compares your function with the library's `Truncation`, used in the next cell, on random latents.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("08.3")` in a new cell reveals the worked solution.

NotebookApp.Cell(28);
Func<Tensor, Tensor, Tensor> myTruncation = (w, wAvg) => throw new NotImplementedException();   // replace: w̄ + ψ (w − w̄), ψ = 0.7
display(Exercise.Check("08.3", myTruncation));

NotebookApp.Cell(29);
var wAvgSamples = course.Profile.Pick(ci: 2_000, cpu: 20_000, gpu: 100_000);
var wAvg = g.AverageW(wAvgSamples, generator: new Generator(3));
var psis = new[] { -1.0, -0.5, 0.0, 0.3, 0.5, 0.7, 1.0 };
using (no_grad())
{
    var w = g.Broadcast(g.Mapping.MapOne(randn(6, 64, generator: new Generator(31)).to(course.Device)));
    g.SetNoise(g.DrawNoise(6, new Generator(6)).Select(t => t.to(course.Device)).ToList());
    var columns = psis.Select(psi => { using var t = new Truncation(wAvg, maxLayer: L, threshold: psi); return g.Synthesis.forward(t.forward(w)); }).ToList();
    var grid = stack(columns, 1).reshape(-1, 1, 32, 32);   // one row per z, one column per psi
    display(Show(grid, psis.Length, $"Truncation: psi = {string.Join(", ", psis)} (columns), w_avg from {wAvgSamples:N0} samples"));
    g.SetNoise(null);
}

// **Exercise 8.4 (predict).** The cells below measure how much the samples vary with $\psi$: the mean per-pixel standard deviation over 500 samples for $\psi = 0, 0.2, \dots, 1$. As $\psi$ goes from 0 to 1, will that curve (a) grow, from its smallest value at $\psi = 0$, (b) fall, or (c) stay flat, since the noise inputs set the variety? (The noise is drawn anew for every sample.)
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("08.4")` in a new cell reveals the worked solution.

NotebookApp.Cell(31);
string varietyVsPsi = "";   // "a", "b" or "c"
display(Exercise.Check("08.4", varietyVsPsi));

// How much do the samples vary with $\psi$? The mean per-pixel standard deviation over 500 samples:

NotebookApp.Cell(33);
using (no_grad())
{
    var w = g.Broadcast(g.Mapping.MapOne(randn(500, 64, generator: new Generator(32)).to(course.Device)));
    var sweep = new[] { 0.0, 0.2, 0.4, 0.6, 0.8, 1.0 };
    var spread = sweep.Select(psi => { using var t = new Truncation(wAvg, maxLayer: L, threshold: psi); return (double)g.Synthesis.forward(t.forward(w)).clamp(-1, 1).std([0]).mean().item<float>(); }).ToList();
    display(Charts.Lines("Diversity vs truncation", "psi", "mean per-pixel std over 500 samples", new Series("samples", sweep, spread)));
}

// **Exercise 8.5 (experiment).** Truncate only the coarse styles: in the truncation grid's cell (columns $\psi = -1, \dots, 1$), change `maxLayer: L` to `maxLayer: 4` in the `Truncation`, so that only the styles of 4x4 and 8x8 are pulled towards $\bar w$, and run it again. Predict first: at $\psi = 0$, are the six rows still the same image up to noise? Then put `maxLayer: L` back. `Exercise.Solution("08.5")` says what to look for.

// ### Stochastic variation
//
// The noise inputs change only the **stochastic** details. Same $w$, 8 different noise draws: the digit stays,
// the strokes' fine texture changes. The per-pixel standard deviation over 100 noise draws shows *where* noise acts
// (bright = varies): at the edges of the strokes, not in the digit's shape. Noise in the coarse layers only and in the
// fine layers only shows the paper's result that coarse noise moves larger structures.

NotebookApp.Cell(36);
Tensor WithNoise(Tensor w1, int draws, int fromLayer, int toLayer, int seed)
{
    var gen = new Generator((ulong)seed);
    var outs = new List<Tensor>();
    for (var i = 0; i < draws; i++)
    {
        var noise = g.DrawNoise(1, gen).Select((t, k) => (k >= fromLayer && k < toLayer ? t : zeros_like(t)).to(course.Device)).ToList();
        g.SetNoise(noise);
        outs.Add(g.Synthesis.forward(w1));
    }
    g.SetNoise(null);
    return cat(outs);
}
using (no_grad())
{
    var ws = g.Broadcast(g.Mapping.MapOne(randn(4, 64, generator: new Generator(41)).to(course.Device)));
    var rows = new List<Tensor>(); var maps = new List<Tensor>();
    for (var i = 0; i < 4; i++)
    {
        var w1 = ws[i..(i + 1)];
        rows.Add(WithNoise(w1, 8, 0, L, 100 + i));
        foreach (var (from, to) in new[] { (0, L), (0, 4), (4, L) })
        {
            var many = WithNoise(w1, 100, from, to, 200 + i);
            maps.Add(many.mean([0], keepdim: true));
            maps.Add(many.std([0], keepdim: true));
        }
    }
    display(Show(cat(rows), 8, "Same w, 8 noise draws per row"));
    var m = cat(maps);
    var std = m[TensorIndex.Slice(1, null, 2)];
    var scaled = std / std.max() * 2 - 1;        // std maps on one scale: black 0, white the largest std
    var tiles = stack([m[TensorIndex.Slice(0, null, 2)], scaled], 1).reshape(-1, 1, 32, 32);
    display(Show(tiles, 6, "Per row: (mean, std) over 100 noise draws with noise in all / coarse (4x4-8x8) / fine (16x16-32x32) layers"));
    Console.WriteLine($"largest per-pixel std: {std.max().item<float>():F3} (images span [-1, 1])");
}

// ### Interpolation in Z vs in W
//
// The lecture interpolates linearly between latents $z$ and makes a GIF. StyleGAN's claim: $W$ is **less entangled**
// than $Z$. $Z$ must follow the fixed prior, so the mapping from $Z$ to images must bend to fit the data's
// distribution; $f$ "unwarps" it, and a straight line in $W$ moves through images more evenly. Left: $z$ interpolated,
// right: $w = f(z)$ of the same endpoints interpolated (noise fixed).

NotebookApp.Cell(38);
var frameCount = course.Profile.Pick(ci: 6, cpu: 24, gpu: 48);
var paths = 32;                                                              // pairs of endpoints (4 shown)
var keysZ = randn(paths, 64, generator: new Generator(51)).to(course.Device);
var keysZ2 = randn(paths, 64, generator: new Generator(52)).to(course.Device);
var zFrames = new List<Tensor>(); var wFrames = new List<Tensor>();
g.SetNoise(g.DrawNoise(paths, new Generator(8)).Select(t => t.to(course.Device)).ToList());
using (no_grad())
{
    var w0 = g.Mapping.MapOne(keysZ); var w1 = g.Mapping.MapOne(keysZ2);
    for (var i = 0; i < frameCount; i++)
    {
        var t = i / (double)(frameCount - 1);
        zFrames.Add(g.forward(keysZ + (keysZ2 - keysZ) * t).clamp(-1, 1));
        wFrames.Add(g.Synthesis.forward(g.Broadcast(w0 + (w1 - w0) * t)).clamp(-1, 1));
    }
}
g.SetNoise(null);
var gifFrames = Enumerable.Range(0, frameCount).Concat(Enumerable.Range(0, frameCount).Reverse())
    .Select(i => Show(cat([zFrames[i][..4], wFrames[i][..4]]), 4, "top: Z, bottom: W")).ToList();
display(Animation.From(gifFrames, frameDelayMs: 120, title: "Interpolation in Z (top row) and in W (bottom row)"));
display(Show(cat([stack(zFrames, 1)[0], stack(wFrames, 1)[0], stack(zFrames, 1)[1], stack(wFrames, 1)[1]]), frameCount,
    "Two interpolations as strips: Z, W, Z, W"));

// How even is the path? For each interpolation the mean pixel change between successive frames, averaged over 32
// paths; a perfectly "linear" latent space would change the image by the same amount at every step (a flat curve).
// The paper measures the same idea as the **perceptual path length** (PPL: a perceptual distance, tiny steps, 100,000
// paths) and finds it much shorter in $W$ than in $Z$ for its trained models. Our small, briefly trained model is a
// weak test of that claim; the numbers below say what it shows.

NotebookApp.Cell(40);
Series StepSizes(List<Tensor> frames, string name)
{
    var steps = Enumerable.Range(1, frames.Count - 1).Select(i => (double)(frames[i] - frames[i - 1]).abs().mean().item<float>()).ToList();
    return new Series(name, Enumerable.Range(1, steps.Count).Select(i => (double)i).ToList(), steps);
}
var zSteps = StepSizes(zFrames, "Z"); var wSteps = StepSizes(wFrames, "W");
display(Charts.Lines($"Image change per interpolation step (mean over {paths} paths)", "step", "mean |Δ pixel|", zSteps, wSteps));
double Cv(Series s) { var m = s.Y.Average(); return Math.Sqrt(s.Y.Select(y => (y - m) * (y - m)).Average()) / m; }
Console.WriteLine($"unevenness (std / mean of the step sizes): Z {Cv(zSteps):F2}, W {Cv(wSteps):F2}");

// ## 4. StyleGAN2
//
// A year later the authors proposed **StyleGAN2** (Karras et al., 2019), built on StyleGAN with several improvements:
//
// * **AdaIN is replaced by weight demodulation**: the style no longer modifies the *feature values* but the
//   *convolution weights*. AdaIN caused characteristic **droplet artefacts** (blob-like spots, e.g. on a cheek in the
//   lecture's GIF);
// * progressive growing is replaced by an architecture that still **starts by focusing on low resolutions and shifts
//   towards higher ones** during training, **without changing the network's topology** (skip connections to RGB in G,
//   residual D);
// * new regularizers: **lazy regularization** (R1 computed only every 16th minibatch, to save compute; we use it
//   every 4th) and **path length regularization** (the generator is penalised if a small change of $w$ changes the
//   image too much or too little).
//
// The lecture's figure compares the architectures: (a) StyleGAN, (b) StyleGAN in detail (AdaIN = normalization +
// modulation), (c) modulation and normalization separated, and noise and bias moved out of the style block, (d)
// the style modifies the **weights**, and the normalization becomes a **demodulation** of the weights.

// The two generators block for block, as Karras et al. draw them (StyleGAN, 2019, Figure 1b; StyleGAN2, 2020,
// Figure 2d): the mapping network turns $z$ into $w$; "A" is the learned affine map from $w$ to a layer's style,
// "B" the per-pixel noise with its learned per-channel scale. StyleGAN normalises the **activations** (AdaIN);
// StyleGAN2 scales the **weights** instead (modulation), normalises them by the expected output scale
// (demodulation) and moves the bias and noise out of the style block.

NotebookApp.Cell(43);
display(new BlockDiagram("Mapping network and the first two resolutions of the synthesis network",
    ("Mapping network", [new Block("z ∈ Z (512)", Kind: "io"), new Block("Normalize"), new Block("FC ×8, leaky ReLU"), new Block("w ∈ W (512)", Kind: "io")]),
    ("StyleGAN: AdaIN", [new Block("Const 4×4×512", Kind: "io"), new Block("+ noise", "B"), new Block("AdaIN", "A (style)"), new Block("Conv 3×3"),
        new Block("+ noise", "B"), new Block("AdaIN", "A (style)"), new Block("Upsample"), new Block("Conv 3×3"), new Block("+ noise", "B"), new Block("AdaIN", "A (style)")]),
    ("StyleGAN2: weight demodulation", [new Block("Const 4×4×512", Kind: "io"), new Block("Mod: w' = s · w", "A (style)"), new Block("Conv 3×3"),
        new Block("Demod: w'' = w' / σ"), new Block("+ b, + noise", "B"), new Block("Upsample"), new Block("Mod: w' = s · w", "A (style)"), new Block("Conv 3×3"),
        new Block("Demod: w'' = w' / σ"), new Block("+ b, + noise", "B")])));

// ### Why AdaIN makes droplets
//
// AdaIN normalises each feature map by **its own** mean and standard deviation. That destroys any information carried
// by the relative magnitude of the features. The generator finds a way around it: it creates one **strong, localised
// spike** that dominates the statistics; the normalisation then divides the whole map by the spike's large $\sigma$,
// and by moving the spike the generator can scale the rest of the map as it likes. The spikes appear as droplets in
// the images. Here is the mechanism with instance normalisation: a feature map with content of standard deviation 1
// and a spike of growing height.

NotebookApp.Cell(45);
var content = randn(1, 1, 32, 32, generator: new Generator(61));
var heights = new[] { 0.0, 5, 10, 20, 40, 80, 160 };
var contentStd = new List<double>();
var spikes = new List<Tensor>();
foreach (var h in heights)
{
    var x = content.clone();
    x[0, 0, 16, 16] = x[0, 0, 16, 16] + h;                       // the droplet
    var y = nn.functional.instance_norm(x);
    var mask = ones_like(y); mask[0, 0, 16, 16] = tensor(0f);
    contentStd.Add(((y * mask).pow(2).sum() / mask.sum()).sqrt().item<float>());
    spikes.Add(y.clamp(-3, 3) / 3);
}
display(Charts.Lines("InstanceNorm: a single spike squashes the rest of the feature map", "spike height", "std of the other pixels after normalisation",
    new Series("content", heights, contentStd)));
display(Show(cat(spikes), heights.Length, $"after InstanceNorm, spike heights {string.Join(", ", heights)}"));

// ### Modulation and demodulation
//
// StyleGAN2 applies the style $s$ (per input feature map $i$) to the weights of the following convolution
// (eq. 1 of the paper), and then normalises each output feature map $j$ **statistically**, from the weights alone:
//
// $$w'_{ijk} = s_i \cdot w_{ijk}, \qquad w''_{ijk} = \frac{w'_{ijk}}{\sqrt{\sum_{i,k} {w'_{ijk}}^2 + \epsilon}}.$$
//
// If the inputs have unit standard deviation, the outputs of a modulated convolution have standard deviation
// $\sqrt{\sum_{i,k} {w'_{ijk}}^2}$; demodulation divides by exactly that. No feature map is normalised by its
// *actual* statistics any more, so there is nothing to gain from a spike. Every sample has its own weights: the
// batch runs as **one grouped convolution** ($N$ groups over an input reshaped to $(1, N \cdot C, H, W)$), as in
// `ModulatedConv2d` ([Networks/StyleGan2.cs](../lib/GanCourse/Networks/StyleGan2.cs)).
//
// A stack of 8 modulated 3x3 convolutions with random styles ($w \sim \mathcal{N}(0, 2^2 I)$), unit-variance input,
// with and without demodulation: the standard deviation of the activations after each layer.

// **Exercise 8.6 (derivation).** Before the chart: a modulated 3x3 convolution has $C_{in} = 8$ input maps, every weight $w_{ijk} = 0.5$ and the style $s_i = 2$ for every input map. The inputs are independent with standard deviation 1 (ignore the borders). What is the standard deviation of an output **before** demodulation?
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("08.6")` in a new cell reveals the worked solution.

NotebookApp.Cell(48);
double modulatedStd = double.NaN;   // std of one output of the modulated conv, no demodulation
display(Exercise.Check("08.6", modulatedStd));

NotebookApp.Cell(49);
var depth = 8;
var stackConvs = Enumerable.Range(0, depth).Select(_ => new ModulatedConv2d(32, 32, 3, dlatentSize: 16)).ToList();
var styleW = randn(8, 16, generator: new Generator(71)) * 2;
var layerStd = new Dictionary<bool, List<double>>();
using (no_grad())
    foreach (var demod in new[] { true, false })
    {
        var h = randn(8, 32, 16, 16, generator: new Generator(72));
        layerStd[demod] = [h.std().item<float>()];
        foreach (var c in stackConvs) { c.Demodulate = demod; h = c.forward(h, styleW); layerStd[demod].Add(h.std().item<float>()); }
    }
var layerX = Enumerable.Range(0, depth + 1).Select(i => (double)i).ToList();
var chart = Charts.Lines("Activation std through 8 modulated convolutions", "layer", "log10(std)",
    new Series("modulation + demodulation", layerX, layerStd[true].Select(Math.Log10).ToList()),
    new Series("modulation only", layerX, layerStd[false].Select(Math.Log10).ToList()));
display(chart);
Console.WriteLine($"after {depth} layers: with demodulation std {layerStd[true][^1]:F3}, modulation only {layerStd[false][^1]:E2}");
Console.WriteLine("(with demodulation the std stays near 1; it drifts a little below because the zero padding at the 16x16 borders adds zeros)");

// ### Path length regularization (the idea)
//
// A fixed-size step in $W$ should change the image by a fixed amount, whatever the direction. StyleGAN2 penalises the
// deviation of the Jacobian-vector norm from its running mean $a$:
//
// $$\mathbb{E}_{w, y \sim \mathcal{N}(0, I)} \left(\left\|J_w^{\top} y\right\|_2 - a\right)^2, \qquad
// J_w^{\top} y = \nabla_w \big(g(w) \cdot y\big),$$
//
// with $y$ random images: one extra backward pass, done lazily (every 4th minibatch). It makes $G$ smoother and easier
// to invert, and correlates with better perceptual quality (lower PPL). The lecture runs NVIDIA's
// `stylegan2-ada-pytorch` with pretrained `metfaces.pkl` and `ffhq.pkl`: their network pickles need NVIDIA's Python
// code and cannot be loaded here.

// ## 5. Alias-Free GAN (StyleGAN3)
//
// In 2021 the authors noticed that, despite the hierarchical nature of generation (early layers decide the head's
// pose and shape, middle ones the facial features, ...), typical GANs depend on **absolute pixel coordinates**: details
// are *glued* to the image grid instead of to the surfaces of the objects (the beard in the lecture's StyleGAN2
// vs Alias-Free comparison). The cause is **aliasing**: the nonlinearities (needed to approximate anything; ReLU is
// even non-smooth) and the up/downsampling create high-frequency content that the discrete grid cannot represent, and
// the network learns to use these artefacts (and the zero padding at the borders) as a positional code. The
// Alias-Free GAN treats feature maps as continuous signals: it applies **low-pass filters** (fixed convolutions that
// remove fast oscillations) around every nonlinearity, applied at a temporarily higher sampling rate, and replaces the
// 4x4 constant with Fourier features. Its FID matches StyleGAN2, but its images and animations have far fewer visible
// artefacts and it is equivariant to translation (and optionally rotation). The seed notes that StyleGAN-XL, trained
// on large images on top of it, wins most image-generation benchmarks (2022).

// ## 6. How good is our small StyleGAN?
//
// Fréchet distance (FD) and kernel distance (KID) between generated images and the real MNIST training images, in the
// feature space of the kit's MNIST classifier (`ImageQuality`; notebook 04 explains both); `FDFloor` is the FD of the
// real test images, about the best a generator can reach. The short run of section 3 is compared with the shipped
// checkpoint, with and without truncation.

NotebookApp.Cell(53);
var evalSamples = course.Profile.Pick(ci: 200, cpu: 2_000, gpu: 10_000);
Tensor Sample(StyleGanGenerator gen, double psi, int seed)
{
    using var _ = no_grad();
    var outs = new List<Tensor>();
    var rng = new Generator((ulong)seed);
    using var trunc = new Truncation(wAvg, maxLayer: L, threshold: psi);
    for (var done = 0; done < evalSamples; done += 500)
    {
        var w = gen.Mapping.forward(randn(Math.Min(500, evalSamples - done), 64, generator: rng).to(course.Device));
        outs.Add(gen.Synthesis.forward(psi == 1.0 ? w : trunc.forward(w)).clamp(-1, 1).cpu());
    }
    return cat(outs);
}
training.GeneratorEma.eval();
var reports = new List<QualityReport>
{
    ImageQuality.Evaluate("mnist", Sample(training.GeneratorEma, 1.0, 81), $"StyleGAN, this run ({training.Steps} steps)"),
    ImageQuality.Evaluate("mnist", Sample(g, 1.0, 81), "StyleGAN, shipped checkpoint"),
    ImageQuality.Evaluate("mnist", Sample(g, 0.7, 81), "StyleGAN, shipped checkpoint, psi = 0.7"),
};
display(ImageQuality.ToTable(reports, $"Small StyleGAN on MNIST 32x32, {evalSamples:N0} samples each"));

// ## Takeaways
//
// * **Style-based generator**: $w = f(z)$ through a mapping network, a learned constant input, per-layer styles through
//   $\mathrm{AdaIN}(x_i, y) = y_{s,i}\,\frac{x_i - \mu(x_i)}{\sigma(x_i)} + y_{b,i}$, and per-pixel noise for stochastic detail.
// * **Truncation**: $w' = \bar w + \psi\,(w - \bar w)$, $\bar w = \mathbb{E}_z[f(z)]$: typicality for variety.
// * **Training** (the kit's small model): $L_D = \mathbb{E}[\operatorname{softplus}(D(G(z)))] + \mathbb{E}[\operatorname{softplus}(-D(x))]$,
//   $L_G = \mathbb{E}[\operatorname{softplus}(-D(G(z)))]$, R1 $\frac{\gamma}{2}\,\mathbb{E}_x \|\nabla_x D(x)\|^2$ (lazy), style-mixing regularization, $G_{ema}$.
// * **StyleGAN2**: modulation and demodulation of the weights,
//   $w'_{ijk} = s_i\, w_{ijk}$, $w''_{ijk} = w'_{ijk} \big/ \sqrt{\sum_{i,k} {w'_{ijk}}^2 + \epsilon}$, and path length regularization
//   $\mathbb{E}_{w, y}\big(\|J_w^\top y\|_2 - a\big)^2$. **Alias-Free GAN**: low-pass filters around every nonlinearity.
//
// **What the measurements showed.** Style mixing and the crossover rows: find the column where control over the digit's
// identity passes from A to B. Truncation: the grid and the per-pixel std chart show variety shrinking as $\psi \to 0$. The noise
// std maps show *where* noise acts. Z vs W: the flatter step-size curve is the more evenly traversable space (the paper,
// quoted: PPL much shorter in $W$ for its trained models; our small model is a weak test). The droplet chart: the rest of the map
// shrinks as the spike grows; the demodulation chart: which stack keeps its std near 1 over 8 layers. The metric table:
// short run vs shipped checkpoint, and whether $\psi = 0.7$ scores better or worse tells which effect of truncation is larger.
//
// **Discussion questions**
//
// 1. The mapping network is only an MLP of $z$. Why can $W$ be less entangled than $Z$, when $Z$ must follow a fixed prior?
// 2. Truncation makes samples look better yet can worsen FD. When would you use it anyway, and at which layers?
// 3. Demodulation divides by the *expected* output std, AdaIN by the *actual* one. Why does that remove the generator's
//    incentive to create droplets?

NotebookApp.End();
