using static TorchSharp.torch;

namespace GanCourse.Exercises;

/// <summary>Exercises of 00-setup: the shape a convolution returns, seeding, broadcasting (in a prediction and in code).</summary>
public sealed class SetupExercises : ExerciseSet
{
    public override string Notebook => "00-setup";

    public override IEnumerable<ExerciseSpec> Create()
    {
        yield return ExerciseSpec.Number("00.1", Notebook, "how many numbers a convolution returns",
            "Section 2 runs nn.Conv2d(3, 4, 3, padding: 1) (3 input channels, 4 output channels, 3x3 kernels, padding 1, stride 1) on a batch x of " +
            "shape [8, 3, 16, 16]. Before running it: how many numbers does the output y hold (y.numel())?",
            expected: 8192, tolerance: 1e-9,
            explanation: "A convolution keeps the batch size, replaces the channels by its output channels and maps each side by " +
                         "H_out = (H + 2p − k)/s + 1 = (16 + 2 − 3)/1 + 1 = 16: padding 1 with a 3x3 kernel keeps the size (\"same\" padding).\n\n" +
                         "So y has shape [8, 4, 16, 16] and 8 · 4 · 16 · 16 = 8192 numbers; the cell prints the shape. (Without the padding each side would " +
                         "shrink to 14.)",
            wrong: 6144,
            hint: x => Math.Abs(x - 6144) < 0.5 ? "that is the size of x: the convolution changes the number of channels"
                : Math.Abs(x - 6272) < 0.5 ? "padding 1 with a 3x3 kernel keeps each side at 16"
                : "the output shape is [batch, output channels, H_out, W_out] with H_out = (H + 2p − k)/s + 1");

        yield return ExerciseSpec.Experiment("00.2", Notebook, "run it twice, then seed it",
            "Run section 2's cell a second time: does the printed loss stay the same? Then put Course.Seed(course.Seed); as the cell's first line and " +
            "run it twice more. What changes, and why do the training notebooks call Course.Seed before every run they compare?",
            "Without a seed the second run prints a different loss: torch.randn draws a new x and nn.Conv2d draws new initial weights from torch's " +
            "global random generator, which moved on after the first run. With Course.Seed(course.Seed) first, that generator restarts from the same " +
            "state, so x, the weights and the loss are the same on every run (on the same device: CPU and CUDA generate different random streams, " +
            "and some CUDA kernels are not bit-for-bit deterministic).\n\nThe later notebooks seed before each model they train (e.g. " +
            "Course.Seed(course.Seed) before each code size in 01) so that two runs differ only in the setting being compared, not in their luck.");

        yield return ExerciseSpec.Choice("00.3", Notebook, "predict: the shape of a broadcast sum",
            "In section 4, k.view(32, 1, 1) has shape [32, 1, 1], u = coords.view(1, 1, 28) has shape [1, 1, 28] and v = coords.view(1, 28, 1) has shape " +
            "[1, 28, 1]. What is the shape of k.view(32, 1, 1) * u + k.view(32, 1, 1) * v? (a) [32, 28] (b) [32, 1, 28] (c) [32, 28, 28] (d) an error: the shapes do not match.",
            correct: "c",
            explanation: "Broadcasting lines the shapes up from the right and stretches every dimension of size 1 to the other operand's size. " +
                         "[32, 1, 1] * [1, 1, 28] gives [32, 1, 28]; [32, 1, 1] * [1, 28, 1] gives [32, 28, 1]; their sum gives [32, 28, 28]: " +
                         "32 images of 28x28, each the plane wave of its own frequency, without a loop. unsqueeze(1) then adds the channel: [32, 1, 28, 28], " +
                         "which the grid shows.",
            wrong: "d",
            hint: s => s == "d" ? "sizes of 1 are stretched: two shapes are compatible when, from the right, each pair of sizes is equal or one of them is 1"
                : s == "b" ? "that is only the first product: the second one stretches a different dimension"
                : null);

        yield return ExerciseSpec.Function("00.4", Notebook, "standardise each row with broadcasting",
            "Write a function that standardises each row of a matrix x of shape [N, D]: subtract the row's mean and divide by the row's standard " +
            "deviation (torch's default, unbiased), so that every row has mean 0 and standard deviation 1. Use keepdim: true so that the [N, 1] " +
            "statistics broadcast against [N, D].",
            reference: x => (x - x.mean([1], keepdim: true)) / x.std([1], keepdim: true),
            probes: g => [randn([8, 5], generator: g) * 3 + 1],
            explanation: "Func<Tensor, Tensor> standardise = x => (x - x.mean([1], keepdim: true)) / x.std([1], keepdim: true);\n\n" +
                         "mean([1], keepdim: true) has shape [N, 1]: one number per row, kept as a column, which broadcasting stretches over the D " +
                         "columns. Without keepdim the statistics have shape [N] and are lined up with the last dimension (D) instead: an error " +
                         "when N ≠ D, and silently the wrong numbers when N = D. Reducing over dimension 0 instead standardises the columns.",
            wrong: x => (x - x.mean([0], keepdim: true)) / x.std([0], keepdim: true)); // the columns, not the rows
    }
}
