// Generated from 04-dcgan.ipynb by `dotnet run --project tools/GanCourse.Runner -- --export-apps`; do not edit: change the notebook and regenerate.
// Runs the lesson with no notebook host:  dotnet run notebooks/apps/04-dcgan.cs
// GANCOURSE_PROFILE=ci|cpu|gpu picks the profile; the displayed values go to output/apps/04-dcgan.html.
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
using F = TorchSharp.torch.nn.functional;
using GanCourse.Runner;
using static GanCourse.Runner.NotebookApp; // display(...), as in a notebook

NotebookApp.Start("04-dcgan", "69d515c89feae888");

// # 04 · DCGAN: generating images
//
// Notebook 03 trained a GAN on points of a parabola. Now the same game produces **images**. This notebook follows the
// lectures (seed 004 *DCGAN*, with its PyTorch code re-created in C#; seeds 000, 002 and 003 *DCGAN guidelines* and
// *latent space arithmetics*):
//
// 1. **from noise to an image**: the transposed convolution (`ConvTranspose2d`), how it works, its checkerboard
//    artefacts, and `Upsample` as the alternative;
// 2. the **architecture guidelines** of Radford et al. (2015) and their weight initialisation $\mathcal{N}(0, 0.02)$;
// 3. the lecture's **DCGAN** on Fashion-MNIST at 32x32, layer for layer, trained live;
// 4. the paper's **all-convolutional generator** (only `ConvTranspose2d`) as a second variant;
// 5. the **latent space**: interpolation, vector arithmetic on averaged $z$, and a nearest-neighbour check that the
//    samples are not copies of the training set;
// 6. a **metric table** (Fréchet distance and KID) of both runs.
//
// Both runs use the course's training loop `AdversarialTrainer`
// ([Training/AdversarialTrainer.cs](../lib/GanCourse/Training/AdversarialTrainer.cs)); the models are in
// [Networks/LectureDcgan.cs](../lib/GanCourse/Networks/LectureDcgan.cs) and [Networks/Dcgan.cs](../lib/GanCourse/Networks/Dcgan.cs).

NotebookApp.Cell(2);
var course = Course.Init();

// ## 1. From noise to an image
//
// A generator takes a noise vector $z$ and must output an image. The simplest answer (the lecture's): pass $z$ through
// **fully connected** layers and **reshape** the result to the image size. That works (notebooks 02 and 03 made points
// this way), but a fully connected layer knows nothing about neighbouring pixels. **DCGAN** (*Deep Convolutional GAN*,
// Radford et al., 2015) uses **convolutions** in the discriminator and **transposed convolutions** (also called
// *fractionally-strided* convolutions, wrongly *deconvolutions*) in the generator, which turn a small, deep feature map
// into a larger, shallower one, step by step, like the decoder of the autoencoder in notebook 01.

// ### 1.1 The transposed convolution
//
// How does a `ConvTranspose2d` layer enlarge a feature map? Between the pixels of the input it inserts a grid of
// zeros ($s - 1$ zeros between neighbours for stride $s$), pads the border with $k - 1 - p$ zeros (kernel $k$,
// padding $p$), and runs an **ordinary convolution with stride 1** over the result. The output size is
//
// $$H_{out} = (H_{in} - 1)\, s - 2p + k \qquad (\text{plus } \texttt{output\_padding}).$$
//
// The lecture's example: a 3-channel 10x10 image through `ConvTranspose2d(3, 3, kernel_size=3)` ($s = 1$, $p = 0$):
// $H_{out} = 9 + 3 = 12$.

NotebookApp.Cell(5);
Course.Seed(0);
var x10 = torch.rand(1, 3, 10, 10) * 255;                  // one 3-channel image of 10x10, values 0..255
var convT = nn.ConvTranspose2d(3, 3, 3);                   // in_channels=3, out_channels=3, kernel_size=3
Tensor y12;
using (torch.no_grad()) y12 = convT.forward(x10);
Console.WriteLine($"input [{string.Join(", ", x10.shape)}] -> after ConvTranspose [{string.Join(", ", y12.shape)}]");
display(new Row(ImageGrid.From(x10, padding: 0, valueRange: (0, 255), title: "Input, 10x10", scale: 20),
        ImageGrid.From(y12, padding: 0, normalize: true, title: "After ConvTranspose, 12x12", scale: 20)));

// The output does not resemble the input: the kernels have random weights (and we rescaled the output's range to
// show it; the lecture casts to bytes). What matters is the shape: each input pixel "stamps" the $3 \times 3$ kernel,
// weighted by its value, onto the output, and overlapping stamps add up, so the output is $k - 1$ pixels larger.
//
// **The zero-insertion picture, checked.** The lecture's animation takes a 3x3 input to 5x5 with kernel 3, stride 2,
// padding 1. Below: the input, the input with zeros inserted and the border padded ($k - 1 - p = 1$), the output of
// `ConvTranspose2d`, and an ordinary `conv2d` of the zero-inserted input with the kernel flipped by 180°. The last two
// must be equal.

NotebookApp.Cell(7);
Course.Seed(1);
var small = torch.arange(1, 10, dtype: float32).reshape(1, 1, 3, 3);
var ct = nn.ConvTranspose2d(1, 1, 3, stride: 2, padding: 1, bias: false);
Tensor viaLayer, zeroInserted, byHand;
using (torch.no_grad())
{
    viaLayer = ct.forward(small);                                                  // 3x3 -> (3-1)*2 - 2 + 3 = 5x5
    var dilated = torch.zeros(1, 1, 5, 5);
    dilated[TensorIndex.Ellipsis, TensorIndex.Slice(0, null, 2), TensorIndex.Slice(0, null, 2)] = small; // s-1 = 1 zero between pixels
    zeroInserted = F.pad(dilated, new long[] { 1, 1, 1, 1 });                      // k-1-p = 1 zero around
    byHand = F.conv2d(zeroInserted, ct.weight!.transpose(0, 1).flip(2, 3));        // stride-1 convolution, flipped kernel
}
Console.WriteLine($"ConvTranspose2d output {string.Join("x", viaLayer.shape.Skip(2))}, by hand {string.Join("x", byHand.shape.Skip(2))}, " +
                  $"max |difference| = {(viaLayer - byHand).abs().max().item<float>():E1}");
display(new Row(ImageGrid.From(small, padding: 0, normalize: true, title: "input 3x3", scale: 24),
        ImageGrid.From(zeroInserted, padding: 0, normalize: true, title: "zeros inserted + padded, 7x7", scale: 24),
        ImageGrid.From(viaLayer, padding: 0, normalize: true, title: "ConvTranspose2d, 5x5", scale: 24),
        ImageGrid.From(byHand, padding: 0, normalize: true, title: "conv2d of the 7x7, 5x5", scale: 24)));

// **Exercise 4.1 (derivation).** A $16 \times 16$ feature map goes through `ConvTranspose2d(64, 32, kernel_size: 5, stride: 2, padding: 2, output_padding: 1)`. What is the height $H_{out}$ of the output? Use the formula of section 1.1, $H_{out} = (H_{in} - 1)\, s - 2p + k + \texttt{output\_padding}$, and think about why `output_padding` exists.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("04.1")` in a new cell reveals the worked solution.

NotebookApp.Cell(9);
double hOut = double.NaN;   // H_out for H_in = 16, k = 5, s = 2, p = 2, output_padding = 1
display(Exercise.Check("04.1", hOut));

// **Exercise 4.2 (predict).** Before reading on: set every weight of a `ConvTranspose2d(1, 1, 3, stride: 2, padding: 1)` to 1 and feed it a constant $8 \times 8$ image of ones. Each output pixel then counts how many input pixels "stamp" the kernel onto it. Away from the border, does the output take (a) one value everywhere, (b) the three values 1, 2 and 4, or (c) the two values 1 and 3? The cell after the next paragraph prints the counts; predict first.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("04.2")` in a new cell reveals the worked solution.

NotebookApp.Cell(11);
string predictOverlaps = "";   // "a", "b" or "c"
display(Exercise.Check("04.2", predictOverlaps));

// **Checkerboard artefacts.** When the kernel size is not divisible by the stride, the stamps overlap unevenly: with
// $k = 3$, $s = 2$ some output pixels receive contributions from one input pixel, others from two or four. A generator
// built from such layers must learn weights that cancel this pattern, and early in training (often later too) its
// images show a fine **checkerboard** (Odena, Dumoulin & Olah, *Deconvolution and Checkerboard Artifacts*, 2016). To see
// the pattern alone, set every kernel weight to 1 and feed a constant image: the output counts the overlaps.
// $k = 4$, $s = 2$ (the DCGAN paper's layers) overlaps evenly away from the border; **upsampling followed by a
// stride-1 convolution** (the lecture's generator below) avoids the problem by construction.

NotebookApp.Cell(13);
var flat = torch.ones(1, 1, 8, 8);
Tensor Overlaps(int k, int s, int p)
{
    using var layer = nn.ConvTranspose2d(1, 1, k, stride: s, padding: p, bias: false);
    using (torch.no_grad()) { layer.weight!.fill_(1); return layer.forward(flat); }
}
var over3 = Overlaps(3, 2, 1);                                          // 8x8 -> 15x15
var over4 = Overlaps(4, 2, 1);                                          // 8x8 -> 16x16
Tensor upConv;
using (torch.no_grad())
{
    var up = nn.Upsample(scale_factor: new double[] { 2, 2 }, mode: UpsampleMode.Nearest).forward(flat);
    upConv = F.conv2d(F.pad(up, new long[] { 1, 1, 1, 1 }), torch.ones(1, 1, 3, 3));
}
string Interior(Tensor t) => string.Join(", ", t[0, 0, TensorIndex.Slice(2, -2), TensorIndex.Slice(2, -2)].unique().output.data<float>().Select(v => v.ToString("0")));
Console.WriteLine($"distinct overlap counts away from the border: k=3,s=2: {{{Interior(over3)}}}   k=4,s=2: {{{Interior(over4)}}}   upsample + conv 3x3: {{{Interior(upConv)}}}");
display(new Row(ImageGrid.From(over3, padding: 0, valueRange: (0, 4), title: "ConvTranspose k=3, s=2", scale: 16),
        ImageGrid.From(over4, padding: 0, valueRange: (0, 4), title: "ConvTranspose k=4, s=2", scale: 16),
        ImageGrid.From(upConv, padding: 0, valueRange: (0, 9), title: "Upsample x2 + conv 3x3", scale: 16)));

// ### 1.2 The alternative: upsampling
//
// Besides transposed convolutions there are simpler ways to raise the resolution: **interpolation**. In PyTorch (and
// TorchSharp) it is the `Upsample` layer; the lecture's example doubles a random 10x10 image with **bilinear**
// interpolation (`align_corners=False`). Upsample has no weights; a following convolution learns what to do with the
// enlarged map. The lecture's DCGAN uses `Upsample` (nearest neighbour, the default mode) + `Conv2d`.

NotebookApp.Cell(15);
Course.Seed(2);
var x10b = torch.rand(1, 3, 10, 10);
var upsample = nn.Upsample(scale_factor: new double[] { 2, 2 }, mode: UpsampleMode.Bilinear, align_corners: false);
Tensor y20;
using (torch.no_grad()) y20 = upsample.forward(x10b);
Console.WriteLine($"Input shape: [{string.Join(", ", x10b.shape)}]   Output shape: [{string.Join(", ", y20.shape)}]");
display(new Row(ImageGrid.From(x10b, padding: 0, valueRange: (0, 1), title: "Input, 10x10", scale: 20),
        ImageGrid.From(y20, padding: 0, valueRange: (0, 1), title: "After Upsample (bilinear), 20x20", scale: 10)));

// ## 2. Architecture guidelines and initialisation
//
// Radford et al. searched many architectures and summarised what made GAN training on images stable
// (seed 002 *Architecture guidelines for stable DCGANs*; seeds 000, 003):
//
// 1. Replace pooling layers with **strided convolutions** in $D$ and **fractionally-strided convolutions** in $G$
//    ("no max-pooling, use strides instead").
// 2. Use **batch normalisation** in both $G$ and $D$ (seed 000: after every layer except the output of $G$ and the
//    input layer of $D$).
// 3. Remove **fully connected hidden layers** for deeper architectures (the generator's first layer, a projection of
//    $z$, is a matrix multiplication reshaped to a 4-D tensor; $D$'s last convolution is flattened into one sigmoid output).
// 4. **ReLU** in the generator for all layers except the output, which uses **tanh** (images scaled to $[-1, 1]$).
// 5. **LeakyReLU** (slope 0.2) in the discriminator for all layers.
//
// The intuition of the lecture: 1 and 2 let the gradients propagate better. Training details of the paper: **Adam**
// with learning rate $2 \cdot 10^{-4}$ ($10^{-3}$ was too high) and $\beta_1 = 0.5$ (the default 0.9 made training
// oscillate and unstable), mini-batches of 128, and all weights initialised from a zero-centred normal distribution
// with standard deviation **0.02**. The lecture's `weights_init_normal` does exactly that, and BatchNorm scales start
// at $\mathcal{N}(1, 0.02)$, biases at 0. In the library
// ([Networks/LectureDcgan.cs](../lib/GanCourse/Networks/LectureDcgan.cs)), applied with `model.apply(Init.DcganNormal)`:
//
// ```csharp
// public static void DcganNormal(Module m)
// {
//     using var _ = no_grad();
//     switch (m)
//     {
//         case Conv2d c: init.normal_(c.weight!, 0.0, 0.02); break;
//         case ConvTranspose2d ct: init.normal_(ct.weight!, 0.0, 0.02); break;
//         case BatchNorm2d bn: init.normal_(bn.weight!, 1.0, 0.02); init.constant_(bn.bias!, 0.0); break;
//     }
// }
// ```
//
// (Like the lecture's `classname.find("Conv")`, it leaves `Linear` layers at PyTorch's default initialisation.)

// ## 3. The lecture's DCGAN on Fashion-MNIST
//
// The lecture's generator departs from the guidelines in instructive ways: its projection of $z$ is a `Linear` layer
// to $128 \times 8 \times 8$; it grows the image with **upsampling + convolution** blocks (`Upsample` + `Conv2d`) instead of transposed convolutions
// (no checkerboard by construction); and it uses LeakyReLU instead of ReLU. Its discriminator has four **strided**
// convolution blocks (3x3, stride 2: 32 → 16 → 8 → 4 → 2) with LeakyReLU, `Dropout2d(0.25)` and BatchNorm, then a
// `Linear` layer and a sigmoid. In C#, layer for layer and with the PyTorch parameter names
// ([Networks/LectureDcgan.cs](../lib/GanCourse/Networks/LectureDcgan.cs)):
//
// ```csharp
// // Generator: z (100) -> Linear -> 128 x 8 x 8 -> ... -> 1 x 32 x 32
// l1 = Sequential(Linear(latentDim, 128 * initSize * initSize));          // initSize = imgSize / 4 = 8
// conv_blocks = Sequential(
//     BatchNorm2d(128),
//     Upsample(scale_factor: [2.0, 2.0]),                                  // 8 -> 16
//     Conv2d(128, 128, 3, stride: 1, padding: 1), BatchNorm2d(128, eps: 0.8), LeakyReLU(0.2, inplace: true),
//     Upsample(scale_factor: [2.0, 2.0]),                                  // 16 -> 32
//     Conv2d(128, 64, 3, stride: 1, padding: 1), BatchNorm2d(64, eps: 0.8), LeakyReLU(0.2, inplace: true),
//     Conv2d(64, channels, 3, stride: 1, padding: 1), Tanh());
// // forward: conv_blocks(l1(z).view(N, 128, 8, 8))
//
// // Discriminator: discriminator_block(in, out, bn) = Conv2d(in, out, 3, 2, 1), LeakyReLU(0.2), Dropout2d(0.25) [, BatchNorm2d(out, 0.8)]
// model = Sequential(block(1, 16, bn: false), block(16, 32), block(32, 64), block(64, 128));
// adv_layer = Sequential(Linear(128 * 2 * 2, 1), Sigmoid());
// ```
//
// **The 0.8 is not a momentum.** PyTorch's signature is `BatchNorm2d(num_features, eps=1e-05, momentum=0.1, ...)`,
// so in `BatchNorm2d(128, 0.8)` the second positional argument is $\epsilon$ in
//
// $$\hat x = \gamma\,\frac{x - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}} + \beta .$$
//
// With $\epsilon = 0.8$ instead of $10^{-5}$ the layer barely normalises activations whose variance is small: it
// divides by $\sqrt{\sigma_B^2 + 0.8} \approx 0.9$ rather than by $\sigma_B$. The code this lecture follows (the popular
// PyTorch-GAN collection) most likely meant `momentum=0.8`; it still trains, and we keep the model exactly as written
// (the course's `LectureDcganGenerator` uses `eps: 0.8`). The effect on a batch of activations with standard deviation 0.05:

// **Exercise 4.3 (derivation).** Before running the next cell: the activations of a channel have batch mean 0 and standard deviation $0.05$. With its initial $\gamma = 1$, $\beta = 0$, what is the standard deviation of the output of `BatchNorm2d(128, eps: 0.8)`, $\hat x = (x - \mu_B)/\sqrt{\sigma_B^2 + \epsilon}$? The cell after the check measures it.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("04.3")` in a new cell reveals the worked solution.

NotebookApp.Cell(19);
double stdOut = double.NaN;   // std of the output for inputs of std 0.05, eps = 0.8
display(Exercise.Check("04.3", stdOut));

NotebookApp.Cell(20);
Course.Seed(3);
var acts = torch.randn(64, 128, 8, 8) * 0.05;
foreach (var eps in new[] { 1e-5, 0.8 })
{
    using var bn = nn.BatchNorm2d(128, eps: eps);
    Tensor outBn;
    using (torch.no_grad()) outBn = bn.forward(acts);
    Console.WriteLine($"BatchNorm2d(128, eps: {eps}): input std {acts.std().item<float>():F3} -> output std {outBn.std().item<float>():F3}");
}

// **Exercise 4.4 (code).** Write BatchNorm's training-mode normalisation (with $\gamma = 1$, $\beta = 0$, $\epsilon = 0.8$) for a batch $x$ of shape $(N, C, H, W)$: per channel, subtract the mean over the batch and the pixels (dimensions 0, 2, 3) and divide by $\sqrt{\sigma_B^2 + \epsilon}$, with the **biased** variance (divide by the number of values). Hint: `x.mean(new long[] { 0, 2, 3 }, keepdim: true)` and `x.var(..., unbiased: false, keepdim: true)`. The check compares your function with TorchSharp's `BatchNorm2d(C, eps: 0.8)` on random batches.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("04.4")` in a new cell reveals the worked solution.

NotebookApp.Cell(22);
Func<Tensor, Tensor> batchNorm = x => throw new NotImplementedException();   // replace with (x − μ_B) / sqrt(σ_B² + 0.8), per channel
display(Exercise.Check("04.4", batchNorm));

// ### 3.1 Data
//
// Fashion-MNIST (10 classes of clothes, 28x28, grey) like the lecture, scaled to $[-1, 1]$ (the lecture's
// `Normalize([0.5], [0.5])`, to match the generator's tanh) and brought to **32x32**: the lecture resizes with bilinear
// interpolation, we pad 2 background pixels on each side (`pad32`), which keeps the pixels exact. The kit ships a
// balanced subset of 10,000 training images (the full 60,000 when fetched, see `data/README.md`).

NotebookApp.Cell(24);
var trainImages = course.Profile.Pick(ci: 512, cpu: 10_000, gpu: 60_000);
var train = ImageDataset.FashionMnist("train", subset: trainImages, pad32: true);
Console.WriteLine(train);
display(ImageGrid.From(train.Images[TensorIndex.Slice(0, 64)], valueRange: (-1, 1), title: "Real Fashion-MNIST, 32x32"));

// ### 3.2 Training
//
// The lecture's settings: batch 64, Adam with lr $2 \cdot 10^{-4}$ and betas $(0.5, 0.999)$, latent dimension 100,
// binary cross-entropy, the non-saturating generator loss (the generator's images labelled *valid*); it trains 2 epochs
// ("enough for decent images; 5 epochs to look good"). The `gpu` profile does 5 epochs; the `cpu` profile trains for
// a few minutes only, which is what this model costs on two CPU cores (its 3x3 convolutions on 128 channels at 16x16
// and 32x32 make it the slowest model of the course so far).
//
// Differences to the lecture's loop, none of which changes the method:
//
// * The discriminator returns the **logit** $l$ and the loss applies the sigmoid inside (`LectureDcganDiscriminator(logits: true)`):
//   $\mathrm{BCE}(\sigma(l), y)$ computed as `BCEWithLogits` is the same function, without ever taking $\log 0$.
// * `AdversarialTrainer` updates $D$ first, then $G$ on fresh noise (Goodfellow et al.'s Algorithm 1, as in
//   notebook 03); the lecture updates $G$ first and then $D$ on the same fakes. We plot $\mathrm{loss}_D / 2$, the
//   lecture's `d_loss = (real_loss + fake_loss) / 2`.
//
// The live view shows the losses and a grid of $G(z)$ for a **fixed** batch of 64 noise vectors, which we also save at
// regular intervals for an animation of training.

NotebookApp.Cell(26);
var batchSize = 64;
var lr = 2e-4;
var b1 = 0.5;            // Adam: decay of first order momentum of gradient
var b2 = 0.999;          // Adam: decay of second order momentum
var latentDim = 100;
var imgSize = 32;
var channels = 1;
var batchesPerEpoch = train.Count / batchSize;
var seedSteps = course.Profile.Pick(ci: 6, cpu: 240, gpu: 5 * batchesPerEpoch);
var frames = 16;                                              // animation frames per run

Course.Seed(4);
var fixedNoise = torch.randn(64, latentDim);                  // the same z for every snapshot and both runs

// One DCGAN run with the shared loop: live view, snapshots of G(fixedNoise) for the animation, wall time.
(AdversarialTrainer Trainer, List<ImageGrid> Frames, double Seconds) TrainDcgan(string name, nn.Module<Tensor, Tensor> generator, int steps, int seed)
{
    var discriminator = new LectureDcganDiscriminator(imgSize, channels, logits: true);
    generator.apply(Init.DcganNormal);
    discriminator.apply(Init.DcganNormal);
    var stream = new BatchStream(train, batchSize, seed: seed, device: course.Device);
    var trainer = new AdversarialTrainer(generator, discriminator, new NonSaturatingGanLoss(), stream.Next,
        new AdversarialConfig(latentDim, batchSize) { SnapshotEvery = Math.Max(1, steps / frames) },
        p => optim.Adam(p, lr, b1, b2), p => optim.Adam(p, lr, b1, b2));
    var snaps = new List<ImageGrid>();
    ImageGrid Grid() => ImageGrid.From(trainer.Generate(fixedNoise), valueRange: (-1, 1), title: $"{name}, step {trainer.Step}");
    var view = new TrainingView(name, steps, samples: Grid).Show();
    trainer.OnStep = s => view.Report(s.Step + 1, new Dictionary<string, float> { ["D"] = s.D / 2, ["G"] = s.G }, s.Samples);
    trainer.OnSnapshot = t => snaps.Add(Grid());
    var clock = System.Diagnostics.Stopwatch.StartNew();
    trainer.Train(steps);
    var seconds = clock.Elapsed.TotalSeconds;
    view.Complete();
    Console.WriteLine($"{name}: {steps} steps ({steps / (double)batchesPerEpoch:F1} epochs of {train.Count:N0} images) in {seconds:F0} s, " +
                      $"{1000 * seconds / steps:F0} ms per step");
    return (trainer, snaps, seconds);
}

NotebookApp.Cell(27);
Course.Seed(5);
var seedG = new LectureDcganGenerator(latentDim, imgSize, channels);
var seedRun = TrainDcgan("Lecture DCGAN (Upsample + Conv)", seedG, seedSteps, seed: 5);

// The fixed noise batch over training, one frame per snapshot. What to look for: first grey noise, then blobs in the
// positions of clothes, then silhouettes (shirts, trousers, shoes, bags), then details; how far a run gets depends on
// its profile (after a short `ci` or `cpu` run this generator can still be at the blobs). Each position of the grid keeps its $z$,
// so you can follow one sample as the generator changes.

NotebookApp.Cell(29);
display(Animation.From(seedRun.Frames, frameDelayMs: 300, title: "Lecture DCGAN: G(fixed z) during training"));

// ## 4. The paper's all-convolutional generator
//
// The DCGAN paper's generator (Figure 1 of Radford et al.; seed 000: *a 100-dimensional $z$ is projected to a small
// spatial extent convolutional representation with many feature maps; a series of fractionally-strided convolutions
// then convert this high-level representation into the image; no fully connected or pooling layers are used*). Sized
// for 32x32 like PyTorch's DCGAN tutorial, with `ConvTranspose2d(in, out, 4, stride 2, padding 1)` doubling the
// resolution ($H_{out} = (H - 1) \cdot 2 - 2 + 4 = 2H$), BatchNorm + **ReLU**, **tanh** at the output
// ([Networks/Dcgan.cs](../lib/GanCourse/Networks/Dcgan.cs)):
//
// ```csharp
// // z (N, 100, 1, 1) -> 256 x 4 x 4 -> 128 x 8 x 8 -> 64 x 16 x 16 -> 1 x 32 x 32      (ngf = baseChannels = 64)
// ConvTranspose2d(100, 256, 4, stride: 1, padding: 0, bias: false), BatchNorm2d(256), ReLU(),   // "project and reshape"
// ConvTranspose2d(256, 128, 4, stride: 2, padding: 1, bias: false), BatchNorm2d(128), ReLU(),
// ConvTranspose2d(128,  64, 4, stride: 2, padding: 1, bias: false), BatchNorm2d(64),  ReLU(),
// ConvTranspose2d( 64,   1, 4, stride: 2, padding: 1, bias: false), Tanh()
// ```
//
// The discriminator stays the lecture's, so the comparison is about the generator. This generator has about as many
// weights as the lecture's (1.07 M vs 1.05 M) but does most of its work at low resolution, so a step should cost several times less
// (the cost table of section 5.4 measures it).

NotebookApp.Cell(31);
Course.Seed(6);
var paperG = new DcganGenerator(latentDim, imgSize, channels, baseChannels: 64);
Tensor shapeProbe;
using (torch.no_grad()) shapeProbe = paperG.forward(torch.randn(2, latentDim));
long Params(nn.Module m) => m.parameters().Sum(p => p.numel());
Console.WriteLine($"lecture G: {Params(seedG):N0} weights   paper G: {Params(paperG):N0} weights   D: {Params(new LectureDcganDiscriminator(logits: true)):N0} weights");
Console.WriteLine($"paper G: z [2, {latentDim}] -> [{string.Join(", ", shapeProbe.shape)}]");

// The two generators as the DCGAN paper draws its Figure 1: a block per feature map (taller for a higher resolution,
// deeper for more channels) and the layers between two blocks on the arrow. The drawing is traced from the models
// above by running one $z$ through their layers (`ArchitectureDiagram.Trace`), so it shows the networks this
// notebook trains: the lecture's projects $z$ with a linear layer and upsamples by interpolation, the paper's starts
// from a $1 \times 1$ map and lets every transposed convolution double the resolution.

NotebookApp.Cell(33);
// shapes only: a zero z leaves the random stream of the training below untouched
display(ArchitectureDiagram.Trace("The lecture's generator (LectureDcganGenerator)", seedG, torch.zeros(1, latentDim)));
display(ArchitectureDiagram.Trace("The paper's generator (DcganGenerator, Radford et al. Figure 1)", paperG, torch.zeros(1, latentDim)));

NotebookApp.Cell(34);
var paperSteps = course.Profile.Pick(ci: 6, cpu: 1200, gpu: 5 * batchesPerEpoch);
var paperRun = TrainDcgan("Paper DCGAN (ConvTranspose)", paperG, paperSteps, seed: 6);

NotebookApp.Cell(35);
display(Animation.From(paperRun.Frames, frameDelayMs: 300, title: "Paper DCGAN: G(fixed z) during training"));

// **Exercise 4.5 (experiment).** Train the paper's generator **without BatchNorm**: in a new cell, build the same layers minus the `BatchNorm2d`s as a `nn.Sequential` (`nn.Unflatten(1, new long[] { latentDim, 1, 1 })`, then `ConvTranspose2d` $100 \to 256$ (4, stride 1, padding 0), ReLU, $256 \to 128$ (4, 2, 1), ReLU, $128 \to 64$ (4, 2, 1), ReLU, $64 \to 1$ (4, 2, 1), Tanh, all with `bias: false`) and run it with `TrainDcgan("Paper DCGAN without BatchNorm", noBnG, paperSteps, seed: 6)`. Predict first: what does the first frame look like, and how do the samples compare with the BatchNorm run's after the same number of steps? `Exercise.Solution("04.5")` has the code and says what to look for.

// Both generators side by side on the same fixed noise, and what the discriminator said during training: the mean of
// $D(x) = \sigma(l)$ on real batches and of $D(G(z))$ on generated ones (smoothed over 25 steps). Read the curves
// with care: $D \approx \frac12$ on both is what the theory's equilibrium looks like ($p_g = p_{data}$, so
// $D^* = \frac12$), but it is also what a discriminator **at chance** looks like, one that cannot tell real from
// fake at all. The samples decide which it is.

NotebookApp.Cell(38);
// G(z) for many z, 250 at a time (the lecture's generator holds 128 x 32 x 32 floats per image at its last layers)
Tensor GenerateMany(AdversarialTrainer t, Tensor z) => torch.cat(z.split(250).Select(b => t.Generate(b)).ToArray());
double[] Smooth(IEnumerable<double> v, int w = 25)
{
    var a = v.ToArray();
    return a.Select((_, i) => a[Math.Max(0, i - w + 1)..(i + 1)].Average()).ToArray();
}
double Sigmoid(double l) => 1 / (1 + Math.Exp(-l));
Series Score(string name, AdversarialTrainer t, Func<GanStep, double> f) =>
    new(name, t.History.Select(s => (double)s.Step).ToArray(), Smooth(t.History.Select(f)));
display(new Row(seedRun.Frames[^1], paperRun.Frames[^1]));
display(Charts.Lines("Discriminator outputs during training (mean per batch, smoothed)", "step", "D",
    Score("lecture G: D(x) real", seedRun.Trainer, s => Sigmoid(s.RealScore)),
    Score("lecture G: D(G(z))", seedRun.Trainer, s => Sigmoid(s.FakeScore)),
    Score("paper G: D(x) real", paperRun.Trainer, s => Sigmoid(s.RealScore)),
    Score("paper G: D(G(z))", paperRun.Trainer, s => Sigmoid(s.FakeScore))));

NotebookApp.Cell(39);
// the curves' first and last values, from this run's history
string Moved(AdversarialTrainer t, Func<GanStep, double> f) { var s = Smooth(t.History.Select(f)); return $"{s[0]:F3} → {s[^1]:F3}"; }
display(Prose.From($"**In this run**, smoothed: the lecture's discriminator gave real images {Moved(seedRun.Trainer, s => Sigmoid(s.RealScore))} " +
    $"and generated ones {Moved(seedRun.Trainer, s => Sigmoid(s.FakeScore))}; the paper generator's run gave real images " +
    $"{Moved(paperRun.Trainer, s => Sigmoid(s.RealScore))} and generated ones {Moved(paperRun.Trainer, s => Sigmoid(s.FakeScore))} " +
    $"(first → last step)."));

// If a discriminator's outputs sit near $\frac12$ for real and generated images **from the first step on**, and
// $\text{loss}_D / 2$ stays near $\ln 2 \approx 0.693$ (the loss of a coin flip), the discriminator never learned
// to separate them: that is chance, not an equilibrium reached by training. The lecture's discriminator, weakened by
// `Dropout2d(0.25)` and the large $\epsilon$ of its BatchNorm, tends to behave like this in short runs, and a
// discriminator that cannot tell real from fake gives its generator little to learn from; compare its grid with the
// paper generator's. A discriminator that learns shows real outputs above $\frac12$ and fake ones below, at least
// for a while.

// (Strictly, $\sigma$ of the mean logit, which the loop records; close to the mean of $\sigma$ when the logits are near 0.)

// ## 5. The latent space
//
// The lecture: each component of $z$ can be seen as a scale along which properties of the generated object change;
// picking a few latent vectors and walking between them shows the images changing **smoothly**. If the generator had
// memorised training images, walks would jump abruptly from one to the next. We explore the paper's generator, which
// trained the longest in this profile.

// ### 5.1 Straight or curved walks?
//
// A straight line $z_t = (1 - t)\, z_0 + t\, z_1$ (**lerp**) is the obvious walk. But $z \sim \mathcal{N}(0, I_{100})$ is
// almost always at distance $\approx \sqrt{100} = 10$ from the origin (its norm has a $\chi_{100}$ distribution: mean
// 9.97, std 0.71). Two such points are almost orthogonal, and the midpoint of the segment between them has norm
// $\approx 10/\sqrt 2 \approx 7.1$: a region the generator never saw in training. **Spherical interpolation**
// (**slerp**, White 2016, *Sampling Generative Networks*) walks along the great circle instead:
//
// $$\mathrm{slerp}(z_0, z_1; t) = \frac{\sin\big((1-t)\,\Omega\big)}{\sin \Omega}\, z_0 + \frac{\sin(t\,\Omega)}{\sin \Omega}\, z_1, \qquad \cos\Omega = \frac{z_0 \cdot z_1}{\|z_0\|\,\|z_1\|}.$$
//
// Both are in [Networks/Latent.cs](../lib/GanCourse/Networks/Latent.cs) (`Latent.Lerp`, `Latent.Slerp`, `Latent.Path`, `Latent.Grid`).

// **Exercise 4.6 (derivation).** $z_0$ and $z_1$ are independent draws of $\mathcal{N}(0, I_{100})$ and $z_t = (1 - t)\, z_0 + t\, z_1$. What is the typical norm of the lerp walk at $t = \frac14$, $\sqrt{\mathbb{E}\|z_t\|^2}$? The chart below shows the norms along one walk: compare after checking.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("04.6")` in a new cell reveals the worked solution.

NotebookApp.Cell(45);
double lerpNorm = double.NaN;   // sqrt(E‖z_t‖²) at t = 1/4, d = 100
display(Exercise.Check("04.6", lerpNorm));

NotebookApp.Cell(46);
var gen = paperRun.Trainer;
Course.Seed(7);
var zA = torch.randn(latentDim);
var zB = torch.randn(latentDim);
var ts = Enumerable.Range(0, 21).Select(i => i / 20.0).ToArray();
double[] Norms(Interpolation kind) => Latent.Path(zA, zB, ts.Length, kind).norm(1).data<float>().Select(v => (double)v).ToArray();
display(Charts.Lines("Norm of z along the walk between two samples of N(0, I_100)", "t", "‖z_t‖",
    new Series("lerp", ts, Norms(Interpolation.Linear)),
    new Series("slerp", ts, Norms(Interpolation.Spherical)),
    new Series("√100", ts, ts.Select(_ => 10.0).ToArray())));
var walkL = Latent.Path(zA, zB, 10, Interpolation.Linear);
var walkS = Latent.Path(zA, zB, 10, Interpolation.Spherical);
display(ImageGrid.From(gen.Generate(torch.cat(new[] { walkL, walkS })), nrow: 10, valueRange: (-1, 1), title: "The same walk: lerp (top), slerp (bottom)"));

// In the middle of the lerp row the images tend to be slightly fainter (the generator's input is "shorter" than
// anything it saw in training); slerp keeps their contrast closer to the endpoints'. The difference is small, and the
// DCGAN paper itself used straight lines.

// ### 5.2 Interpolation between four points
//
// The lecture's figure (Pieters & Wiering): linear interpolations between four images in the latent space. Each row
// walks between the left and the right edge, which walk between the four corners (slerp here).

NotebookApp.Cell(49);
Course.Seed(8);
var corners = torch.randn(4, latentDim);
display(ImageGrid.From(gen.Generate(Latent.Grid(corners, 8)), nrow: 8, valueRange: (-1, 1), title: "Interpolations between four corners of the latent space"));

// And as an animation: eight independent walks, each through five random points and back to the first, 12 slerp
// steps per segment.

NotebookApp.Cell(51);
Course.Seed(9);
var walkPoints = 5;
var stepsPerSegment = 12;
var stops = torch.randn(walkPoints, 8, latentDim);                // 8 walks, each through 5 points
var walkFrames = new List<ImageGrid>();
for (var seg = 0; seg < walkPoints; seg++)
    for (var i = 0; i < stepsPerSegment; i++)
    {
        using var scope = torch.NewDisposeScope();
        var z = Latent.Slerp(stops[seg], stops[(seg + 1) % walkPoints], i / (double)stepsPerSegment);
        walkFrames.Add(ImageGrid.From(gen.Generate(z), nrow: 8, valueRange: (-1, 1)));
    }
display(Animation.From(walkFrames, frameDelayMs: 90, title: "Walks through the latent space (slerp)"));

// ### 5.3 Vector arithmetic on averaged $z$
//
// Radford et al. (Figure 7; seed 002 *Latent space arithmetics*): for each concept, take the $z$ of **three** samples
// showing it and **average** them; then compute, e.g., $Y = \bar z_{\text{smiling woman}} - \bar z_{\text{neutral woman}} +
// \bar z_{\text{neutral man}}$ and feed $Y$ to the generator: out comes a smiling man. The centre image is $G(Y)$; the
// other eight add uniform noise of scale $\pm 0.25$ to $Y$ to show that the neighbourhood agrees. Averaging matters:
// single samples gave unstable results. The same arithmetic on **pixels** only overlays the images.
//
// Fashion-MNIST has no smiles, but it has classes and brightness. We generate 2,000 samples, label each with the class of
// its **nearest training image** (section 5.4's tool; a classifier would do too), measure each sample's brightness, and
// ask: **dark T-shirt − bright T-shirt + bright trousers = ?** If "dark minus bright" is a direction in $z$ that
// does not depend on the garment, the answer is *dark trousers*. (Change the classes and `bright:` flags in the call to
// try other concepts.)

NotebookApp.Cell(53);
var poolSize = course.Profile.Pick(ci: 300, cpu: 2_000, gpu: 2_000);
Course.Seed(10);
var poolZ = torch.randn(poolSize, latentDim);
var poolX = GenerateMany(gen, poolZ);
long[] poolClass;
using (var nnPool = NearestNeighbours.Search(poolX, train.Images, k: 1))
    poolClass = train.Labels.index_select(0, nnPool.Indices[.., 0]).data<long>().ToArray();
// brightness: mean pixel value in [0, 1] over the garment (pixels brighter than the background)
var poolBright = ((poolX + 1) / 2).flatten(1).where(poolX.flatten(1) > -0.8, torch.zeros(1)).sum(1)
    .div((poolX.flatten(1) > -0.8).sum(1).clamp_min(1)).data<float>().ToArray();
Console.WriteLine("generated samples per nearest-neighbour class: " +
    string.Join(", ", Enumerable.Range(0, 10).Select(c => $"{train.ClassNames[c]} {poolClass.Count(v => v == c)}")));

// the three darkest or brightest samples of a class (of all samples if the generator made fewer than 3 of it)
long[] Pick3(int cls, bool bright)
{
    var members = Enumerable.Range(0, poolSize).Where(i => poolClass[i] == cls).ToList();
    if (members.Count < 3) { Console.WriteLine($"fewer than 3 samples of class {cls}: using all samples"); members = Enumerable.Range(0, poolSize).ToList(); }
    return members.OrderBy(i => bright ? -poolBright[i] : poolBright[i]).Take(3).Select(i => (long)i).ToArray();
}
int ClassId(string name) => train.ClassNames.ToList().IndexOf(name);

NotebookApp.Cell(54);
// Y = mean(z of A) - mean(z of B) + mean(z of C), then G(Y) and 8 jittered neighbours (Radford et al., Figure 7)
(Tensor Result, Tensor PixelResult) Arithmetic(long[] a, long[] b, long[] c, string title)
{
    var y = Latent.Arithmetic(poolZ.index_select(0, torch.tensor(a)), poolZ.index_select(0, torch.tensor(b)), poolZ.index_select(0, torch.tensor(c)));
    var jitter = Latent.Jitter(y, 9, scale: 0.25);
    var result = gen.Generate(torch.cat(new[] { jitter[TensorIndex.Slice(1, 5)], jitter[TensorIndex.Slice(0, 1)], jitter[TensorIndex.Slice(5, 9)] })); // G(Y) in the centre
    Tensor Mean(long[] idx) => poolX.index_select(0, torch.tensor(idx)).mean(new long[] { 0 }, keepdim: true);
    var pixels = (Mean(a) - Mean(b) + Mean(c)).clamp(-1, 1);
    ImageGrid G3(long[] idx, string t) => ImageGrid.From(poolX.index_select(0, torch.tensor(idx)), nrow: 1, valueRange: (-1, 1), title: t, scale: 3);
    display(new Row(G3(a, "A"), G3(b, "− B"), G3(c, "+ C"),
        ImageGrid.From(result, nrow: 3, valueRange: (-1, 1), title: "= G(Y), Y = z̄A − z̄B + z̄C (centre) ± 0.25", scale: 3),
        ImageGrid.From(pixels, valueRange: (-1, 1), title: "pixels: x̄A − x̄B + x̄C", scale: 3)));
    Console.WriteLine(title);
    return (result, pixels);
}
var tshirt = ClassId("T-shirt/top");
var trouser = ClassId("Trouser");
var (arith, arithPixels) = Arithmetic(Pick3(tshirt, bright: false), Pick3(tshirt, bright: true), Pick3(trouser, bright: true),
    "dark T-shirts − bright T-shirts + bright trousers");

// Is the result what the arithmetic promises? We check it with the same tools: the nearest-neighbour class of the nine
// results and their brightness, against the three bright trousers we started from. Two things can happen, and both
// teach something: the **attribute** (brightness) transfers, which shows a roughly linear "dark − bright" direction;
// the **class** is kept or drifts. A difference of two means of three $z$ each still carries a lot of sample noise
// (per coordinate its standard deviation is $\sqrt{2/3} \approx 0.8$, larger than that of $\bar z_C$, $\approx 0.6$),
// and a generator trained for minutes (`cpu` profile) has a rougher latent space than the paper's, so the class can
// drift. The pixel-space version gives an overlay of the images, not a new garment. The line under the table says
// what happened in this run.

NotebookApp.Cell(56);
double Brightness(Tensor x) => ((x + 1) / 2).flatten(1).where(x.flatten(1) > -0.8, torch.zeros(1)).sum().item<float>()
    / Math.Max(1, (x.flatten(1) > -0.8).sum().item<long>());
long[] resultClass;
using (var nnRes = NearestNeighbours.Search(arith, train.Images, k: 1))
    resultClass = train.Labels.index_select(0, nnRes.Indices[.., 0]).data<long>().ToArray();
var cIdx = Pick3(trouser, bright: true);
display(Table.From(new[]
{
    new { Images = "C: bright trousers", NearestClass = string.Join(", ", cIdx.GroupBy(i => poolClass[i]).Select(g => $"{train.ClassNames[(int)g.Key]} {g.Count()}/3")), Brightness = Math.Round(Brightness(poolX.index_select(0, torch.tensor(cIdx))), 3) },
    new { Images = "G(Y) and its 8 neighbours", NearestClass = string.Join(", ", resultClass.GroupBy(c => c).OrderByDescending(g => g.Count()).Select(g => $"{train.ClassNames[(int)g.Key]} {g.Count()}/9")),
          Brightness = Math.Round(Brightness(arith), 3) },
}, "Checking dark T-shirt − bright T-shirt + bright trousers"));
var majority = resultClass.GroupBy(v => v).MaxBy(g => g.Count())!;
double BrightnessOf(long[] idx) => Brightness(poolX.index_select(0, torch.tensor(idx)));
var (brightA, brightB, brightC, brightY) = (BrightnessOf(Pick3(tshirt, bright: false)), BrightnessOf(Pick3(tshirt, bright: true)), BrightnessOf(cIdx), Brightness(arith));
var shift = brightC - brightY;                 // how much darker than C the result is, against the A − B gap
var gap = brightB - brightA;
var cAreTrousers = cIdx.All(i => poolClass[i] == trouser);
var abAreTshirts = Pick3(tshirt, bright: false).Concat(Pick3(tshirt, bright: true)).All(i => poolClass[i] == tshirt);
display(Prose.From($"**In this run** the nearest training images of the nine results are mostly **{train.ClassNames[(int)majority.Key]}** " +
    $"({majority.Count()}/9): the class " + (majority.Key == trouser ? "was kept" : "drifted away from the trousers") +
    (cAreTrousers ? "" : " (the generator made fewer than 3 trousers here, so C holds the brightest samples of any class)") +
    (abAreTshirts ? "" : "; it made fewer than 3 T-shirts, so A and B come from all samples too") +
    $". Brightness: dark T-shirts A {brightA:F3}, bright T-shirts B {brightB:F3}, bright trousers C {brightC:F3}, result {brightY:F3}; " +
    $"the result is {shift:F3} darker than C, against a gap of {gap:F3} between B and A, so the \"dark\" attribute " +
    (gap < 0.05 ? "cannot be judged: A and B hardly differ in brightness (the generator has not learned the garments yet)."
        : shift >= 0.5 * gap ? "transferred." : shift >= 0.2 * gap ? "transferred only partly." : "did not transfer.")));

// ### 5.4 Are the samples copies? Nearest training neighbours
//
// A generator could fool a weak discriminator by reproducing training images. The standard check (used in the DCGAN
// paper and most GAN papers since) shows each sample next to its **nearest neighbours in the training set**; here by
// Euclidean distance in pixel space (`NearestNeighbours.Search` in
// [Metrics/NearestNeighbours.cs](../lib/GanCourse/Metrics/NearestNeighbours.cs), exact, in chunks). Each row: a sample
// (left), then its five nearest training images.

NotebookApp.Cell(58);
var shown = gen.Generate(fixedNoise[TensorIndex.Slice(0, 8)]);
display(ImageGrid.From(NearestNeighbours.Panel(shown, train.Images, k: 5), nrow: 6, valueRange: (-1, 1),
    title: "Generated (left) and its 5 nearest training images"));

// The neighbours share the class and the rough shape, but not the details: the samples are new combinations. To
// quantify: the distance of each sample to its nearest training image, compared with the same distance for **real
// test images**, which the generator never saw. A copying generator would have far smaller distances than the test
// images; a generator that has not learned the data, far larger ones.

NotebookApp.Cell(60);
var nnCount = course.Profile.Pick(ci: 200, cpu: 1_000, gpu: 2_000);
var test = ImageDataset.FashionMnist("test", subset: nnCount, pad32: true);
double[] NearestDistances(Tensor x)
{
    using var nnRes = NearestNeighbours.Search(x, train.Images, k: 1);
    return nnRes.Distances[.., 0].data<float>().Select(v => (double)v).OrderBy(v => v).ToArray();
}
var distFake = NearestDistances(GenerateMany(gen, poolZ[TensorIndex.Slice(0, Math.Min(nnCount, poolSize))]));
var distSeed = NearestDistances(GenerateMany(seedRun.Trainer, poolZ[TensorIndex.Slice(0, Math.Min(nnCount, poolSize))]));
var distTest = NearestDistances(test.Images);
double Quantile(double[] sorted, double q) => sorted[(int)Math.Round(q * (sorted.Length - 1))];
display(Table.From(new[] { ("real test images", distTest), ("paper G samples", distFake), ("lecture G samples", distSeed) }.Select(r => new
{
    Images = r.Item1,
    Count = r.Item2.Length,
    Min = Math.Round(r.Item2[0], 2),
    Q10 = Math.Round(Quantile(r.Item2, 0.1), 2),
    Median = Math.Round(Quantile(r.Item2, 0.5), 2),
    Q90 = Math.Round(Quantile(r.Item2, 0.9), 2),
}), "Euclidean distance to the nearest training image (pixels in [-1, 1], 32x32)"));
Series Cdf(string name, double[] sorted) => new(name, sorted, sorted.Select((_, i) => (i + 1) / (double)sorted.Length).ToArray());
display(Charts.Lines("Distance to the nearest training image: cumulative distribution", "distance", "share of images",
    Cdf("real test images", distTest), Cdf("paper G samples", distFake), Cdf("lecture G samples", distSeed)));

// What each run cost (the time includes the live view, at most 3% of it):

NotebookApp.Cell(62);
display(Table.From(new[] { ("lecture DCGAN (Upsample + Conv)", seedRun, seedG as nn.Module), ("paper DCGAN (ConvTranspose)", paperRun, paperG) }.Select(r => new
{
    Run = r.Item1,
    GeneratorWeights = Params(r.Item3),
    Steps = r.Item2.Trainer.Step,
    Seconds = (long)Math.Round(r.Item2.Seconds),
    MsPerStep = (long)Math.Round(1000 * r.Item2.Seconds / r.Item2.Trainer.Step),
    ImagesPerSecond = (long)Math.Round(r.Item2.Trainer.Step * batchSize / r.Item2.Seconds),
}), $"Training cost on this machine ({course.Device}, {Course.Settings.Threads} threads)"));

// ## 6. How good are the samples? Fréchet distance and KID
//
// Looking at grids is necessary but subjective. The course measures samples with a small classifier trained on the
// real data ([Metrics/ImageQuality.cs](../lib/GanCourse/Metrics/ImageQuality.cs)), on its penultimate-layer features:
// the **Fréchet distance** (FD: the formula of FID, with the course's classifier instead of Inception, so the numbers are
// not comparable to published FIDs) between Gaussians fitted to the features of generated and real training images,
//
// $$\mathrm{FD} = \|\mu_g - \mu_r\|^2 + \operatorname{tr}\big(\Sigma_g + \Sigma_r - 2\,(\Sigma_g \Sigma_r)^{1/2}\big),$$
//
// and the **kernel distance** (KID: an unbiased MMD² with a cubic polynomial kernel, averaged over subsets). Lower is
// better for both. *FD real test* is the FD of the 2,000 real test images against the same training features: what a
// perfect generator would score with 2,000 samples. The two runs are measured on the same 2,000 noise vectors.

NotebookApp.Cell(64);
var evalSamples = course.Profile.Pick(ci: 200, cpu: 2_000, gpu: 2_000);
Course.Seed(11);
var evalZ = torch.randn(evalSamples, latentDim);
var reports = new[]
{
    ImageQuality.Evaluate("fashion-mnist", GenerateMany(seedRun.Trainer, evalZ), $"lecture DCGAN, {seedRun.Trainer.Step} steps"),
    ImageQuality.Evaluate("fashion-mnist", GenerateMany(paperRun.Trainer, evalZ), $"paper DCGAN, {paperRun.Trainer.Step} steps"),
};
display(ImageQuality.ToTable(reports, $"Sample quality, {evalSamples:N0} samples per run"));

// ## Takeaways
//
// **Key formulas**
//
// * Transposed convolution: $H_{out} = (H_{in} - 1)\, s - 2p + k$ (plus `output_padding`); when $k$ is not divisible by $s$ the overlaps are uneven (**checkerboard**), which **Upsample + Conv** avoids by construction.
// * The DCGAN guidelines: strided convolutions instead of pooling, BatchNorm, ReLU + tanh in $G$, LeakyReLU (0.2) in $D$; Adam with $2 \cdot 10^{-4}$ and $\beta_1 = 0.5$; weights from $\mathcal{N}(0, 0.02)$.
// * BatchNorm: $\hat x = \gamma\,\frac{x - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}} + \beta$; the lecture's `BatchNorm2d(128, 0.8)` sets $\epsilon = 0.8$, not the momentum.
// * Walks in $z \sim \mathcal{N}(0, I_{100})$, where $\|z\| \approx 10$: $\mathrm{slerp}(z_0, z_1; t) = \frac{\sin((1-t)\Omega)}{\sin \Omega}\, z_0 + \frac{\sin(t\Omega)}{\sin \Omega}\, z_1$, $\cos\Omega = \frac{z_0 \cdot z_1}{\|z_0\|\,\|z_1\|}$, keeps the norm typical; the lerp midpoint has norm $\approx 10/\sqrt 2$.
// * $\mathrm{FD} = \|\mu_g - \mu_r\|^2 + \operatorname{tr}\big(\Sigma_g + \Sigma_r - 2\,(\Sigma_g \Sigma_r)^{1/2}\big)$ on the kit's classifier features; lower is better, for KID too.
//
// **What the measurements showed** (read them off your run's outputs above)
//
// * The overlap counts of section 1 ($k = 3$ vs $k = 4$ vs Upsample + Conv) and the BatchNorm output std for $\epsilon = 10^{-5}$ vs $0.8$.
// * The $D(x)$ and $D(G(z))$ curves: near $\frac12$ from the first step with $\mathrm{loss}_D / 2 \approx \ln 2$ means chance, not equilibrium; let the two grids decide.
// * Section 5: lerp vs slerp midpoints, the arithmetic check's classes and brightness, and the nearest-neighbour table (are the samples' distances far smaller than the real test images', which would mean copying?).
// * The cost table (ms per step) and the FD/KID table: both runs against the *FD real test* floor, on the same noise vectors.
//
// **Discussion questions**
//
// 1. What must a generator built from $k = 3$, $s = 2$ transposed convolutions learn to avoid checkerboards, and why do $k = 4$, $s = 2$ and Upsample + Conv not need to?
// 2. The lecture's discriminator (`Dropout2d(0.25)`, $\epsilon = 0.8$) can stay at chance. Why does a too-weak discriminator starve the generator, and how does this fit notebook 03's "give the discriminator an advantage"?
// 3. What does the nearest-neighbour check rule out, and what can it not rule out (think of pixel distance and small shifts of a memorised image)?
//
// Next: conditional GANs (notebook 05) tell the generator *which* class to draw.

NotebookApp.End();
