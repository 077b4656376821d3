// Generated from 07-progan.ipynb by `dotnet run --project tools/GanCourse.Runner -- --export-apps`; do not edit: change the notebook and regenerate.
// Runs the lesson with no notebook host:  dotnet run notebooks/apps/07-progan.cs
// GANCOURSE_PROFILE=ci|cpu|gpu picks the profile; the displayed values go to output/apps/07-progan.html.
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

NotebookApp.Start("07-progan", "2396a11a7ea6bb67");

// # 07 · Progressive growing of GANs (ProGAN)
//
// The GANs of notebooks 04-06 learn every resolution at once: the generator must get the rough shape of a garment
// and its fine stitching right in the same training run, and the critic sees all the detail from the first step.
// Karras et al. (NVIDIA, *Progressive Growing of GANs for Improved Quality, Stability, and Variation*, ICLR 2018)
// instead **grow** both networks: training starts at 4x4 pixels, and layers for 8x8, 16x16, ... are added one after
// the other, each one **faded in** smoothly. This notebook follows the lectures (seed 000 *ProGAN (NVIDIA)* with the
// paper's figures, tables and tricks; seed 002 *Progressive GAN*; seed 003 *Progressive Growing of GANs*; seed 004
// *ProGAN*):
//
// 1. the idea: grow from 4x4, fade in new layers with a weight $\alpha$;
// 2. the paper's tricks, each explained and implemented: **minibatch standard deviation**, **equalized learning
//    rate**, **pixelwise feature normalization**, the **WGAN-GP loss with a drift term**, Adam with
//    $\beta_1 = 0$, and **averaged generator weights** for samples;
// 3. the metric the paper reports, the **sliced Wasserstein distance** (SWD) on a Laplacian pyramid;
// 4. a progressive run 4 → 8 → 16 → 32 on Fashion-MNIST, live, with samples and SWD at the end of every phase and the
//    same $z$ followed through each fade-in;
// 5. a small **checkpoint trained by the kit** (shipped in `data/progan/`), to explore without waiting: samples,
//    per-resolution outputs, latent interpolation; the notebook ends with the metric table.
//
// Seed 004 loads NVIDIA's pretrained 512x512 CelebA-HQ model from PyTorch Hub. It cannot be downloaded on the
// course's machines, and a 23-million-parameter model would not train on a CPU; the course trains its own small
// ProGAN instead, with exactly the same mechanics.
//
// The code: the growing networks in [Networks/ProGanGenerator.cs](../lib/GanCourse/Networks/ProGanGenerator.cs) and
// [Networks/ProGanDiscriminator.cs](../lib/GanCourse/Networks/ProGanDiscriminator.cs), built from the layers shared with StyleGAN
// ([EqualizedConv2d](../lib/GanCourse/Networks/EqualizedConv2d.cs), [PixelNorm](../lib/GanCourse/Networks/PixelNorm.cs),
// [MinibatchStdDev](../lib/GanCourse/Networks/MinibatchStdDev.cs)); the training is the course's one loop
// ([Training/AdversarialTrainer.cs](../lib/GanCourse/Training/AdversarialTrainer.cs)) with the growth schedule as a hook
// ([Training/ProGanGrowth.cs](../lib/GanCourse/Training/ProGanGrowth.cs)) and the gradient penalty of notebook 06
// ([Training/GradientPenalty.cs](../lib/GanCourse/Training/GradientPenalty.cs)); the metric in
// [Metrics/SlicedWasserstein.cs](../lib/GanCourse/Metrics/SlicedWasserstein.cs), checkpoints in
// [Training/ModelCheckpoint.cs](../lib/GanCourse/Training/ModelCheckpoint.cs).

NotebookApp.Cell(2);
var course = Course.Init();

// The networks of this notebook are small (under 100,000 weights each). On a CPU one thread runs them about as fast
// as several and keeps its speed when other programs keep the cores busy. On a GPU this setting changes nothing.

NotebookApp.Cell(4);
Course.SetThreads(1);

// ## 1. The idea: grow the networks
//
// > *Our training starts with both the generator (G) and discriminator (D) having a low spatial resolution of 4x4
// > pixels. As the training advances, we incrementally add layers to G and D, thus increasing the spatial resolution
// > of the generated images. All existing layers remain trainable throughout the process.* (Karras et al., Figure 1)
//
// First the networks only have to learn the **large-scale structure** visible in 4x4 thumbnails: is it a shoe or a
// shirt, where is it bright. They are tiny, so this goes fast. Then a block is added to $G$ and the mirrored block to
// $D$, doubling the resolution to 8x8; the trained weights are kept (and stay trainable), and the new layers only have
// to add the **next level of detail**. And so on up to the final size (1024x1024 in the paper, 32x32 here).
// This makes training more **stable** (each stage is an easy problem) and **faster** (most steps are spent at low
// resolution).
//
// **The fade-in.** Adding a freshly initialised block at once would shock the trained network. Instead the new block
// works *like a residual branch* whose weight $\alpha$ grows linearly from 0 to 1 (Figure 2 of the paper; seed 002:
// "two branches appear, like in ResNet"). For the generator going from 16x16 to 32x32, with $h$ the 16x16 features:
//
// $$x_{32} = (1 - \alpha)\,\mathrm{up}\big(\mathrm{toRGB}_{16}(h)\big) + \alpha\,\mathrm{toRGB}_{32}\big(\mathrm{block}_{32}(\mathrm{up}(h))\big)$$
//
// and for the discriminator, mirrored, with $x$ a 32x32 image:
//
// $$f_{16} = (1 - \alpha)\,\mathrm{fromRGB}_{16}\big(\mathrm{pool}(x)\big) + \alpha\,\mathrm{block}_{32}\big(\mathrm{fromRGB}_{32}(x)\big).$$
//
// `up` is nearest-neighbour 2x upsampling, `pool` 2x2 average pooling; **toRGB** and **fromRGB** are 1x1
// convolutions that project features to pixels and back. At $\alpha = 0$ the network is exactly the old one (its
// output upsampled), at $\alpha = 1$ the old toRGB / fromRGB are no longer used.
//
// **Real images follow.** The discriminator is fed real images *downsampled to the current resolution*, and during a
// transition they are blended between the two resolutions with the same $\alpha$,
// $x^{real}_{32} = (1 - \alpha)\,\mathrm{up}(\mathrm{pool}_{16}(x)) + \alpha\,x$, so that real and generated images
// always have the same kind of blur.
//
// The schedule is counted in **images shown to the discriminator** (the paper: 800k images for each fade-in and 800k
// for each stable phase). The settings of this section are used by the training run in section 5.

// **Exercise 7.1 (derivation).** With the paper's schedule (800k images per fade-in, $\alpha$ growing linearly from 0 to 1), the generator is 200k images into the 16 → 32 fade-in. At one pixel the old branch $\mathrm{up}(\mathrm{toRGB}_{16}(h))$ gives $0.5$ and the new branch $\mathrm{toRGB}_{32}(\mathrm{block}_{32}(\mathrm{up}(h)))$ gives $-0.3$. What is $x_{32}$ at that pixel?
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("07.1")` in a new cell reveals the worked solution.

NotebookApp.Cell(7);
double fadedPixel = double.NaN;   // x_32 at that pixel
display(Exercise.Check("07.1", fadedPixel));

NotebookApp.Cell(8);
var gridResolution = 32;
var model = course.Profile.Pick(
    ci:  new ProGanConfig(LatentDim: 32, MaxResolution: 32, FeatureMapsBase: 128, FeatureMapsMax: 8),
    cpu: new ProGanConfig(LatentDim: 64, MaxResolution: 32, FeatureMapsBase: 512, FeatureMapsMax: 32),
    gpu: new ProGanConfig(LatentDim: 256, MaxResolution: 32, FeatureMapsBase: 4096, FeatureMapsMax: 256));
var trainConfig = new ProGanTrainingConfig(model,
    BatchSize:    course.Profile.Pick(ci: 8, cpu: 32, gpu: 64),
    FadeImages:   course.Profile.Pick(ci: 64L, cpu: 3_000L, gpu: 300_000L),
    StableImages: course.Profile.Pick(ci: 64L, cpu: 3_000L, gpu: 300_000L),
    EmaDecay:     course.Profile.Pick(ci: 0.9, cpu: 0.99, gpu: 0.999));
var schedule = trainConfig.Schedule;
Console.WriteLine($"{model}\n{schedule.Phases().Count} phases, {schedule.TotalImages:N0} images in total:");
foreach (var p in schedule.Phases()) Console.WriteLine($"  {p.Name,-16} images {p.StartImage,9:N0} .. {p.EndImage,9:N0}");

NotebookApp.Cell(9);
var xs = Enumerable.Range(0, 401).Select(i => i * schedule.TotalImages / 400.0).ToArray();
display(Charts.Lines("Fade-in schedule: alpha of the newest block", "images shown to D", "alpha",
    new Series("alpha", xs, xs.Select(x => schedule.At((long)x).Alpha).ToArray())));
display(Charts.Lines("Resolution during training", "images shown to D", "resolution (pixels)",
    new Series("resolution", xs, xs.Select(x => (double)schedule.At((long)x).Resolution).ToArray())));

// What the discriminator sees of the same eight real garments at each stage: average-pooled to 4, 8, 16 and 32 pixels
// (shown enlarged with nearest neighbours), and, in the last row, 16x16 images in the middle of the 8 → 16
// transition ($\alpha = 0.5$), a blend of the blocky 8x8 and the sharper 16x16 version.

NotebookApp.Cell(11);
var train = ImageDataset.FashionMnist("train", subset: course.Profile.Pick(ci: 512, cpu: 10_000, gpu: 60_000), pad32: true);
var eight = train.Images[..8];
var rows = new[] { 4, 8, 16, 32 }.Select(r => ProGanImages.Upsample(ProGanImages.Downsample(eight, r), 32)).ToList();
rows.Add(ProGanImages.Upsample(ProGanImages.Real(eight, 16, 0.5), 32));
display(ImageGrid.From(cat(rows, 0), nrow: 8, valueRange: (-1, 1), title: "Real images at 4, 8, 16, 32 px; last row: 16 px at alpha = 0.5"));

// ## 2. The paper's tricks
//
// The paper's Table 1 (seed 000) adds its contributions one at a time to a WGAN-GP baseline on CelebA at 128x128
// and measures the sliced Wasserstein distance (x 10³, lower is better; one column per Laplacian pyramid level):
//
// | Training configuration | SWD 128 | 64 | 32 | 16 | Avg |
// |---|---|---|---|---|---|
// | (a) Gulrajani et al. (2017) | 12.99 | 7.79 | 7.62 | 8.73 | 9.28 |
// | (b) + Progressive growing | 4.62 | 2.64 | 3.78 | 6.06 | 4.28 |
// | (c) + Small minibatch | 75.42 | 41.33 | 41.62 | 26.57 | 46.23 |
// | (d) + Revised training parameters | 9.20 | 6.53 | 4.71 | 11.84 | 8.07 |
// | (e\*) + Minibatch discrimination | 10.76 | 6.28 | 6.04 | 16.29 | 9.84 |
// | (e) Minibatch stddev | 13.94 | 5.67 | 2.82 | 5.71 | 7.04 |
// | (f) + Equalized learning rate | 4.42 | 3.28 | 2.32 | 7.52 | 4.39 |
// | (g) + Pixelwise normalization | 4.06 | 3.04 | 2.02 | 5.13 | 3.56 |
// | (h) Converged | 2.42 | 2.17 | 2.24 | 4.99 | 2.96 |
//
// Progressive growing alone halves the distance (a → b). The small minibatch (c) is needed to fit 1024x1024 images in
// memory and hurts badly; the revised parameters (d) and the tricks below (e-g) win it back.

// ### 2.1 Minibatch standard deviation ("evaluate diversity in batches")
//
// A GAN tends to capture only part of the variation in the data (mode collapse, notebook 03). The discriminator
// could notice it if it looked at a whole batch instead of single images. The paper's simple way: near the end of
// $D$ (at 4x4), compute the **standard deviation of every feature at every position over the minibatch**, average
// these into **one number**, replicate it into an extra constant feature map and concatenate it:
//
// $$s = \frac{1}{CHW}\sum_{c,h,w} \sqrt{\operatorname{Var}_{i \in \text{group}}\big[f_{i,c,h,w}\big] + 10^{-8}}, \qquad f' = [\,f,\ s\,] \in \mathbb{R}^{(C+1) \times 4 \times 4}.$$
//
// A generator whose batches are too uniform then gives itself away through $s$. The official code computes $s$ over
// groups of 4 images, which is what `MinibatchStdDev` does (Table 2: 512 → 513 feature maps at 4x4).

// **Exercise 7.2 (predict).** The next cell feeds `MinibatchStdDev` (groups of 4) two batches: 8 different real images, and 8 copies of one image (a collapsed generator). For the copies, will the appended feature $s$ be (a) about the same as for the different images, (b) (almost) exactly 0, or (c) larger than for the different images? Predict from the formula, then run the cell.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("07.2")` in a new cell reveals the worked solution.

NotebookApp.Cell(15);
string collapsedStd = "";   // "a", "b" or "c"
display(Exercise.Check("07.2", collapsedStd));

NotebookApp.Cell(16);
var mbstd = new MinibatchStdDev(groupSize: 4);
var varied = train.Images[..8];
var collapsed = train.Images[..1].expand(8, -1, -1, -1);   // one image repeated: a collapsed generator
var withStd = mbstd.forward(varied);
Console.WriteLine($"input [{string.Join(", ", varied.shape)}] -> output [{string.Join(", ", withStd.shape)}]");
Console.WriteLine($"s for 8 different real images:   {withStd[0, 1, 0, 0].item<float>():F4}");
Console.WriteLine($"s for 8 copies of one image:     {mbstd.forward(collapsed)[0, 1, 0, 0].item<float>():F4}");

// ### 2.2 Equalized learning rate ("weight normalization")
//
// Instead of initialising each layer's weights with He's scale, ProGAN draws **every weight from $\mathcal{N}(0, 1)$**
// and scales it **at run time** by the per-layer constant of He's initializer:
//
// $$\hat w_i = c \cdot w_i, \qquad c = \sqrt{\frac{2}{\text{fan-in}}} \quad (\text{the paper writes } \hat w_i = w_i / c \text{ with } c = \sqrt{\text{fan-in}/2}).$$
//
// The forward pass is the same as with He's init, but what the optimizer updates is $w$. Adam (and RMSProp)
// normalise each update by a running estimate of the gradient's scale, so the step in $w$ is about the learning rate
// whatever the layer; a weight's update *relative to its size* is then the same in every layer. Without the scaling,
// layers with a large fan-in (small weights) would effectively learn faster than those with a small fan-in. The
// effect in the table: (e) → (f), SWD 7.04 → 4.39.
//
// Below, the stored weights of the generator's convolutions all have a standard deviation near 1, and the effective
// weights $c\,w$ near He's $\sqrt{2/\text{fan-in}}$.

// **Exercise 7.3 (derivation).** What is the He constant $c = \sqrt{2/\text{fan-in}}$ of a 3x3 convolution with 32 input feature maps (and any number of outputs)? The table below lists `HeConstant` for the generator's layers: compute it first.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("07.3")` in a new cell reveals the worked solution.

NotebookApp.Cell(19);
double heConstant = double.NaN;   // c for a 3x3 conv with 32 input maps
display(Exercise.Check("07.3", heConstant));

NotebookApp.Cell(20);
var demoG = new ProGanGenerator(model);
display(Table.From(demoG.named_modules().Where(m => m.module is EqualizedConv2d || m.module is EqualizedLinear).Select(m =>
{
    var (w, scale) = m.module switch
    {
        EqualizedConv2d c => ((Tensor)c.Weight, c.Scale),
        EqualizedLinear l => ((Tensor)l.Weight, l.Scale),
        _ => throw new InvalidOperationException(),
    };
    var fanIn = w.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
    return new { Layer = m.name, Shape = string.Join("x", w.shape), FanIn = fanIn, HeConstant = scale,
                 StoredStd = w.std().item<float>(), EffectiveStd = (w * scale).std().item<float>() };
}), "Generator layers: stored weights ~ N(0, 1), scaled at run time"));

// ### 2.3 Pixelwise feature vector normalization in the generator
//
// To stop the magnitudes of $G$'s and $D$'s signals from escalating against each other, the generator normalises the
// feature vector of **each pixel** to unit length after every convolution (a variant of Krizhevsky's local response
// normalization; no learned parameters):
//
// $$b_{x,y} = \frac{a_{x,y}}{\sqrt{\frac{1}{N}\sum_{j=0}^{N-1} \big(a^j_{x,y}\big)^2 + \epsilon}}, \qquad \epsilon = 10^{-8},$$
//
// $N$ the number of feature maps. It rarely changes results much (Table 1, (f) → (g)) but prevents the escalation.

// **Exercise 7.4 (code).** Write the pixel norm for feature maps $a$ of shape $(N, C, H, W)$: $b_{x,y} = a_{x,y} \big/ \sqrt{\frac1C \sum_j (a^j_{x,y})^2 + \epsilon}$ with $\epsilon = 10^{-8}$, the mean taken over the feature maps (dimension 1) at each pixel. The check compares your function with the library's `PixelNorm` (used in the next cell) on random feature maps.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("07.4")` in a new cell reveals the worked solution.

NotebookApp.Cell(23);
Func<Tensor, Tensor> myPixelNorm = a => throw new NotImplementedException();   // replace: a / sqrt(mean over the C maps of a² + 1e-8)
display(Exercise.Check("07.4", myPixelNorm));

NotebookApp.Cell(24);
var a = randn(2, 16, 4, 4) * 7 + 3;
var b = new PixelNorm().forward(a);
Console.WriteLine($"mean square over features per pixel, before: {a.square().mean([1]).mean().item<float>():F2}   after: {b.square().mean([1]).mean().item<float>():F4}");

// ### 2.4 Loss, optimizer and averaged weights
//
// ProGAN trains with the **WGAN-GP** loss of notebook 06 (critic $D$ without sigmoid, gradient penalty with
// $\lambda = 10$) plus a small **drift term** that keeps the critic's outputs from drifting away from zero (a
// Wasserstein critic is only defined up to a constant):
//
// $$L_D = \mathbb{E}_{z}\big[D(G(z))\big] - \mathbb{E}_{x}\big[D(x)\big] + \lambda\,\mathbb{E}_{\hat x}\Big[\big(\lVert \nabla_{\hat x} D(\hat x)\rVert_2 - 1\big)^2\Big] + \epsilon_{drift}\,\mathbb{E}_x\big[D(x)^2\big], \qquad \epsilon_{drift} = 0.001,$$
//
// $$L_G = -\mathbb{E}_z\big[D(G(z))\big],$$
//
// with $\hat x$ on random points between real and generated images (the minibatch-stddev layer makes the critic's
// score of one image depend a little on the others in its group, also inside the penalty; the official code accepts
// this). One critic step per generator step, **Adam with
// $\alpha = 0.001$, $\beta_1 = 0$, $\beta_2 = 0.99$, $\epsilon = 10^{-8}$**, the optimizer state reset when a new
// resolution starts to fade in. Samples are drawn from an **exponential moving average of the generator's weights**,
// $\theta_{ema} \leftarrow \beta\,\theta_{ema} + (1 - \beta)\,\theta_G$ (the paper: $\beta = 0.999$): it smooths the
// oscillations of adversarial training. Our short runs use a shorter average (`EmaDecay` above) so that it follows
// the growth.
//
// Here is the step, from `ProGanTraining.Step` (inputs are full-size real images):
//
// ```csharp
// var real = ProGanImages.Real(realImages, res, alpha);          // pooled to res, blended during a fade-in
// var fake = Generator.Synthesize(z, res, alpha);                 // (no grad)
// var dReal = Discriminator.Score(real, res, alpha);
// var dFake = Discriminator.Score(fake, res, alpha);
// var penalty = GradientPenalty.Compute(Discriminator, real, fake, lambda: 1);
// var dLoss = dFake.mean() - dReal.mean() + 10 * penalty + 0.001 * dReal.square().mean();
// // ... optD.step(); then
// var gLoss = -Discriminator.Score(Generator.Synthesize(z2, res, alpha), res, alpha).mean();
// // ... optG.step(); G_ema = beta * G_ema + (1 - beta) * G
// ```

// ## 3. The networks
//
// The paper's Table 2 (seed 000) for 1024x1024: the generator maps a 512-d latent with a "Conv 4x4" (a dense layer to
// 512x4x4) and a Conv 3x3, then two Conv 3x3 per doubled resolution, LeakyReLU 0.2 and pixel norm after each, and a
// linear 1x1 toRGB; the discriminator mirrors it with fromRGB, two Conv 3x3 and average pooling per halved resolution,
// minibatch stddev, Conv 3x3, Conv 4x4 and a fully connected output; 23.1M parameters each. Ours has the same layers
// with fewer feature maps (`FeatureMapsMax`, halving above 16 px) and grows to 32x32. All blocks are created at the
// start; `Synthesize(z, resolution, alpha)` uses those up to the current resolution.

NotebookApp.Cell(27);
display(Table.From(demoG.named_parameters().GroupBy(p => string.Join(".", p.name.Split('.').Take(2))).Select(g => new
{
    Module = g.Key, Parameters = g.Sum(p => p.parameter.numel()),
    Shapes = string.Join(", ", g.Select(p => $"{p.name.Split('.').Last()} {string.Join("x", p.parameter.shape)}")),
}), $"Generator ({demoG.parameters().Sum(p => p.numel()):N0} parameters; resolutions {string.Join(", ", model.Resolutions())})"));

// The fade-in, checked on the untrained networks: at $\alpha = 0$ the 16x16 output equals the 8x8 output upsampled,
// and the discriminator's score of a 16x16 image equals the 8x8 network's score of the pooled image; in between, the
// output moves linearly.

NotebookApp.Cell(29);
var demoD = new ProGanDiscriminator(model);
var zDemo = randn(4, model.LatentDim);
using (no_grad())
{
    var old8 = ProGanImages.Upsample(demoG.Synthesize(zDemo, 8, 1), 16);
    var full16 = demoG.Synthesize(zDemo, 16, 1);
    Console.WriteLine($"G: max |x16(alpha=0) - up(x8)|           = {(demoG.Synthesize(zDemo, 16, 0) - old8).abs().max().item<float>():E1}");
    Console.WriteLine($"G: max |x16(alpha=0.3) - (0.7 up(x8) + 0.3 x16(1))| = {(demoG.Synthesize(zDemo, 16, 0.3) - (0.7 * old8 + 0.3 * full16)).abs().max().item<float>():E1}");
    var x16 = ProGanImages.Downsample(train.Images[..8], 16);
    Console.WriteLine($"D: max |D16(x, alpha=0) - D8(pool x)|    = {(demoD.Score(x16, 16, 0) - demoD.Score(ProGanImages.Downsample(x16, 8), 8, 1)).abs().max().item<float>():E1}");
}

// ## 4. The sliced Wasserstein distance
//
// To measure how well a GAN reproduces the data **at every scale**, the paper compares local image patches of real
// and generated images on each level of a **Laplacian pyramid** (section 5):
//
// 1. each image is split into a Laplacian pyramid: the finest level holds the details that blurring removes
//    ($L_0 = x - \mathrm{up}(\mathrm{down}(x))$), the next level the same for the half-size image, and so on; the
//    coarsest level keeps the small image itself (the paper: 128 → 16 px);
// 2. from every level, 7x7-pixel patches are cut at random places (128 per image); each patch, 7x7 in 3 colour
//    channels (our grey images are tiled to 3 channels), is a **descriptor** of 147 numbers, normalised to mean 0 and
//    standard deviation 1 per channel within each set;
// 3. the two sets of descriptors are compared with the **sliced Wasserstein distance**: project both onto random unit
//    directions $\theta$; in one dimension the Wasserstein distance between two samples of equal size is the mean
//    absolute difference of their **sorted** values,
//
// $$\mathrm{SWD}(A, B) = \mathbb{E}_\theta\ \frac{1}{n}\sum_{i=1}^{n} \big| \operatorname{sort}(A\theta)_i - \operatorname{sort}(B\theta)_i \big| ,$$
//
// averaged over 4 x 128 directions, reported x 10³ per level and averaged. A small distance at the coarse level means
// the large structures (shapes) have the right statistics, at the fine level the details (edges, textures).
//
// A sanity check: two different halves of the real test set are close, real images with added noise are far, and a
// 4x4 thumbnail blown up to 32x32 (the best a 4x4 model can do) is far on the fine level.

NotebookApp.Cell(31);
var swdImages = course.Profile.Pick(ci: 64, cpu: 1_000, gpu: 1_000);   // two disjoint sets from the 2,000 local test images
var test = ImageDataset.FashionMnist("test", subset: 2 * swdImages, pad32: true);
var realA = test.Images[..swdImages];
var realB = test.Images[swdImages..(2 * swdImages)];
// pyramid levels 32, 16, 8 (the paper stops at 16 for its 128 px images); fewer patches per image than the paper's 128
// keep the cost down on a CPU (the paper uses 16,384 images; the cost grows with images x patches)
var swdPatches = course.Profile.Pick(ci: 8, cpu: 16, gpu: 128);
SwdResult Swd(Tensor fakes) => SlicedWasserstein.Compute(realA, fakes, minResolution: 8, patchesPerImage: swdPatches);
var sanity = new (string Name, Tensor Images)[]
{
    ("real vs other real images", realB),
    ("real vs real + noise (std 0.2)", realB + 0.2 * randn(realB.shape)),
    ("real vs real 4x4, upsampled", ProGanImages.Upsample(ProGanImages.Downsample(realB, 4), 32)),
    ("real vs real 8x8, upsampled", ProGanImages.Upsample(ProGanImages.Downsample(realB, 8), 32)),
}.Select(s => (s.Name, Swd: Swd(s.Images))).ToList();
display(Table.From(sanity.Select(s => new { Comparison = s.Name, SWD32 = s.Swd.PerLevel[0], SWD16 = s.Swd.PerLevel[1],
    SWD8 = s.Swd.PerLevel[2], Average = s.Swd.Average }), $"SWD x 10^3 on {swdImages} images per set"));

// ## 5. Training progressively
//
// The ProGAN step is the course's one training step (notebook 03) with other parts, and only the parts that differ
// are ProGAN's own: the WGAN-GP loss of notebook 06 plus the **drift** term $\epsilon_{drift}\,\mathbb{E}[D(x)^2]$, a
// **growth hook** that sets the resolution and $\alpha$ before each step and resets Adam when a resolution starts
// fading in, the matching **fade-in of the real images**, and the **EMA** of $G$. The cell lists them for the run below.

NotebookApp.Cell(33);
using (var parts = new ProGanTraining(trainConfig, () => zeros(trainConfig.BatchSize, 1, 32, 32), device: course.Device))
{
    var t = parts.Trainer;
    Console.WriteLine($"loss:      {t.Loss.Name}");
    Console.WriteLine($"penalties: {string.Join(", ", t.Config.Penalties.Select(p => p.Name))} (plus the loss's own GP)");
    Console.WriteLine($"reals:     {(t.Config.RealTransform is null ? "as they are" : "shrunk to the current resolution and faded in (ProGanGrowth.Real)")}");
    Console.WriteLine($"hooks:     {string.Join(", ", t.Hooks.Select(h => h.GetType().Name))}");
}

// **Exercise 7.5 (derivation).** Samples come from $\theta_{ema} \leftarrow \beta\,\theta_{ema} + (1 - \beta)\,\theta_G$ with the paper's $\beta = 0.999$ (the run below uses a smaller `EmaDecay`, see section 2.4). After 1000 more updates, what fraction of $\theta_{ema}$ is still the value it had before them (the total weight of everything older than those 1000 steps)?
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("07.5")` in a new cell reveals the worked solution.

NotebookApp.Cell(35);
double oldWeight = double.NaN;   // weight of θ_ema(before) after 1000 updates
display(Exercise.Check("07.5", oldWeight));

// The run follows the schedule of section 1. The live view shows the losses and samples of the averaged generator
// $G_{ema}$ for a fixed batch of $z$, titled with the **current resolution and $\alpha$**. At the end of every phase
// the callback keeps a sample grid and measures the SWD against real test images (generated images are upsampled to
// 32x32 to compare on the same pyramid), and during each fade-in it renders the **same $z$** at
// $\alpha = 0, 0.25, 0.5, 0.75$ and 1. The `cpu` profile trains for a few minutes: expect rough garments; the
// checkpoint in section 6 trained longer.

NotebookApp.Cell(37);
Course.Seed(7);
var progan = new ProGanTraining(trainConfig, train, seed: 7, device: course.Device);
var zFixed = randn(32, model.LatentDim);
var zStrip = zFixed[..8];
var phaseGrids = new List<ImageGrid>();
var phaseSwd = new List<(string Phase, int Images, SwdResult Swd)>();
var strips = new Dictionary<int, List<Tensor>>();   // resolution -> images at alpha 0, .25, .5, .75, 1
Tensor Up(Tensor x) => ProGanImages.Upsample(x, gridResolution);

var view = new TrainingView("ProGAN", progan.StepsLeft, samples: () =>
    ImageGrid.From(Up(progan.Generate(zFixed)), nrow: 8, valueRange: (-1, 1),
        title: $"G_ema at {progan.Resolution}x{progan.Resolution}, alpha = {progan.Alpha:F2} ({progan.Phase.Name})"));

void EndOfPhase(ProGanPhase p)
{
    var samples = Up(progan.Generate(zFixed, p.Resolution, 1.0));
    phaseGrids.Add(ImageGrid.From(samples, nrow: 8, valueRange: (-1, 1), title: $"end of {p.Name} ({p.EndImage:N0} images)"));
    var fakes = Up(progan.Generate(randn(swdImages, model.LatentDim), p.Resolution, 1.0));
    phaseSwd.Add((p.Name, (int)p.EndImage, Swd(fakes)));
    if (p.FadeIn) strips[p.Resolution].Add(Up(progan.Generate(zStrip, p.Resolution, 1.0)));
}

var lastPhase = progan.Phase;
progan.Trainer.OnStep = step =>
{
    var phase = progan.Phase;
    if (phase.Index != lastPhase.Index || progan.Done) { EndOfPhase(lastPhase); lastPhase = phase; }
    if (phase.FadeIn && !progan.Done)
    {
        var list = strips.TryGetValue(phase.Resolution, out var s) ? s : strips[phase.Resolution] = new List<Tensor>();
        if (list.Count < 4 && progan.Alpha >= 0.25 * list.Count)
            list.Add(Up(progan.Generate(zStrip, phase.Resolution, 0.25 * list.Count)));
    }
};
var run = progan.Train(view);
Console.WriteLine($"{run}; {progan.Images:N0} images");

// Samples of $G_{ema}$ for the same $z$ at the end of every phase (lower resolutions enlarged to 32x32): first the
// rough blobs of the 4x4 stage, then each stage adds detail while keeping the garment the previous one laid out.

NotebookApp.Cell(39);
foreach (var g in phaseGrids) display(g);

// **The same $z$ through each fade-in.** Rows: $\alpha = 0, 0.25, 0.5, 0.75, 1$ (taken while training, so the
// weights also move a little between rows). The image changes smoothly from the blocky lower-resolution version to
// the new one, with no jump.

NotebookApp.Cell(41);
foreach (var (res, list) in strips.OrderBy(kv => kv.Key))
    display(ImageGrid.From(cat(list, 0), nrow: 8, valueRange: (-1, 1), title: $"{res / 2}x{res / 2} -> {res}x{res}: rows alpha 0, 0.25, 0.5, 0.75, 1"));

// **Exercise 7.6 (experiment).** Break the fade-in. In section 1's settings cell change `FadeImages: course.Profile.Pick(ci: 64L, cpu: 3_000L, gpu: 300_000L)` to one batch, `FadeImages: course.Profile.Pick(ci: 8L, cpu: 32L, gpu: 64L)` (the batch sizes, so $\alpha$ jumps from 0 to 1 within one step), keep `StableImages`, and run sections 1 and 5 again. Predict first: what do the samples, the losses and these strips do at each resolution change? Then put `FadeImages` back. `Exercise.Solution("07.6")` says what to look for.

// **SWD per phase** (x 10³, generated vs real test images, per pyramid level), the analogue of the paper's Table 1
// along our run: watch how each level moves as blocks are added and faded in. (Short `cpu` runs are noisy; the
// shipped checkpoint below saw about six times as many images.)

NotebookApp.Cell(44);
display(Table.From(phaseSwd.Select(p => new { p.Phase, p.Images, SWD32 = p.Swd.PerLevel[0], SWD16 = p.Swd.PerLevel[1],
    SWD8 = p.Swd.PerLevel[2], Average = p.Swd.Average }), "SWD x 10^3 at the end of each phase"));
var phaseX = phaseSwd.Select(p => (double)p.Images).ToArray();
display(Charts.Lines("SWD at the end of each phase", "images shown to D", "SWD x 10^3",
    new Series("level 32", phaseX, phaseSwd.Select(p => p.Swd.PerLevel[0]).ToArray()),
    new Series("level 16", phaseX, phaseSwd.Select(p => p.Swd.PerLevel[1]).ToArray()),
    new Series("level 8", phaseX, phaseSwd.Select(p => p.Swd.PerLevel[2]).ToArray()),
    new Series("average", phaseX, phaseSwd.Select(p => p.Swd.Average).ToArray())));

// ## 6. Exploring a trained ProGAN: the shipped checkpoint
//
// `data/progan/fashion-mnist-32.bin` holds a ProGAN trained by the kit's own code (the same classes as above) for
// longer than the notebook's run; the file records its architecture, the command that trained it, its settings and
// its training time. `ProGanTraining.LoadGenerator` rebuilds the averaged generator from the recorded architecture;
// passing an architecture that does not match fails with a message naming the field.

NotebookApp.Cell(46);
var checkpoint = System.IO.Path.Combine("..", "data", "progan", "fashion-mnist-32.bin");
var (shipped, info) = ProGanTraining.LoadGenerator(checkpoint, device: course.Device);
Console.WriteLine($"{new System.IO.FileInfo(checkpoint).Length:N0} bytes; {shipped.Config}; {shipped.parameters().Sum(p => p.numel()):N0} generator parameters");
foreach (var (k, v) in info.Notes) Console.WriteLine($"  {k}: {v}");
try { ProGanTraining.LoadGenerator(checkpoint, shipped.Config with { FeatureMapsMax = 64 }); }
catch (System.IO.InvalidDataException e) { Console.WriteLine($"\nA mismatched architecture: {e.Message}"); }

NotebookApp.Cell(47);
Course.Seed(11);
var zShow = randn(64, shipped.Config.LatentDim);
Tensor Shipped(Tensor z, int res, double alpha = 1) { using var _ = no_grad(); return shipped.Synthesize(z.to(course.Device), res, alpha).cpu(); }
display(ImageGrid.From(Shipped(zShow, 32), nrow: 8, valueRange: (-1, 1), title: "Shipped checkpoint: 64 samples at 32x32"));

// **Per-resolution outputs.** Every stage keeps its toRGB layer, so the grown generator can still render the same
// $z$ at every resolution it went through: rows 4, 8, 16 and 32 pixels. The 8x8 row already lays out the garment
// that 16 and 32 refine. The 4x4 row is less faithful: once a resolution has faded out ($\alpha = 1$ at the next
// one) its toRGB is no longer used nor trained, while the features it reads keep changing.

NotebookApp.Cell(49);
var zRes = zShow[..8];
display(ImageGrid.From(cat(new[] { 4, 8, 16, 32 }.Select(r => Up(Shipped(zRes, r))).ToList(), 0), nrow: 8, valueRange: (-1, 1),
    title: "Same z at 4, 8, 16, 32 px (rows)"));

// **The fade-in with frozen weights.** The 16 → 32 transition of the trained network, $\alpha$ from 0 to 1 in
// steps of 0.2 (rows), and as an animation: a smooth blend, which is what lets the new block start from the old
// network's output instead of from noise.

NotebookApp.Cell(51);
var alphas = new[] { 0.0, 0.2, 0.4, 0.6, 0.8, 1.0 };
display(ImageGrid.From(cat(alphas.Select(al => Shipped(zRes, 32, al)).ToList(), 0), nrow: 8, valueRange: (-1, 1),
    title: "16 -> 32 fade-in, rows alpha 0 .. 1"));
display(Animation.From(alphas.Concat(alphas.Reverse()).Select(al => ImageGrid.From(Shipped(zRes, 32, al), nrow: 8, valueRange: (-1, 1))),
    frameDelayMs: 250, title: "alpha 0 -> 1 -> 0"));

// **Interpolation in latent space.** Walking on a straight line between two latent vectors (the generator first
// normalises $z$ with pixel norm, so the path is nearly an arc on the sphere) changes the garment gradually: the
// latent space is smooth, as for the DCGAN of notebook 04.

NotebookApp.Cell(53);
var ends = randn(2 * 6, shipped.Config.LatentDim);
var steps = 10;
var path = cat(Enumerable.Range(0, 6).SelectMany(row => Enumerable.Range(0, steps).Select(i =>
    (ends[2 * row] * (1 - i / (double)(steps - 1)) + ends[2 * row + 1] * (i / (double)(steps - 1))).unsqueeze(0))).ToList(), 0);
display(ImageGrid.From(Shipped(path, 32), nrow: steps, valueRange: (-1, 1), title: "Interpolation between two z (each row)"));

// **Does growing pay off?** SWD of the shipped model's 32x32 samples against real test images, against its own 4x4
// output upsampled (what the model knew after the first stage), and against the real images reduced to 4x4 and
// upsampled (the best any 4x4 model could do).

NotebookApp.Cell(55);
Course.Seed(12);
var zSwd = randn(swdImages, shipped.Config.LatentDim);
var shipped32 = Shipped(zSwd, 32);
var shipped4 = Up(Shipped(zSwd, 4));
var comparison = new (string Name, Tensor Images)[]
{
    ("shipped checkpoint, 32x32", shipped32),
    ("shipped checkpoint, 4x4 output upsampled", shipped4),
    ("real images reduced to 4x4, upsampled", ProGanImages.Upsample(ProGanImages.Downsample(realB, 4), 32)),
    ($"this notebook's run ({course.Profile.Name()} profile), 32x32", Up(progan.Generate(randn(swdImages, model.LatentDim), 32, 1.0))),
}.Select(c => (c.Name, c.Images, Swd: Swd(c.Images))).ToList();
display(Table.From(comparison.Select(c => new { Samples = c.Name, SWD32 = c.Swd.PerLevel[0], SWD16 = c.Swd.PerLevel[1],
    SWD8 = c.Swd.PerLevel[2], Average = c.Swd.Average }), $"SWD x 10^3 against {swdImages} real test images"));

// ## 7. Metrics
//
// The course's image metrics (notebook 04 introduces them): the Fréchet distance (FD) and kernel distance (KID)
// between features of a small classifier trained on Fashion-MNIST, for the generated images against real ones, next
// to the SWD. Lower is better for all three; `FDFloor` is the FD between two real samples of the same size.

NotebookApp.Cell(57);
var nMetric = course.Profile.Pick(ci: 64, cpu: 2_000, gpu: 2_000);   // 2,000 = the size of the FD floor's real sample
var zMetric = randn(nMetric, shipped.Config.LatentDim);
var runs = new (string Name, Tensor Images)[]
{
    ("shipped checkpoint, 32x32", Shipped(zMetric, 32)),
    ("shipped checkpoint, 4x4 output upsampled", Up(Shipped(zMetric, 4))),
    (comparison[3].Name, Up(progan.Generate(randn(nMetric, model.LatentDim), 32, 1.0))),
};
var reports = runs.Select(r => ImageQuality.Evaluate("fashion-mnist", r.Images, r.Name)).ToList();
display(ImageQuality.ToTable(reports, "ProGAN: feature distances"));
display(Table.From(reports.Select(r => new { r.Run, r.Samples, r.FD, r.FDFloor, KIDx1000 = r.KID * 1000,
    SWDx1000 = comparison.First(c => c.Name == r.Run).Swd.Average }), "ProGAN: FD, KID and SWD (lower is better)"));

// ## Takeaways
//
// * **Growing with a fade-in**: for a new block, $x_{32} = (1 - \alpha)\,\mathrm{up}\big(\mathrm{toRGB}_{16}(h)\big) + \alpha\,\mathrm{toRGB}_{32}\big(\mathrm{block}_{32}(\mathrm{up}(h))\big)$,
//   mirrored in $D$ with pooling and fromRGB; real images are reduced and blended with the same $\alpha$.
// * **Minibatch stddev**: $s = \frac{1}{CHW}\sum_{c,h,w} \sqrt{\operatorname{Var}_{i \in \text{group}}[f_{i,c,h,w}] + 10^{-8}}$, one extra feature map at 4x4.
// * **Equalized learning rate** $\hat w_i = c\,w_i$, $c = \sqrt{2/\text{fan-in}}$, $w \sim \mathcal{N}(0, 1)$; **pixel norm**
//   $b_{x,y} = a_{x,y} \big/ \sqrt{\frac{1}{N}\sum_j (a^j_{x,y})^2 + \epsilon}$ after every convolution of $G$.
// * **Loss**: WGAN-GP ($\lambda = 10$) plus the drift $\epsilon_{drift}\,\mathbb{E}_x[D(x)^2]$, $\epsilon_{drift} = 0.001$; Adam $\alpha = 0.001$,
//   $\beta = (0, 0.99)$, reset at each fade-in; samples from $\theta_{ema} \leftarrow \beta\,\theta_{ema} + (1 - \beta)\,\theta_G$.
// * **SWD** per Laplacian-pyramid level, on 7x7 patches: $\mathbb{E}_\theta \frac{1}{n}\sum_i \big|\operatorname{sort}(A\theta)_i - \operatorname{sort}(B\theta)_i\big|$.
//
// **What the measurements showed.** The paper's Table 1 (quoted, seed 000) credits progressive growing alone with an
// average SWD of 9.28 → 4.28 (x 10³) on CelebA 128x128. In this notebook: the SWD sanity check (two real halves vs noisy and
// 4x4-thumbnail images) shows what "close" and "far" mean on each level; in the SWD-per-phase table, watch which level moves
// when a block fades in; the fade-in strips should change without a jump; in "Does growing pay off?", compare the 32x32 row
// with the model's own 4x4 output and with real images reduced to 4x4, level by level (the fine level is where no 4x4 model can compete); in the
// metric table, read FD and KID against `FDFloor`.
//
// **Discussion questions**
//
// 1. Why can no 4x4 model reach a good SWD on the finest pyramid level, however well it trains? What does that say about
//    reading SWD per level rather than only its average?
// 2. What would happen at a resolution change without the fade-in ($\alpha$ jumping to 1), and why reset Adam there?
// 3. The minibatch-stddev feature makes the critic's score of one image depend on the others in its group, also inside the
//    gradient penalty. Does that weaken WGAN-GP's per-sample Lipschitz argument?

NotebookApp.End();
