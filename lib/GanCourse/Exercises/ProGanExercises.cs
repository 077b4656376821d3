using GanCourse.Networks;
using static TorchSharp.torch;

namespace GanCourse.Exercises;

/// <summary>
/// Exercises of 07-progan: the fade-in blend, the minibatch-stddev feature of a collapsed batch, the He constant of
/// the equalized learning rate, pixel norm in code, the memory of the averaged generator, a fade-in broken on purpose.
/// </summary>
public sealed class ProGanExercises : ExerciseSet
{
    public override string Notebook => "07-progan";

    public override IEnumerable<ExerciseSpec> Create()
    {
        yield return ExerciseSpec.Number("07.1", Notebook, "a pixel during the fade-in",
            "With the paper's schedule (800k images per fade-in, α growing linearly from 0 to 1), the generator is 200k images into the 16 → 32 fade-in. " +
            "At one pixel the old branch up(toRGB₁₆(h)) gives 0.5 and the new branch toRGB₃₂(block₃₂(up(h))) gives −0.3. What is x₃₂ at that pixel?",
            expected: 0.3, tolerance: 1e-3,
            explanation: "α = 200k / 800k = 0.25, and x₃₂ = (1 − α)·old + α·new = 0.75·0.5 + 0.25·(−0.3) = 0.375 − 0.075 = 0.3.\n\n" +
                         "At the start of the fade-in the image is the old network's output, upsampled; the new block, freshly initialised, enters " +
                         "with a small weight and takes over gradually, like a residual branch (Figure 2 of the paper). The discriminator blends its " +
                         "fromRGB paths and the real images with the same α.",
            wrong: -0.1,
            hint: x => Math.Abs(x + 0.1) < 1e-3 ? "you weighted the old branch by α: α is the weight of the new block"
                : "α is the fraction of the fade-in's images already shown; then blend (1 − α)·old + α·new");

        yield return ExerciseSpec.Choice("07.2", Notebook, "predict: the minibatch stddev of a collapsed batch",
            "The next cell feeds MinibatchStdDev (groups of 4) two batches: 8 different real images, and 8 copies of one image (a collapsed generator). " +
            "For the copies, the appended feature s is (a) about the same as for the different images, (b) (almost) exactly 0, (c) larger than for the different images?",
            correct: "b",
            explanation: "Within each group the copies are identical, so every feature's variance over the group is 0, and " +
                         "s = mean over (c, h, w) of √(0 + 10⁻⁸) = 10⁻⁴: zero but for the ε that keeps the square root differentiable. For varied images " +
                         "s is the average spread of the pixels, a few tenths for Fashion-MNIST.\n\n" +
                         "That is the point of the layer: a generator whose batches are too uniform gives itself away through one number that D sees at 4x4, " +
                         "so D can penalise the collapse and G is pushed towards variety (Table 1, (d) → (e)).",
            wrong: "a",
            hint: s => "what is the variance over a group of identical images?");

        yield return ExerciseSpec.Number("07.3", Notebook, "the He constant of a 3x3 convolution",
            "With the equalized learning rate every stored weight is drawn from N(0, 1) and multiplied at run time by c = √(2 / fan-in). " +
            "What is c for a 3x3 convolution with 32 input feature maps (and any number of outputs)?",
            expected: 1.0 / 12, tolerance: 1e-4,
            explanation: "fan-in = in · k · k = 32 · 3 · 3 = 288 (every output sums that many inputs), so c = √(2/288) = √(1/144) = 1/12 ≈ 0.0833.\n\n" +
                         "The number of outputs does not enter: He's initialisation keeps the variance of the forward signal, which depends on how many " +
                         "terms each output sums. The table below lists it as HeConstant for every layer, with the stored weights' std near 1 and the " +
                         "effective weights' std near c.",
            wrong: Math.Sqrt(2.0 / 32),
            hint: x => Math.Abs(x - Math.Sqrt(2.0 / 32)) < 1e-4 ? "each output of a 3x3 convolution reads a 3x3 window of every input map: count them all"
                : Math.Abs(x - Math.Sqrt(2.0 / 288) * Math.Sqrt(2)) < 1e-4 || Math.Abs(x - Math.Sqrt(1.0 / 288)) < 1e-4 ? "check the factor 2 of He's constant: c = √(2 / fan-in)"
                : "fan-in is the number of inputs each output sums: input maps × kernel height × kernel width");

        yield return ExerciseSpec.Function("07.4", Notebook, "pixelwise feature normalization in code",
            "Write ProGAN's pixel norm for feature maps a of shape (N, C, H, W): b = a / √((1/C) Σ_j (a^j)² + ε) with ε = 10⁻⁸, the mean taken over " +
            "the feature maps (dimension 1) at each pixel. The check compares it with the library's PixelNorm.",
            reference: a => { using var norm = new PixelNorm(); return norm.forward(a); },
            probes: g => [randn([4, 16, 5, 5], generator: g) * 3 + 1],
            explanation: "Func<Tensor, Tensor> pixelNorm = a => a / (a.square().mean([1], keepdim: true) + 1e-8).sqrt();\n\n" +
                         "keepdim: true keeps the (N, 1, H, W) shape so that the division broadcasts over the C maps. After it every pixel's feature " +
                         "vector has mean square 1 (length √C), whatever the magnitudes before: the generator cannot let its signals escalate, and there " +
                         "are no learned parameters (unlike BatchNorm, nothing depends on the other images of the batch).",
            wrong: a => a / (a.square().mean([2, 3], keepdim: true) + 1e-8).sqrt()); // normalised over the pixels of each map instead

        yield return ExerciseSpec.Number("07.5", Notebook, "the memory of the averaged generator",
            "Samples come from θ_ema ← β θ_ema + (1 − β) θ_G with the paper's β = 0.999. After 1000 more updates, what fraction of θ_ema is still the " +
            "value it had before them (the weight of everything older than 1000 steps)?",
            expected: Math.Pow(0.999, 1000), tolerance: 1e-3,
            explanation: "Unrolled, θ_ema after n steps = βⁿ θ_ema(before) + Σ_{k<n} (1 − β) β^k θ_G(n − k): the old average keeps the weight " +
                         "βⁿ = 0.999¹⁰⁰⁰ ≈ e⁻¹ ≈ 0.368, and the last 1000 generators share the rest, 0.632.\n\n" +
                         "So G_ema averages over roughly the last 1/(1 − β) = 1000 steps: it smooths the oscillations of adversarial training but lags " +
                         "behind the generator. That is why the notebook's short runs use a smaller β (EmaDecay), so that the average follows the growth.",
            wrong: 1 - Math.Pow(0.999, 1000),
            hint: x => Math.Abs(x - (1 - Math.Pow(0.999, 1000))) < 1e-3 ? "that is the weight of the last 1000 updates; the question asks for what is left of the old value"
                : "each update keeps a fraction β of the average; apply that 1000 times");

        yield return ExerciseSpec.Experiment("07.6", Notebook, "break the fade-in",
            "In section 1's settings cell, change FadeImages to one batch, FadeImages: course.Profile.Pick(ci: 8L, cpu: 32L, gpu: 64L) " +
            "(the batch sizes, so α jumps from 0 to 1 within one step), keep StableImages, and run sections 1 and 5 again. Predict first: what do the " +
            "samples and the losses do at each resolution change?",
            "With a one-batch fade-in every new block enters at full weight with its freshly initialised weights: the image is no longer the old " +
            "network's output, upsampled, but whatever the untrained block and toRGB make of the features. Look at the first samples of each new " +
            "resolution in the live view and at the end-of-phase grids: expect noisy or blotchy images where the smooth version kept the previous " +
            "stage's garment, and look at the losses (and the critic's scores) around each phase change for a jump that the run with the fade-in " +
            "does not show; the networks have to recover from the shock within the stable phase. The strips of section 5 lose their gradual rows (α is 1 almost at once). How large the shock is " +
            "and how fast training recovers depends on the budget: compare the SWD per phase with the run with the fade-in, and put FadeImages back " +
            "afterwards. This is the paper's reason for the fade-in: \"avoid sudden shocks to the already well-trained, smaller-resolution layers\".");
    }
}
