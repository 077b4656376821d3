using static TorchSharp.torch;

namespace GanCourse.Exercises;

/// <summary>
/// Exercises of 04-dcgan: the output size of a transposed convolution, its checkerboard overlaps, BatchNorm with the
/// lecture's ε = 0.8 (a number and the formula in code), the norm of a lerp walk, and the generator without BatchNorm.
/// </summary>
public sealed class DcganExercises : ExerciseSet
{
    public override string Notebook => "04-dcgan";

    public override IEnumerable<ExerciseSpec> Create()
    {
        yield return ExerciseSpec.Number("04.1", Notebook, "the output size of a transposed convolution",
            "A 16x16 feature map goes through ConvTranspose2d(64, 32, kernel_size: 5, stride: 2, padding: 2, output_padding: 1). " +
            "What is the height H_out of the output? (H_out = (H_in − 1) s − 2p + k + output_padding)",
            expected: 32, tolerance: 1e-9,
            explanation: "H_out = (H_in − 1) s − 2p + k + output_padding = 15 · 2 − 4 + 5 + 1 = 32: this layer doubles the resolution, like the " +
                         "k = 4, s = 2, p = 1 layers of the paper's generator ((H − 1) · 2 − 2 + 4 = 2H).\n\n" +
                         "Why output_padding? A stride-2 convolution maps both 31x31 and 32x32 inputs to 16x16 (with k = 5, p = 2), so its transpose " +
                         "has two valid output sizes; without output_padding PyTorch (and TorchSharp) returns the smaller one, 31. output_padding = 1 " +
                         "adds the missing row and column on one side (it adds no zeros to the input, only to the output's size).",
            wrong: 31,
            hint: x => Math.Abs(x - 31) < 1e-9 ? "close: you left out one term of the formula" :
                       Math.Abs(x - 33) < 1e-9 ? "the padding p is subtracted on both sides: −2p" : "put H_in = 16, s = 2, p = 2, k = 5 and output_padding = 1 into the formula");

        yield return ExerciseSpec.Choice("04.2", Notebook, "predict: the overlaps of k = 3, s = 2",
            "Set every weight of a ConvTranspose2d(1, 1, 3, stride: 2, padding: 1) to 1 and feed a constant 8x8 image of ones: each output pixel then " +
            "counts how many input pixels stamp the 3x3 kernel onto it. Away from the border, the output takes (a) one value everywhere, " +
            "(b) the three values 1, 2 and 4, (c) the two values 1 and 3.",
            correct: "b",
            explanation: "In one dimension the input pixel i stamps the kernel onto the output positions 2i − 1, 2i, 2i + 1 (stride 2, padding 1): the " +
                         "even positions are hit by their own pixel only, the odd positions by the two pixels on either side. So a row alternates " +
                         "1, 2, 1, 2, ... and, since the 2-D count is the product of the row and column counts, the image has 1 · 1, 1 · 2 and " +
                         "2 · 2: the values 1, 2 and 4 in a checkerboard.\n\nWith k = 4, s = 2 each position is hit by exactly two pixels in 1-D, " +
                         "so 4 everywhere in 2-D (k divisible by s); Upsample x2 + a 3x3 convolution of ones gives 9 everywhere. This uneven stamping " +
                         "is the checkerboard of Odena et al. (2016), which a generator made of such layers must learn to cancel.",
            wrong: "a",
            hint: s => s == "a" ? "one value everywhere is what k = 4, s = 2 gives: count in one dimension first, how many pixels reach an even and an odd position?"
                                : "count in one dimension first: which output positions does input pixel i reach with stride 2, padding 1, kernel 3?");

        yield return ExerciseSpec.Number("04.3", Notebook, "BatchNorm with ε = 0.8",
            "A channel's activations have batch mean 0 and standard deviation 0.05. BatchNorm2d(128, eps: 0.8), with its initial γ = 1 and β = 0, " +
            "computes x̂ = (x − μ_B) / sqrt(σ_B² + ε). What is the standard deviation of its output? (The cell below measures it.)",
            expected: 0.05 / Math.Sqrt(0.05 * 0.05 + 0.8), tolerance: 1e-3,
            explanation: "The output is the input divided by sqrt(σ_B² + ε) = sqrt(0.0025 + 0.8) ≈ 0.896, so its standard deviation is 0.05 / 0.896 ≈ 0.056: " +
                         "the layer barely changes the scale, where the usual ε = 1e-5 would have brought it to 1 (0.05 / sqrt(0.0025 + 0.00001) ≈ 0.998).\n\n" +
                         "ε is there to avoid dividing by zero; it only matters when it is comparable to σ_B². With 0.8 the \"normalisation\" of small " +
                         "activations is mostly a subtraction of the mean: the lecture's code passes 0.8 as the second positional argument, which is ε, " +
                         "not the momentum.",
            wrong: 1.0,
            hint: x => Math.Abs(x - 1) < 0.01 ? "1 is what the default ε = 1e-5 gives: here ε is not small against σ_B²" :
                       Math.Abs(x - 0.0625) < 1e-3 ? "ε is added to the variance, under the square root" : "divide σ_B by sqrt(σ_B² + ε)");

        yield return WithSolution(ExerciseSpec.Function("04.4", Notebook, "the normalisation of BatchNorm in code",
            "Write the training-mode normalisation of BatchNorm2d(C, eps: 0.8) (γ = 1, β = 0) for a batch x of shape (N, C, H, W): subtract each channel's " +
            "mean over the batch and the pixels (dimensions 0, 2, 3) and divide by sqrt(σ_B² + ε), with the biased variance (divide by the number of values, " +
            "not one less). The check compares your function with TorchSharp's BatchNorm2d on random batches.",
            reference: x =>
            {
                using var bn = nn.BatchNorm2d(x.shape[1], eps: 0.8);
                return bn.forward(x);
            },
            probes: g => [randn([16, 4, 5, 5], generator: g) * 0.3 + 0.5],
            explanation: "Per channel c: μ_c = mean of x[:, c, :, :], σ_c² = mean of (x[:, c, :, :] − μ_c)², x̂ = (x − μ_c) / sqrt(σ_c² + ε). In C#:\n\n" +
                         "Func<Tensor, Tensor> batchNorm = x => (x - x.mean(new long[] { 0, 2, 3 }, keepdim: true)) / " +
                         "(x.var(new long[] { 0, 2, 3 }, unbiased: false, keepdim: true) + 0.8).sqrt();\n\n" +
                         "keepdim keeps the shape (1, C, 1, 1), so the statistics broadcast over the batch. In training mode BatchNorm normalises with " +
                         "the biased variance of the batch (and keeps an unbiased running estimate for eval mode, which this check does not use). " +
                         "With ε = 1e-5 the result would have standard deviation about 1 per channel; with 0.8 it keeps most of the input's scale.",
            wrong: x => (x - x.mean([0, 2, 3], keepdim: true)) / (x.var([0, 2, 3], unbiased: false, keepdim: true) + 1e-5).sqrt()),
            solution: (Func<Tensor, Tensor>)(x => (x - x.mean([0, 2, 3], keepdim: true)) / (x.var([0, 2, 3], unbiased: false, keepdim: true) + 0.8).sqrt()));

        yield return ExerciseSpec.Experiment("04.5", Notebook, "the paper generator without BatchNorm",
            "Train the paper's generator without its BatchNorm layers: build it as a Sequential of the same layers minus BatchNorm2d " +
            "(Unflatten(1, [latentDim, 1, 1]), then ConvTranspose2d 100→256 (4, 1, 0), ReLU, 256→128 (4, 2, 1), ReLU, 128→64 (4, 2, 1), ReLU, 64→1 (4, 2, 1), Tanh; " +
            "all with bias: false) and run it through TrainDcgan with the same steps and seed. Predict first: what do the first frames look like, and " +
            "how do its samples compare with the BatchNorm run after the same number of steps?",
            "The code:\n\nvar noBnG = nn.Sequential(nn.Unflatten(1, new long[] { latentDim, 1, 1 }),\n" +
            "    nn.ConvTranspose2d(latentDim, 256, 4, stride: 1, padding: 0, bias: false), nn.ReLU(),\n" +
            "    nn.ConvTranspose2d(256, 128, 4, stride: 2, padding: 1, bias: false), nn.ReLU(),\n" +
            "    nn.ConvTranspose2d(128, 64, 4, stride: 2, padding: 1, bias: false), nn.ReLU(),\n" +
            "    nn.ConvTranspose2d(64, 1, 4, stride: 2, padding: 1, bias: false), nn.Tanh());\n" +
            "var noBnRun = TrainDcgan(\"Paper DCGAN without BatchNorm\", noBnG, paperSteps, seed: 6);\n\n" +
            "What to look for. (1) At initialisation: with weights from N(0, 0.02) each layer multiplies the scale of its input by roughly " +
            "0.02 · sqrt(fan-in) (and ReLU removes half the energy), which is below 1 for every layer here, so the output starts almost constant: a uniform " +
            "grey first frame. Check it: compare noBnG.forward(torch.randn(64, latentDim)).std() with the same for a fresh DcganGenerator; BatchNorm " +
            "resets the scale after every layer. (2) During training: compare the two animations at the same step: how soon silhouettes appear, and " +
            "whether the 64 samples of the fixed grid are as varied (Radford et al. credit BatchNorm with getting deep generators to start learning " +
            "and with preventing the generator from collapsing all samples to a single point). (3) The D(x) / D(G(z)) curves of the two runs. " +
            "How big the difference is depends on the profile and the seed: a short run may end with both still at blobs, which is a result too. " +
            "The guidelines keep BatchNorm out of G's output layer and D's input layer, where the paper found it made samples oscillate.");

        yield return ExerciseSpec.Number("04.6", Notebook, "the norm of a straight walk",
            "z_0 and z_1 are independent draws of N(0, I_100). The lerp walk is z_t = (1 − t) z_0 + t z_1. What is the typical norm of z_t at t = 1/4, " +
            "i.e. sqrt(E‖z_t‖²)? (The chart below shows the norms along one walk.)",
            expected: Math.Sqrt(62.5), tolerance: 0.01,
            explanation: "Each coordinate of z_t is (1 − t) a + t b with a, b independent N(0, 1), so its variance is (1 − t)² + t². At t = 1/4 that is " +
                         "9/16 + 1/16 = 5/8, and E‖z_t‖² = 100 · 5/8 = 62.5: the typical norm is sqrt(62.5) ≈ 7.9, against ≈ 10 at the endpoints " +
                         "(and 10/sqrt 2 ≈ 7.1 at the midpoint, where (1 − t)² + t² is smallest).\n\n" +
                         "Slerp keeps the norm between the endpoints' (≈ 10) all along, so it stays in the shell where the generator's training " +
                         "inputs lie; lerp dips into the inside of that shell, which the generator never saw.",
            wrong: Math.Sqrt(50),
            hint: x => Math.Abs(x - Math.Sqrt(50)) < 0.1 ? "that is the midpoint t = 1/2: at t = 1/4 the two weights differ" :
                       Math.Abs(x - 10) < 0.1 ? "10 is the norm of slerp's walk (and of the endpoints): lerp's is shorter" :
                       Math.Abs(x - 62.5) < 0.1 ? "that is E‖z_t‖²: take the square root" : "compute the variance of one coordinate, (1 − t)² + t², then scale to 100 coordinates");
    }

    /// <summary>The same exercise with another answer the check must accept (here: the by-hand formula, checked against the library's).</summary>
    static ExerciseSpec WithSolution(ExerciseSpec e, object solution) => new()
    {
        Id = e.Id, Notebook = e.Notebook, Title = e.Title, Kind = e.Kind, Question = e.Question, Explanation = e.Explanation,
        Solution = solution, Wrong = e.Wrong, Verify = e.Verify,
    };
}
