using GanCourse.Networks;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Exercises;

/// <summary>
/// Exercises of 08-stylegan: AdaIN in code, what the fine styles carry, truncation in code, variety against ψ,
/// truncating only the coarse layers, the output scale that demodulation removes.
/// </summary>
public sealed class StyleGanExercises : ExerciseSet
{
    public override string Notebook => "08-stylegan";

    public override IEnumerable<ExerciseSpec> Create()
    {
        yield return ExerciseSpec.Function2("08.1", Notebook, "AdaIN in code",
            "Write AdaIN(x, y) = y_s · (x − μ(x)) / σ(x) + y_b for feature maps x of shape (N, C, H, W) and styles y of shape (N, 2, C), with " +
            "y_s = y[:, 0] and y_b = y[:, 1] (one scale and one bias per sample and feature map). μ and σ are each sample's and each map's own mean " +
            "and standard deviation over H and W, σ = √(mean((x − μ)²) + 10⁻⁵) as InstanceNorm computes it. The check compares your function " +
            "with F.instance_norm followed by the style.",
            reference: (x, y) => F.instance_norm(x) * y[.., 0].unsqueeze(-1).unsqueeze(-1) + y[.., 1].unsqueeze(-1).unsqueeze(-1),
            probes: g => [randn([4, 3, 8, 8], generator: g) * 2 + 1, randn([4, 2, 3], generator: g)],
            explanation: "Func<Tensor, Tensor, Tensor> adain = (x, y) =>\n{\n    var mu = x.mean([2, 3], keepdim: true);\n" +
                         "    var sigma = ((x - mu).square().mean([2, 3], keepdim: true) + 1e-5).sqrt();\n" +
                         "    var ys = y[.., 0].reshape(-1, x.size(1), 1, 1); var yb = y[.., 1].reshape(-1, x.size(1), 1, 1);\n" +
                         "    return ys * (x - mu) / sigma + yb;\n};\n\n" +
                         "The normalisation removes each map's own mean and scale, and the style puts new ones in: the style of a layer controls only " +
                         "the statistics of its maps, and the next AdaIN overrides them again, which is why each style acts on one scale. In the lecture's " +
                         "code this is LayerEpilogue's InstanceNorm followed by StyleMod, which writes the scale as y_s + 1 so that a zero style is the identity. " +
                         "(x.std() would use the unbiased estimate, dividing by HW − 1: a few per cent off for 8x8 maps.)",
            wrong: (x, y) => x * y[.., 0].unsqueeze(-1).unsqueeze(-1) + y[.., 1].unsqueeze(-1).unsqueeze(-1), // the style without the normalisation
            tolerance: 1e-4);

        yield return ExerciseSpec.Choice("08.2", Notebook, "predict: what the fine styles of B change",
            "In the third grid of the style-mixing cell below, each cell takes only the fine styles (layers 6-7, 32x32) from the image B of its column and the other six " +
            "from the image A of its row. Compared with A's own image, expect each cell to (a) show B's digit, (b) keep A's digit, with at most its stroke " +
            "thickness or texture changed, (c) be a blur between the two digits?",
            correct: "b",
            explanation: "The coarse styles (4x4, 8x8) have already laid out the digit's identity and pose when the 32x32 layers start; their AdaIN can only " +
                         "rescale and shift the fine maps' statistics, i.e. the stroke's thickness, sharpness and texture (for faces: the colour scheme). " +
                         "The mix is not a blend of images either: every layer uses one w, A's or B's. The first grid (coarse styles from B) is the opposite " +
                         "case, where the digit comes from B; the crossover rows below show at which layer the control switches.",
            wrong: "a",
            hint: s => s == "a" ? "that happens when B's coarse styles are used: which resolutions decide the digit's shape?"
                : "styles are not mixed pixel by pixel: each layer takes one w, A's or B's");

        yield return ExerciseSpec.Function2("08.3", Notebook, "the truncation trick in code",
            "Write the truncation w' = w̄ + ψ (w − w̄) with ψ = 0.7 for w of shape (N, layers, d), one w per layer, and w̄ of shape (d), applied to " +
            "every layer. The check compares it with the library's Truncation on random latents.",
            reference: (w, wAvg) => { using var t = new Truncation(wAvg, maxLayer: (int)w.size(1), threshold: 0.7); return t.forward(w); },
            probes: g => [randn([6, 8, 16], generator: g), randn([16], generator: g) * 0.5],
            explanation: "Func<Tensor, Tensor, Tensor> truncate = (w, wAvg) => wAvg + 0.7 * (w - wAvg);  (wAvg broadcasts over N and the layers; " +
                         "torch.lerp(wAvg, w, 0.7) is the same.)\n\n" +
                         "ψ = 1 leaves w alone, ψ = 0 maps every z to w̄, the \"average\" image, and ψ < 0 goes to the other side of the average. " +
                         "It works in W rather than in Z because W is learned to follow the data: moving towards w̄ moves towards well-represented, " +
                         "typical images, at the cost of variety. The lecture's Truncation applies it to the first maxLayer = 8 styles only; our small model " +
                         "has 8 in all.",
            wrong: (w, wAvg) => 0.7 * w);

        yield return ExerciseSpec.Choice("08.4", Notebook, "predict: variety against ψ",
            "The cells below measure the mean per-pixel standard deviation over 500 samples for ψ = 0, 0.2, ..., 1 (noise random per sample). As ψ goes " +
            "from 0 to 1 the curve (a) grows, from its smallest value at ψ = 0, (b) falls, (c) stays flat, since the noise sets the variety?",
            correct: "a",
            explanation: "The distance of w' from w̄ is ψ times that of w, so the styles of the samples spread more with ψ; at ψ = 0 every sample has " +
                         "the same w̄ and differs only by the noise inputs, which change local detail, not the digit. So the spread starts small and grows " +
                         "with ψ: truncation trades variety for typicality (the grid above shows the better-looking, more alike samples at small ψ).",
            wrong: "c",
            hint: s => s == "c" ? "the noise acts on stochastic detail only: what do the samples share at ψ = 0?"
                : "how far from w̄ is w' = w̄ + ψ (w − w̄), and what happens to all samples at ψ = 0?");

        yield return ExerciseSpec.Experiment("08.5", Notebook, "truncate only the coarse styles",
            "In the truncation grid's cell (the psi = -1 .. 1 columns), change maxLayer: L to maxLayer: 4 in the Truncation, so that only the coarse " +
            "styles (4x4, 8x8) are pulled towards w̄, and run it again. Predict first: at ψ = 0, are the six rows still the same image up to noise?",
            "With maxLayer: 4 the layers 4-7 keep each row's own w, so at ψ = 0 the rows share only the coarse styles of w̄: expect them to come out " +
            "alike in the digit's overall shape and pose (what the coarse layers control) but no longer the same image, with each row's own stroke " +
            "thickness and texture (the fine styles), unlike the maxLayer: L grid, where the ψ = 0 column differs only by noise. This is why the " +
            "lecture truncates only the first 8 of its 18 styles: typical overall structure, varied detail. Put maxLayer: L back afterwards.");

        yield return ExerciseSpec.Number("08.6", Notebook, "the output scale that demodulation removes",
            "A modulated 3x3 convolution has C_in = 8 input maps, every weight w_ijk = 0.5 and the style s_i = 2 for every input map. The inputs are " +
            "independent with standard deviation 1 (ignore the borders). What is the standard deviation of an output before demodulation?",
            expected: Math.Sqrt(72), tolerance: 1e-3,
            explanation: "Modulation gives w'_ijk = s_i · w_ijk = 1 for every i and k. An output is Σ_{i,k} w'_ijk · x_ik over 8 · 9 = 72 independent unit-variance " +
                         "inputs, so its variance is Σ w'² = 72 and its standard deviation √72 ≈ 8.49.\n\n" +
                         "Demodulation divides the weights by exactly √(Σ_{i,k} w'² + ε), so the output's std is back to 1 (StyleGAN2, eq. 3): the scale is " +
                         "normalised from the weights alone, statistically, instead of from each map's actual statistics as AdaIN did, and a droplet no " +
                         "longer pays off. Without it the scale multiplies from layer to layer, as the next chart shows.",
            wrong: 72,
            hint: x => Math.Abs(x - 72) < 1e-3 ? "that is the variance: the question asks for the standard deviation"
                : Math.Abs(x - Math.Sqrt(18)) < 1e-3 ? "modulate first: w' = s · w" : "modulate the weights, then add the variances of the 8 · 9 independent terms");
    }
}
