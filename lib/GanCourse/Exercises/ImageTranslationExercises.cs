using static TorchSharp.torch;

namespace GanCourse.Exercises;

/// <summary>
/// Exercises of 09-image-translation: the receptive field of a deeper PatchGAN, predicting which loss blurs, the
/// cycle loss of two inverse maps, CycleGAN's least-squares discriminator loss in code, and training without the
/// image buffer.
/// </summary>
public sealed class ImageTranslationExercises : ExerciseSet
{
    public override string Notebook => "09-image-translation";

    public override IEnumerable<ExerciseSpec> Create()
    {
        yield return ExerciseSpec.Number("09.1", Notebook, "the receptive field of a 4-layer PatchGAN",
            "The paper's 70 x 70 PatchGAN has three stride-2 layers (C64 and two more). Add a fourth (the reference code's n_layers = 4): the convolutions are " +
            "then 4 x 4 with strides 2, 2, 2, 2, 1, 1 (four stride-2 layers, one stride-1 layer, the stride-1 output). What is its receptive field?",
            expected: 142, tolerance: 0.5,
            explanation: "From the output back to the input, r starts at 1 and each layer (k, s) makes it (r − 1)·s + k. The two stride-1 layers: " +
                         "1 -> 4 -> 7. Then the four stride-2 layers: 7 -> 16 -> 34 -> 70 -> 142. Each stride-2 layer roughly doubles the patch " +
                         "(r -> 2r + 2), so three give the paper's 70 and four give 142.\n\n" +
                         "The library: new PatchGanDiscriminator(layers: 4).ReceptiveField is 142 (PatchGanDiscriminator.ReceptiveFieldOf does the recursion). " +
                         "The pix2pix paper's ImageGAN on 256 x 256 images is the 286 x 286 one, with one layer more.",
            wrong: 70,
            hint: x => Math.Abs(x - 70) < 0.5 ? "70 is the three-layer PatchGAN: one more stride-2 layer roughly doubles it"
                     : Math.Abs(x - 286) < 0.5 ? "286 is one stride-2 layer too many (the paper's ImageGAN)"
                     : "apply r = (r − 1)·s + k from the output backwards, starting at r = 1");

        yield return ExerciseSpec.Choice("09.2", Notebook, "predict: which loss gives the sharpest outputs",
            "Which pix2pix row will have the sharpest outputs (the highest sharpness column): (a) L1 alone, (b) cGAN alone, (c) L1 + cGAN? " +
            "And will that row's L1 error be above or below L1 alone's?",
            correct: "b",
            explanation: "Many garments fit one edge map (the shading and texture are not in it). Under an L1 loss the best single answer for each pixel is the " +
                         "median of the plausible values: a smooth average of the possibilities, with weak gradients (blur). The cGAN alone is never pulled " +
                         "towards that average: a blurry garment is easy to tell from a real one patch by patch, so G draws sharp texture, whether or not it " +
                         "matches the true garment; its L1 error is above L1 alone's. L1 + cGAN sits between: with λ = 100 the L1 term dominates G's loss " +
                         "early in training, so after a short run it is close to L1 alone, and the GAN term's sharpening shows with longer training " +
                         "(compare the shipped model's sharpness). The paper's Figure 4 and Table 1 show the same three regimes (L1: blurry; cGAN: sharp " +
                         "with artefacts; L1 + cGAN: sharp and faithful).",
            wrong: "a",
            hint: s => s == "a" ? "which loss is minimised by the median of all plausible outputs, and what does a median of many garments look like?"
                     : s == "c" ? "with λ = 100, which term dominates G's loss at the start of training?"
                     : "which row's loss never compares the output with the true garment?");

        yield return ExerciseSpec.Number("09.3", Notebook, "the cycle loss of two inverse maps",
            "The cycle loss does not ask for a meaningful translation. Take G(x) = 2x and F(y) = y / 2 on images of any content. What is L_cyc(G, F) = " +
            "E|F(G(x)) − x| + E|G(F(y)) − y|?",
            expected: 0, tolerance: 1e-9,
            explanation: "F(G(x)) = 2x / 2 = x and G(F(y)) = 2 (y / 2) = y, so both terms are 0: any pair of inverse functions satisfies the cycle perfectly, " +
                         "including G = F = the identity. The cycle only says that G keeps enough of x to recover it; what G(x) should look like comes from the " +
                         "adversarial loss, D_Y(G(x)) against real boots. That is why the paper's Table 4 finds 'cycle alone' and 'GAN alone' both poor: " +
                         "the GAN alone may map every sneaker to the same good boot (mode collapse, and nothing of x kept), the cycle alone may change nothing.",
            wrong: 1,
            hint: x => "compute F(G(x)) for G(x) = 2x and F(y) = y / 2 first");

        yield return ExerciseSpec.Function2("09.4", Notebook, "CycleGAN's least-squares discriminator loss in code",
            "Write D_Y's least-squares loss as the paper states it (section 4, no factor 1/2), as a function of its scores of a batch of real boots " +
            "and of a batch of generated boots G(x): E[(D_Y(y) − 1)²] + E[D_Y(G(x))²].",
            reference: (real, fake) => (real - 1).square().mean() + fake.square().mean(),
            probes: g => [randn([32, 1, 6, 6], generator: g), randn([32, 1, 6, 6], generator: g)],
            explanation: "(real, fake) => (real - 1).square().mean() + fake.square().mean(): raw scores, no sigmoid; real patches are pushed to 1, fakes to 0, " +
                         "and G minimises E[(D_Y(G(x)) − 1)²]. The library's LsganLoss (a = 0, b = c = 1) computes half of each, the LSGAN paper's form; " +
                         "the factor changes only the effective learning rate. Least squares keeps a gradient for fakes that are on the 'real' side of the " +
                         "boundary but far from the data, and the CycleGAN authors found it more stable than the log loss.",
            wrong: (real, fake) => nn.functional.softplus(-real).mean() + nn.functional.softplus(fake).mean());

        yield return ExerciseSpec.Experiment("09.5", Notebook, "CycleGAN without the image buffer",
            "Train the full CycleGAN without the image buffer: in the ablation cell add cycleBase with { Pool = 0 } to the list and run the section again. " +
            "Predict first: which numbers of the table move, and in which direction? Then look at the live view's G(x) over training.",
            "Without the buffer each D sees only the newest fakes. G can then escape D's current judgement by moving to a kind of output D no longer " +
            "rejects, D follows, and the pair oscillates (notebook 03's mode hopping, now for images); the buffer of the 50 latest fakes (Shrivastava et al. " +
            "2017) makes D keep rejecting what G produced before. Expect the share of sneakers read as boots and the FD to the boots to be noisier across " +
            "seeds and checkpoints, and G(x) in the live view to change character between snapshots; the cycle error is hardly affected (it does not involve D). " +
            "In a short cpu run the difference can be within the noise of one seed: run two seeds of both before concluding, and say so if they overlap.");
    }
}
