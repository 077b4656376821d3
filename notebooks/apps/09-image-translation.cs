// Generated from 09-image-translation.ipynb by `dotnet run --project tools/GanCourse.Runner -- --export-apps`; do not edit: change the notebook and regenerate.
// Runs the lesson with no notebook host:  dotnet run notebooks/apps/09-image-translation.cs
// GANCOURSE_PROFILE=ci|cpu|gpu picks the profile; the displayed values go to output/apps/09-image-translation.html.
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

NotebookApp.Start("09-image-translation", "87cbb17da4d01fbb");

// # 09 · Image-to-image translation: pix2pix and CycleGAN
//
// The conditional GAN of notebook 05 draws an image *given a label*. The condition can be a whole image as well:
// turn a sketch into a photo, a map into an aerial view, day into night, horses into zebras (seed 000, *Pix2pix с
// условными состязательными сетями (cGAN)* and *CycleGAN*; seed 001, *Cycle GAN*; seed 002; seed 004). This notebook
// trains the lectures' two models:
//
// * **pix2pix** (Isola et al., 2017) learns from **pairs** $(x, y)$: a **U-Net** generator, a **PatchGAN**
//   discriminator that judges the input and the output together, and the objective $\mathcal{L}_{cGAN} + \lambda\,\mathcal{L}_{L1}$.
// * **CycleGAN** (Zhu et al., 2017) learns from two **unpaired** collections $X$ and $Y$: two generators
//   $G: X \to Y$ and $F: Y \to X$, two discriminators, and the **cycle-consistency** loss $F(G(x)) \approx x$.
//
// Both run on the course's one training loop (`AdversarialTrainer`): pix2pix adds only an L1 term for $G$, CycleGAN
// a pair of networks per player and the cycle term. Each part is then removed once, as the papers' ablations do, and
// measured with the kit's classifier.

NotebookApp.Cell(2);
var course = Course.Init();

// ## 1. Two translation tasks from the shipped data
//
// Nothing is downloaded: both tasks are built from the kit's Fashion-MNIST (padded to $32 \times 32$, values in $[-1, 1]$),
// deterministically, so the same split gives the same pairs.
//
// * **Paired: edges → garment**, like pix2pix's *edges2shoes*. The paper's edge maps come from the HED edge detector;
//   ours are the Sobel gradient magnitude of each garment, thresholded at a quarter of its maximum
//   (`EdgeMaps.Sobel`). The input says *where* the outlines are and nothing about shading or texture: $G$ must invent
//   those, and many outputs are plausible for one input.
// * **Unpaired: sneakers ↔ ankle boots**, like CycleGAN's *horse ↔ zebra* (object transfiguration): two classes with
//   the same pose and similar outlines, but no sneaker has "its" boot. The training split has the images of both classes.

NotebookApp.Cell(4);
var trainPairs = course.Profile.Pick<int?>(ci: 1_000, cpu: null, gpu: null);   // null: all 10,000 shipped training images
var evalCount = course.Profile.Pick(ci: 100, cpu: 1_000, gpu: 2_000);
var (trainEdges, trainGarments) = TranslationData.EdgesToGarments("train", trainPairs);
var (testEdges, testGarments) = TranslationData.EdgesToGarments("test", evalCount);
var (sneakers, boots) = TranslationData.Domains("train");
var (testSneakers, testBoots) = TranslationData.Domains("test", perDomain: evalCount / 2);
Console.WriteLine($"pix2pix: {trainEdges.shape[0]:N0} training pairs, {testEdges.shape[0]:N0} held-out pairs. " +
    $"CycleGAN: {sneakers.shape[0]:N0} sneakers and {boots.shape[0]:N0} ankle boots, unpaired; {testSneakers.shape[0]} + {testBoots.shape[0]} held out.");
display(new Row(ImageGrid.From(torch.cat([trainEdges[..8], trainGarments[..8]]), nrow: 8, valueRange: (-1, 1), title: "Paired: edge map x (top), garment y (bottom)"),
        ImageGrid.From(torch.cat([sneakers[..8], boots[..8]]), nrow: 8, valueRange: (-1, 1), title: "Unpaired: domain X, sneakers (top); domain Y, ankle boots (bottom)")));

// ## 2. pix2pix
//
// The generator sees the input image $x$ (and noise $z$); the discriminator judges **pairs**: the input with the true
// output, $(x, y)$, against the input with the generated one, $(x, G(x, z))$ (Isola et al., eq. 1):
//
// $$\mathcal{L}_{cGAN}(G, D) = \mathbb{E}_{x,y}\big[\log D(x, y)\big] + \mathbb{E}_{x,z}\big[\log\big(1 - D(x, G(x, z))\big)\big].$$
//
// An adversarial loss alone asks only for *a* realistic garment, not for the one the edges show. pix2pix adds the
// distance to the true output, in L1 rather than L2 "as L1 encourages less blurring" (eq. 3), and weighs it with
// $\lambda = 100$ (eq. 4):
//
// $$\mathcal{L}_{L1}(G) = \mathbb{E}_{x,y,z}\big[\lVert y - G(x, z)\rVert_1\big], \qquad
// G^* = \arg\min_G \max_D \; \mathcal{L}_{cGAN}(G, D) + \lambda\,\mathcal{L}_{L1}(G).$$
//
// The L1 term captures the low frequencies (the overall shape and brightness); the discriminator only has to police
// the high frequencies, local texture and sharpness, which is why it may look at patches. And the noise: "we provide
// noise only in the form of dropout, applied on several layers of our generator at both training and test time"
// (section 3.2): an explicit $z$ was simply ignored by the generator in their experiments.

// ### 2.1 The generator: an encoder-decoder with skips (U-Net)
//
// The encoder halves the resolution five times, $32 \to 1$ (Conv $4\times4$, stride 2, BatchNorm, LeakyReLU 0.2); the
// decoder doubles it back (ConvTranspose, BatchNorm, dropout 0.5 in the first three layers, ReLU; tanh at the end). In
// the plain **encoder-decoder** everything the output needs must pass through the $1 \times 1$ bottleneck. The **U-Net**
// (Ronneberger et al., 2015) adds skip connections: decoder layer $i$ also receives the encoder's layer $n - i$,
// concatenated along the channels, so the outlines the input and the output share go straight across
// ([Networks/UNetGenerator.cs](../lib/GanCourse/Networks/UNetGenerator.cs)). The shapes, level by level:

NotebookApp.Cell(7);
var unetDemo = new UNetGenerator(imgSize: 32, baseChannels: 16, maxChannels: 64);
var plainDemo = new UNetGenerator(imgSize: 32, baseChannels: 16, maxChannels: 64, skips: false);
long Params(nn.Module m) => m.parameters().Sum(p => p.numel());
var enc = unetDemo.EncoderChannels;
display(Table.From(Enumerable.Range(0, enc.Count).Select(i => new
{
    Level = i + 1,
    EncoderOutput = $"{enc[i]} × {32 >> (i + 1)} × {32 >> (i + 1)}",
    DecoderInputUNet = i == enc.Count - 1 ? "(bottleneck)" : $"{enc[i]} up + {enc[i]} skip = {2 * enc[i]} channels",
    DecoderInputEncoderDecoder = i == enc.Count - 1 ? "(bottleneck)" : $"{enc[i]} channels",
}), $"U-Net: {Params(unetDemo):N0} weights; encoder-decoder without skips: {Params(plainDemo):N0}"));

// ### 2.2 The discriminator: PatchGAN and its receptive field
//
// pix2pix's $D$ is convolutional all the way: it outputs a grid of scores, one per overlapping $N \times N$ patch of
// the input, and the loss averages them (section 3.2.2). Such a $D$ models the image as a Markov random field: pixels
// further apart than a patch are treated as independent. The patch size is the **receptive field** of one output,
// computed from the output back to the input: one output pixel sees $r = 1$ pixel of the last layer, and each layer
// with kernel $k$ and stride $s$ widens it to
//
// $$r \leftarrow (r - 1)\,s + k.$$
//
// The reference layout (C64, then stride-2 layers, one stride-1 layer and a stride-1 output convolution, all $4 \times 4$)
// gives 16, 34, 70 (the paper's $70 \times 70$ PatchGAN) for 1, 2, 3 stride-2 layers; $1 \times 1$ convolutions only
// give the **PixelGAN**. On our $32 \times 32$ images, 34 already covers the whole image: an **ImageGAN**. Below, the
// formula next to what autograd says: the input pixels whose gradient on the central score is not zero.

NotebookApp.Cell(9);
Tensor ReceptiveFieldMask(int layers)
{
    var d = new PatchGanDiscriminator(channels: 2, layers: layers, baseChannels: 8);
    d.eval();                                                   // BatchNorm's batch statistics would couple all pixels
    var x = torch.randn(1, 2, 32, 32).requires_grad_(true);
    var scores = d.forward(x);
    scores[0, 0, scores.shape[2] / 2, scores.shape[3] / 2].backward();
    return x.grad!.abs().sum(1, keepdim: true).gt(0).to(float32);  // 1 where the central score depends on the pixel
}
var patchLayers = new[] { 0, 1, 2 };
var masks = patchLayers.Select(ReceptiveFieldMask).ToList();
display(Table.From(patchLayers.Select((l, i) => new
{
    StrideTwoLayers = l,
    ReceptiveFieldFormula = new PatchGanDiscriminator(2, l, 1).ReceptiveField,
    ReceptiveFieldAutograd = $"{masks[i].any(3).sum().item<long>()} × {masks[i].any(2).sum().item<long>()} (within the 32 × 32 image)",
    ScoresPerImage = new PatchGanDiscriminator(2, l, 1).forward(torch.zeros(1, 2, 32, 32)).shape[2..].Aggregate(1L, (a, b) => a * b),
}), "PatchGAN: the patch each score sees"));
var garment = testGarments[..1];
var shown = masks.Select(m => garment * m + (garment * 0.3 - 0.7) * (1 - m));   // the patch bright, the rest dimmed
display(ImageGrid.From(torch.cat(shown.ToArray()), nrow: 3, valueRange: (-1, 1), scale: 6,
    title: "What one central score sees: PixelGAN (1 × 1), 16 × 16 patch, whole image"));

// **Exercise 9.1 (derivation).** The paper's $70 \times 70$ PatchGAN has three stride-2 layers (C64 and two more). Add
// a fourth (the reference code's `n_layers = 4`): the convolutions are then $4 \times 4$ with strides 2, 2, 2, 2, 1, 1.
// What is its receptive field?
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong, without the answer.

NotebookApp.Cell(11);
double patch4 = double.NaN;   // receptive field (side, in pixels) with four stride-2 layers after C64
display(Exercise.Check("09.1", patch4));

// ### 2.3 One step of each player, on the page
//
// $D$ descends $-\log D(x, y) - \log(1 - D(x, G(x)))$ (one binary cross-entropy per patch, averaged); $G$ descends
// the non-saturating $-\log D(x, G(x))$ plus $\lambda$ times the L1 distance. Written out on a batch, next to the
// library's terms that the training loop adds up (`NonSaturatingGanLoss` and `L1Reconstruction`; `GanModel.Paired`
// stacks input and output along the channels for $D$):

NotebookApp.Cell(13);
Course.Seed(5);
var gDemo = new UNetGenerator(imgSize: 32, baseChannels: 16, maxChannels: 64);
var dDemo = new PatchGanDiscriminator(channels: 2, layers: 1, baseChannels: 32);
var (xb, yb, lambdaL1) = (trainEdges[..8], trainGarments[..8], 100.0);
var bce = nn.functional.binary_cross_entropy_with_logits;

var fakeY = gDemo.forward(xb);
// discriminator: real pairs (x, y) -> 1, fake pairs (x, G(x)) -> 0, G fixed
var dReal = dDemo.forward(torch.cat([xb, yb], 1));
var dFake = dDemo.forward(torch.cat([xb, fakeY.detach()], 1));
var lossD = bce(dReal, torch.ones_like(dReal)) + bce(dFake, torch.zeros_like(dFake));
// generator: fool D on every patch and stay close to the true y
var dFakeForG = dDemo.forward(torch.cat([xb, fakeY], 1));
var lossG = bce(dFakeForG, torch.ones_like(dFakeForG)) + lambdaL1 * (yb - fakeY).abs().mean();

var gan = new NonSaturatingGanLoss();
var libD = gan.Discriminator(dReal, dFake);
var libG = gan.Generator(dFakeForG) + new L1Reconstruction(lambdaL1).Penalty(
    new GeneratorContext(new Latents(xb) { Target = yb }, torch.cat([xb, fakeY], 1), 0, CPU));
Console.WriteLine($"D scores per image: {dReal.shape[2]} × {dReal.shape[3]} patches. " +
    $"loss_D by hand {lossD.item<float>():F5}, library {libD.item<float>():F5}; loss_G by hand {lossG.item<float>():F4}, library {libG.item<float>():F4}");

// ### 2.4 Training pix2pix
//
// Adam with the paper's settings ($2 \cdot 10^{-4}$, $\beta_1 = 0.5$), $\mathcal{N}(0, 0.02)$ initialisation, $\lambda = 100$,
// $16 \times 16$ patches. The generator is smaller than the paper's (16 to 64 channels instead of 64 to 512) to fit a
// laptop CPU. The live view shows $x$, $G(x)$ and $y$ for eight held-out inputs.

NotebookApp.Cell(15);
var p2pSteps = course.Profile.Pick(ci: 4, cpu: 300, gpu: 5_000);
var p2pBatch = course.Profile.Pick(ci: 8, cpu: 16, gpu: 32);
var pairs = new PairedImageSampler(trainEdges, trainGarments, paired: true);
var (previewEdges, previewGarments) = (testEdges[..8], testGarments[..8]);
string PatchName(int layers) => layers == 0 ? "1 × 1 PixelGAN" : $"{new PatchGanDiscriminator(2, layers, 1).ReceptiveField}-pixel patches";

// One pix2pix run on the shared loop, with a live view of x / G(x) / y; G's dropout is off for the pictures and metrics.
(AdversarialTrainer Trainer, UNetGenerator G, double Seconds) TrainPix2Pix(Pix2PixSetup setup, int seed)
{
    var trainer = ImageTranslation.Pix2Pix(setup, pairs, seed);
    var g = (UNetGenerator)trainer.Generator;
    var title = $"pix2pix, {setup.Name}, {(setup.Skips ? "U-Net" : "encoder-decoder")}, {PatchName(setup.PatchLayers)}";
    ImageGrid Preview() => ImageGrid.From(torch.cat([previewEdges, ImageTranslation.Translate(g, previewEdges), previewGarments]),
        nrow: 8, valueRange: (-1, 1), title: $"{title}: x, G(x), y after {trainer.Step} steps");
    var run = trainer.Run(setup.Steps, new TrainingView(title, setup.Steps, samples: Preview));
    return (trainer, g, run.Seconds);
}
var p2p = TrainPix2Pix(new Pix2PixSetup(p2pSteps, Batch: p2pBatch), seed: 1);

// ### 2.5 What each part does
//
// The paper removes one part at a time (Table 1 and Figure 4 for the loss, Figure 5 for the skips, Table 3 and
// Figure 6 for the patch size). We do the same with a shorter run each: the loss (L1 alone, cGAN alone, both), the
// architecture (encoder-decoder without skips), and the patch ($1 \times 1$, 16, the whole image). Three numbers per
// run, on the held-out pairs: the **L1 error** to the true garment (on $[0, 1]$ pixels), the **sharpness** (mean
// Sobel gradient magnitude of the outputs over that of the real garments: 1 is as sharp as real, blur is below 1),
// and **FD** against real Fashion-MNIST (the kit's classifier features, as in every image notebook).
//
// **Exercise 9.2 (predict).** Which row will have the **sharpest** outputs (the highest sharpness): (a) L1 alone,
// (b) cGAN alone, (c) L1 + cGAN? And will its L1 error be above or below that of L1 alone? Predict, then run the ablation.

NotebookApp.Cell(17);
string predictSharpest = "";   // "a", "b" or "c"
display(Exercise.Check("09.2", predictSharpest));

NotebookApp.Cell(18);
var ablationSteps = course.Profile.Pick(ci: 3, cpu: 200, gpu: 5_000);
var baseline = new Pix2PixSetup(ablationSteps, Batch: p2pBatch);
var ablations = new (string Row, Pix2PixSetup Setup)[]
{
    ("L1 alone", baseline with { Adversarial = false }),
    ("cGAN alone", baseline with { Lambda = 0 }),
    ("L1 + cGAN", baseline),
    ("L1 + cGAN, encoder-decoder (no skips)", baseline with { Skips = false }),
    ("L1 + cGAN, 1 × 1 PixelGAN", baseline with { PatchLayers = 0 }),
    ("L1 + cGAN, 34 × 34: the whole image", baseline with { PatchLayers = 2 }),
};
var ablationRuns = ablations.Select(a => (a.Row, Run: TrainPix2Pix(a.Setup, seed: 2))).ToList();

// The measurements, and the eight held-out inputs translated by every run (one row per run, in the table's order):

NotebookApp.Cell(20);
var realSharpness = EdgeMaps.GradientMagnitude(testGarments).mean().item<float>();
double Sharpness(Tensor images) => EdgeMaps.GradientMagnitude(images).mean().item<float>() / realSharpness;
var p2pRows = ablationRuns.Select(a => (a.Row, a.Run, Report: ImageTranslation.Evaluate(a.Row, a.Run.G, testEdges, testGarments),
    Sharp: Sharpness(ImageTranslation.Translate(a.Run.G, testEdges)))).ToList();
display(Table.From(p2pRows.Select(r => new
{
    Run = r.Row,
    Steps = r.Run.Trainer.Step,
    L1Error = Math.Round(r.Report.L1, 4),
    Sharpness = Math.Round(r.Sharp, 3),
    FD = Math.Round(r.Report.Quality.FD, 2),
    Seconds = Math.Round(r.Run.Seconds, 1),
}), $"pix2pix ablations on {testEdges.shape[0]:N0} held-out pairs (L1 on [0, 1] pixels; sharpness 1 = as sharp as real; FD floor {p2pRows[0].Report.Quality.FDFloor:F2})"));
display(ImageGrid.From(torch.cat(p2pRows.Select(r => ImageTranslation.Translate(r.Run.G, previewEdges)).Prepend(previewEdges).Append(previewGarments).ToArray()),
    nrow: 8, valueRange: (-1, 1), title: "Inputs, then one row per run (table order), then the true garments"));

// ### 2.6 The shipped pix2pix
//
// A short run shows the direction; the payoff needs longer training. `data/translation/pix2pix-edges2garments.bin`
// holds the same model (L1 + cGAN, U-Net, 16-pixel patches) trained by the kit's training tool for longer on all
// shipped training pairs; its README records the command. It is measured on the same held-out pairs, and the real
// garments give the floor.

NotebookApp.Cell(22);
var p2pCheckpoint = System.IO.Path.Combine("..", "data", "translation", "pix2pix-edges2garments.bin");
var (shippedP2p, shippedP2pSetup) = ImageTranslation.LoadPix2Pix(p2pCheckpoint);
var p2pInfo = ModelCheckpoint.ReadInfo(p2pCheckpoint);
var shippedP2pReport = ImageTranslation.Evaluate("shipped pix2pix", shippedP2p, testEdges, testGarments);
var p2pFinal = new[]
{
    (Run: $"this run ({p2p.Trainer.Step} steps)", L1: ImageTranslation.Evaluate("this run", p2p.G, testEdges, testGarments), Sharp: Sharpness(ImageTranslation.Translate(p2p.G, testEdges))),
    (Run: $"shipped checkpoint ({shippedP2pSetup.Steps:N0} steps)", L1: shippedP2pReport, Sharp: Sharpness(ImageTranslation.Translate(shippedP2p, testEdges))),
};
display(Table.From(p2pFinal.Select(r => new { r.Run, L1Error = Math.Round(r.L1.L1, 4), Sharpness = Math.Round(r.Sharp, 3), FD = Math.Round(r.L1.Quality.FD, 2) })
    .Append(new { Run = "real garments (floor)", L1Error = 0.0, Sharpness = 1.0, FD = Math.Round(shippedP2pReport.Quality.FDFloor, 2) }),
    $"pix2pix, edges → garment, {testEdges.shape[0]:N0} held-out pairs; checkpoint: {p2pInfo.Notes.GetValueOrDefault("command")}"));
display(ImageGrid.From(torch.cat([testEdges[..16], ImageTranslation.Translate(shippedP2p, testEdges[..16]), testGarments[..16]]), nrow: 16, valueRange: (-1, 1),
    title: "Shipped pix2pix: held-out edge maps, G(x), the true garments"));

// The dropout noise at test time: the same edge map, translated eight times with dropout on (the paper's sampling),
// against once with it off. The paper observed "only minor stochasticity in the output of our nets"; the spread below
// is measured as the mean per-pixel standard deviation over the eight draws.

NotebookApp.Cell(24);
var oneEdge = testEdges[..4].repeat_interleave(8, 0);
var draws = ImageTranslation.Translate(shippedP2p, oneEdge, dropout: true);
var spread = draws.view(4, 8, -1).std(1).mean().item<float>() / 2;       // on [0, 1] pixels
Console.WriteLine($"mean per-pixel std over 8 dropout draws: {spread:F4} (pixels in [0, 1])");
display(ImageGrid.From(draws, nrow: 8, valueRange: (-1, 1), title: "Four edge maps, each translated 8 times with dropout on"));

// ## 3. CycleGAN: translation without pairs
//
// Without pairs there is no L1 target. CycleGAN trains two mappings, $G: X \to Y$ and $F: Y \to X$, each with its own
// discriminator, and asks them to undo each other (Zhu et al., 2017, Figure 3). The adversarial loss of each
// direction is least squares (section 4, "we replace the negative log likelihood objective by a least-squares loss"):
//
// $$\mathcal{L}_{GAN}(G, D_Y, X, Y) = \mathbb{E}_{y}\big[(D_Y(y) - 1)^2\big] + \mathbb{E}_{x}\big[D_Y(G(x))^2\big],$$
//
// and the **cycle-consistency loss** (eq. 2) closes both loops, $x \to G(x) \to F(G(x)) \approx x$ and $y \to F(y) \to G(F(y)) \approx y$:
//
// $$\mathcal{L}_{cyc}(G, F) = \mathbb{E}_{x}\big[\lVert F(G(x)) - x\rVert_1\big] + \mathbb{E}_{y}\big[\lVert G(F(y)) - y\rVert_1\big],$$
//
// $$\mathcal{L}(G, F, D_X, D_Y) = \mathcal{L}_{GAN}(G, D_Y, X, Y) + \mathcal{L}_{GAN}(F, D_X, Y, X) + \lambda\,\mathcal{L}_{cyc}(G, F), \quad \lambda = 10.$$
//
// Adversarial losses alone can map $X$ onto *any* permutation of $Y$; the cycle restricts the mappings to ones that
// keep enough of $x$ to get it back. Seed 002 adds the **identity loss** (section 5.2, for painting → photo), which
// asks a generator to leave an image of its own target domain alone:
// $\mathcal{L}_{identity} = \mathbb{E}_y \lVert G(y) - y\rVert_1 + \mathbb{E}_x \lVert F(x) - x\rVert_1$, weighted $0.5\lambda$.
// And $D$ sees an **image buffer** of the 50 latest fakes, not only the newest (section 4), the same `ImagePool` as
// notebook 03's experience replay.
//
// In the loop, the "generator" is the pair $(G, F)$ and the "discriminator" the pair $(D_X, D_Y)$: a batch is an
// unpaired $(x, y)$, the pair-generator returns $(F(y), G(x))$ in the slots of their domains, and one least-squares loss
// over both discriminators' patch scores is the sum of the two directions' losses (up to a factor 2).

NotebookApp.Cell(26);
var cycleSteps = course.Profile.Pick(ci: 3, cpu: 150, gpu: 3_000);
var cycleBatch = course.Profile.Pick(ci: 4, cpu: 8, gpu: 16);
var unpaired = new PairedImageSampler(sneakers, boots, paired: false);
var (previewX, previewY) = (testSneakers[..8], testBoots[..8]);

// One CycleGAN run: live view of x, G(x), F(G(x)) and y, F(y), G(F(y)).
(AdversarialTrainer Trainer, CycleGanGenerators Gens, double Seconds) TrainCycleGan(CycleGanSetup setup, int seed)
{
    var (trainer, gens) = ImageTranslation.CycleGan(setup, unpaired, seed);
    ImageGrid Preview()
    {
        var gx = ImageTranslation.Translate(gens.G, previewX);
        var fy = ImageTranslation.Translate(gens.F, previewY);
        return ImageGrid.From(torch.cat([previewX, gx, ImageTranslation.Translate(gens.F, gx), previewY, fy, ImageTranslation.Translate(gens.G, fy)]),
            nrow: 8, valueRange: (-1, 1), title: $"CycleGAN, {setup.Name}: x, G(x), F(G(x)); y, F(y), G(F(y)) after {trainer.Step} steps");
    }
    var run = trainer.Run(setup.Steps, new TrainingView($"CycleGAN, {setup.Name}", setup.Steps, samples: Preview));
    return (trainer, gens, run.Seconds);
}
var cycle = TrainCycleGan(new CycleGanSetup(cycleSteps, Batch: cycleBatch), seed: 3);

// **Exercise 9.3 (derivation).** The cycle loss does not ask for a *meaningful* translation. Take $G(x) = 2x$ and
// $F(y) = y / 2$ on images of any content. What is $\mathcal{L}_{cyc}(G, F)$?

NotebookApp.Cell(28);
double cycleOfInverses = double.NaN;   // L_cyc for G(x) = 2x, F(y) = y / 2
display(Exercise.Check("09.3", cycleOfInverses));

// ### 3.1 Which loss does what (the paper's Table 4)
//
// The same runs with one part removed: **GAN alone** (no cycle), **cycle alone** (no adversarial loss), **GAN + forward
// cycle** (only $F(G(x)) \approx x$), **full**, and **full + identity**. Measured on held-out images of both domains:
// the share of translations the kit's Fashion-MNIST classifier reads as the **target class** (ankle boot for $G(x)$,
// sneaker for $F(y)$), FD of the translations to the real images of the target domain (classifier features; the floor
// is two halves of the real target images), and the **cycle error** $\lvert F(G(x)) - x\rvert$ on $[0, 1]$ pixels.

NotebookApp.Cell(30);
var cycleBase = new CycleGanSetup(cycleSteps, Batch: cycleBatch);
var cycleAblations = new[]
{
    cycleBase with { Lambda = 0 },                          // GAN alone
    cycleBase with { Adversarial = false },                 // cycle alone
    cycleBase with { BackwardCycle = false },               // GAN + forward cycle
    cycleBase,                                              // full
    cycleBase with { IdentityWeight = 0.5 },                // full + identity
};
var cycleRuns = cycleAblations.Select(s => (s.Name, Run: TrainCycleGan(s, seed: 4))).ToList();
var cycleReports = cycleRuns.Select(r => ImageTranslation.Evaluate(r.Name, r.Run.Gens, testSneakers, testBoots)).ToList();
Table CycleTable(IEnumerable<CycleGanReport> reports, string title) => Table.From(reports.Select(r => new
{
    r.Run,
    SneakerToBoot = MetricFormat.Percent(r.ShareXToY),
    BootToSneaker = MetricFormat.Percent(r.ShareYToX),
    FDToBoots = Math.Round(r.FDToY, 2),
    FDToSneakers = Math.Round(r.FDToX, 2),
    CycleErrorX = Math.Round(r.CycleErrorX, 4),
    CycleErrorY = Math.Round(r.CycleErrorY, 4),
}), title);
display(CycleTable(cycleReports, $"CycleGAN ablations, {cycleSteps} steps each, {testSneakers.shape[0]} + {testBoots.shape[0]} held-out images (FD floor of the boots: {cycleReports[0].FDFloorY:F2})"));

// The strips $x \to G(x) \to F(G(x))$ of every run, for the same eight held-out sneakers (rows in the table's order: each
// run's $G(x)$, then its $F(G(x))$):

NotebookApp.Cell(32);
display(ImageGrid.From(torch.cat(cycleRuns.SelectMany(r =>
{
    var gx = ImageTranslation.Translate(r.Run.Gens.G, previewX);
    return new[] { gx, ImageTranslation.Translate(r.Run.Gens.F, gx) };
}).Prepend(previewX).ToArray()), nrow: 8, valueRange: (-1, 1),
    title: "Sneakers x, then per run (table order): G(x) and F(G(x))"));

// ### 3.2 What the identity loss changes
//
// The identity term asks $G$ to return a boot unchanged and $F$ a sneaker. Without it, nothing stops $G$ from also
// altering images that are already in its target domain, or from shifting their brightness (the paper's painting →
// photo example: "the generator often maps paintings of daytime to photographs taken during sunset"). Measured: how
// much each generator changes an image of its own target domain, $\lvert G(y) - y\rvert$ and $\lvert F(x) - x\rvert$, and the
// mean brightness of $G(x)$ against that of real boots.

NotebookApp.Cell(34);
double Mean01(Tensor t) => ((t + 1) / 2).mean().item<float>();
double Change(nn.Module<Tensor, Tensor> g, Tensor x) => (ImageTranslation.Translate(g, x) - x).abs().mean().item<float>() / 2;
var identityRows = cycleRuns.Where(r => r.Name.StartsWith("full")).Select(r => new
{
    Run = r.Name,
    ChangeOfBootsByG = Math.Round(Change(r.Run.Gens.G, testBoots), 4),
    ChangeOfSneakersByF = Math.Round(Change(r.Run.Gens.F, testSneakers), 4),
    BrightnessOfGx = Math.Round(Mean01(ImageTranslation.Translate(r.Run.Gens.G, testSneakers)), 4),
    BrightnessOfRealBoots = Math.Round(Mean01(testBoots), 4),
}).ToList();
display(Table.From(identityRows, "The identity loss: how much a generator alters images already in its target domain (on [0, 1] pixels)"));

// **Exercise 9.4 (code).** Write $D_Y$'s least-squares loss as the paper states it (section 4, no factor $\tfrac12$), as a
// function of its scores of a batch of real boots and of a batch of generated boots $G(x)$:
// $\mathbb{E}_y\big[(D_Y(y) - 1)^2\big] + \mathbb{E}_x\big[D_Y(G(x))^2\big]$.

NotebookApp.Cell(36);
Func<Tensor, Tensor, Tensor> lsganD = (realScores, fakeScores) => throw new NotImplementedException();
display(Exercise.Check("09.4", lsganD));

// ### 3.3 The shipped CycleGAN
//
// `data/translation/cyclegan-sneaker2boot.bin` holds $G$ and $F$ of the full model with the identity loss, trained by
// the kit's training tool for longer (command in its README and in the table's title). Same measurements, same
// held-out images:

NotebookApp.Cell(38);
var cycleCheckpoint = System.IO.Path.Combine("..", "data", "translation", "cyclegan-sneaker2boot.bin");
var (shippedCycle, shippedCycleSetup) = ImageTranslation.LoadCycleGan(cycleCheckpoint);
var cycleInfo = ModelCheckpoint.ReadInfo(cycleCheckpoint);
var shippedCycleReport = ImageTranslation.Evaluate($"shipped checkpoint ({shippedCycleSetup.Steps:N0} steps, {shippedCycleSetup.Name})", shippedCycle, testSneakers, testBoots);
var thisCycleReport = ImageTranslation.Evaluate($"this run: the live full model ({cycleSteps} steps)", cycle.Gens, testSneakers, testBoots);
display(CycleTable([thisCycleReport, shippedCycleReport],
    $"CycleGAN, sneakers ↔ ankle boots; checkpoint: {cycleInfo.Notes.GetValueOrDefault("command")}"));
var sx = testSneakers[..16];
var sy = testBoots[..16];
var sgx = ImageTranslation.Translate(shippedCycle.G, sx);
var sfy = ImageTranslation.Translate(shippedCycle.F, sy);
display(ImageGrid.From(torch.cat([sx, sgx, ImageTranslation.Translate(shippedCycle.F, sgx), sy, sfy, ImageTranslation.Translate(shippedCycle.G, sfy)]), nrow: 16,
    valueRange: (-1, 1), title: "Shipped CycleGAN: sneakers x, G(x), F(G(x)); ankle boots y, F(y), G(F(y))"));

// **Exercise 9.5 (experiment).** Train the full CycleGAN without the image buffer: in the ablation cell add
// `cycleBase with { Pool = 0 }` to the list and run the section again. Predict first: which numbers of the table move,
// and in which direction? Then look at the live view's $G(x)$ over training.

NotebookApp.Cell(40);
display(Exercise.Solution("09.5"));

// ## 4. Next: text to image
//
// The condition can also be a sentence (seed 004, *Text to image*): the text is encoded (by an RNN in Reed et al.,
// 2016, *Generative Adversarial Text to Image Synthesis*), the encoding joins the noise as the generator's input and
// the discriminator's condition, exactly as the label did in notebook 05 and the image did here. The lecture's
// pointers for going further:
//
// * **StackGAN** (Zhang et al., 2016) and **StackGAN++** (2017): a low-resolution stage from the text, then stages that
//   refine it, the idea ProGAN (notebook 07) applies to growing networks;
// * **ControlGAN** (Lee et al., 2017): word embeddings fed to several generators and discriminators, to change one
//   attribute of the image by changing one word;
// * attention-based recurrent text-to-image models (Zia et al., 2020), and today's **DALL-E** and **VQGAN + CLIP**,
//   which the lecture links to try with your own text.
//
// Training any of them needs captioned images (birds, flowers, COCO) and a GPU; the ideas are the conditional GAN's.

// ## Takeaways
//
// * **pix2pix** is a conditional GAN whose condition is an image: $G^* = \arg\min_G \max_D \mathcal{L}_{cGAN}(G, D) + \lambda\,\mathcal{L}_{L1}(G)$,
//   $\lambda = 100$; $D$ judges the pair (input, output); the noise is dropout, kept on at test time.
// * **L1 for the low frequencies, the GAN for the high ones**: L1 alone gives the blurry average of the plausible
//   outputs, the GAN alone sharp outputs less tied to the input; a **PatchGAN** with receptive field $r$,
//   $r \leftarrow (r - 1)s + k$, judges texture patch by patch.
// * **The U-Net's skips** carry the structure input and output share past the bottleneck.
// * **CycleGAN** needs no pairs: $G: X \to Y$, $F: Y \to X$, least-squares GAN losses in both directions and
//   $\lambda\,\mathcal{L}_{cyc}$, $\lambda = 10$; the cycle alone is satisfied by any invertible map (Exercise 9.3), the GAN alone
//   by any realistic output: the translation needs both. The **identity loss** keeps a generator from changing what is
//   already in its target domain; the **image buffer** keeps $D$ from forgetting old fakes.

NotebookApp.Cell(43);
var bestL1 = p2pRows.MinBy(r => r.Report.L1);
var sharpest = p2pRows.MaxBy(r => r.Sharp);
var l1Only = p2pRows.First(r => r.Row == "L1 alone");
var both = p2pRows.First(r => r.Row == "L1 + cGAN");
var bestCycle = cycleReports.MaxBy(r => r.ShareXToY)!;
display(Prose.From($"**What this run measured.** Among the pix2pix ablations ({ablationSteps} steps each), the lowest L1 error was " +
    $"**{bestL1.Row}** ({bestL1.Report.L1:F4}) and the sharpest outputs came from **{sharpest.Row}** (sharpness {sharpest.Sharp:F3}, " +
    $"L1 {sharpest.Report.L1:F4}); L1 + cGAN had sharpness {both.Sharp:F3} against {l1Only.Sharp:F3} for L1 alone. The shipped pix2pix, " +
    $"trained {shippedP2pSetup.Steps:N0} steps, reaches L1 {shippedP2pReport.L1:F4}, sharpness {p2pFinal[1].Sharp:F3} and FD {shippedP2pReport.Quality.FD:F2}. " +
    $"Of the CycleGAN runs ({cycleSteps} steps each), **{bestCycle.Run}** turned the most sneakers into what the classifier reads as ankle boots " +
    $"({MetricFormat.Percent(bestCycle.ShareXToY)}); the shipped CycleGAN turns {MetricFormat.Percent(shippedCycleReport.ShareXToY)} of the " +
    $"held-out sneakers into boots and {MetricFormat.Percent(shippedCycleReport.ShareYToX)} of the boots into sneakers, with cycle errors of " +
    $"{shippedCycleReport.CycleErrorX:F4} and {shippedCycleReport.CycleErrorY:F4}."));

NotebookApp.End();
