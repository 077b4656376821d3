using GanCourse.Training;
using static TorchSharp.torch;

namespace GanCourse.Exercises;

/// <summary>Exercises of 02-naive-generator: sparsity of the latent space, the analytic loss, the data's spread, why both losses collapse.</summary>
public sealed class NaiveGeneratorExercises : ExerciseSet
{
    public override string Notebook => "02-naive-generator";

    public override IEnumerable<ExerciseSpec> Create()
    {
        yield return ExerciseSpec.Choice("02.1", Notebook, "predict: nearest neighbours in many dimensions",
            "Draw 1,000 points z ~ N(0, I) in d dimensions and divide the mean distance from each point to its nearest neighbour by the mean distance " +
            "between two points. As d grows from 1 to 128, this ratio (a) falls towards 0, (b) stays about the same, (c) rises towards 1.",
            correct: "c",
            explanation: "In 1-D the 1,000 points crowd an interval and each has a neighbour very close by: the ratio is small. In d dimensions the " +
                         "squared distance of two points is a sum of d independent terms, so it concentrates around its mean 2d (relative spread " +
                         "~1/√d): all distances, the nearest one included, become about √(2d), and the ratio approaches 1.\n\n" +
                         "That is the sparsity of a large latent space: the training samples leave the space between them empty, and the generator " +
                         "gets no training signal there.",
            wrong: "a",
            hint: s => s == "a" ? "more dimensions give every point more room: think of how the distances between random points concentrate" : null);

        yield return ExerciseSpec.Function("02.2", Notebook, "the analytic loss in code",
            "Write the lecture's variant-1 loss L1 = (1/B) Σ_i |x_i² − y_i| as a function of the generated points, a tensor of shape [B, 2] " +
            "with x in column 0 and y in column 1 (pairs[.., 0] and pairs[.., 1]).",
            reference: AnalyticParabolaLoss.Compute,
            probes: g => [randn([32, 2], generator: g)],
            explanation: "Func<Tensor, Tensor> l1 = pairs => (pairs[.., 0].pow(2) - pairs[.., 1]).abs().mean();\n\n" +
                         "It is AnalyticParabolaLoss.Compute, which TrainNaive is given below. Note what it does not contain: any term that depends on " +
                         "more than one point at a time, so nothing in it asks the points to differ from each other.",
            wrong: pairs => (pairs[.., 0].pow(2) - pairs[.., 1]).pow(2).mean()); // squared instead of absolute

        yield return ExerciseSpec.Number("02.3", Notebook, "the spread of the data",
            "The data's x is uniform on [−1, 1]. What is its standard deviation? (It is the yardstick for the spread of the generated x in the " +
            "table and chart of section 3.)",
            expected: 1 / Math.Sqrt(3), tolerance: 1e-3,
            explanation: "The density of U[−1, 1] is 1/2 on the interval and the mean is 0, so Var(x) = ∫ x² · 1/2 dx from −1 to 1 = (1/2) · (2/3) = 1/3, " +
                         "and the standard deviation is 1/√3 ≈ 0.577 (in general (b − a)/√12 for U[a, b]).\n\nA generator that covers the parabola " +
                         "evenly must reach this spread; section 3 shows how far below it the naive generators stay.",
            wrong: 1.0 / 3,
            hint: x => Math.Abs(x - 1.0 / 3) < 1e-3 ? "that is the variance: take its square root" : "compute Var(x) = E[x²] with the density 1/2 on [−1, 1]");

        yield return ExerciseSpec.Choice("02.4", Notebook, "predict: the losses of a constant generator",
            "A \"generator\" ignores z and always outputs the same point, one of the 128 remembered targets (x₀, x₀²). Predict its two losses: " +
            "(a) L1 = 0 and L2 = 0, (b) L1 = 0 but L2 > 0, (c) both clearly positive, because its samples cover one bin of twenty.",
            correct: "a",
            explanation: "L1 = |x₀² − y₀| = 0 because the point lies on the curve, and L2 = min_j dist(target_j, (x₀, x₀²)) = 0 because it is one of the " +
                         "targets (its own nearest neighbour). Both losses are averages of a per-point score, and every point scores perfectly.\n\n" +
                         "So a single point is a perfect generator for both losses: they cannot tell diversity from collapse, which is why the trained " +
                         "generators stop at a narrow piece of the parabola.",
            wrong: "c",
            hint: s => s == "c" ? "each loss is an average over the samples of a score of one sample: what does each sample score?"
                : s == "b" ? "the point is one of the targets: how far is it from its nearest target?" : null);

        yield return ExerciseSpec.Experiment("02.5", Notebook, "buy diversity with a spread term",
            "Give the analytic loss a reward for spread: train TrainNaive(\"analytic + spread\", p => AnalyticParabolaLoss.Compute(p) - lambda * p[.., 0].std()) " +
            "with lambda = 0.1, then 1.0 (declare double lambda first), and look at each model's ParabolaMetrics.Measure(Generate(model, 2500)) and scatter plot. " +
            "Predict first: does the spread of x reach the data's 1/√3, and do the points stay on the part of the parabola the data covers?",
            "The spread term depends on all the points of a batch at once, the one thing the two losses lacked, so the generated x spread out: XStd " +
            "grows far above the analytic loss's own, while L1 keeps the points near the curve (OnParabola stays high).\n\nBut −λ·std(x) rewards " +
            "spread without limit and knows nothing about the data: nothing stops x from leaving [−1, 1], so expect XStd to pass the data's 1/√3 and " +
            "points far out along the parabola's arms beyond the data's ends (see XSpread90 and the scatter plot; ParabolaCovered counts only [−1, 1]); " +
            "the larger lambda and the longer the training (cpu, gpu profiles), the further they go. A hand-made term gets the amount and the shape " +
            "of the spread wrong; a discriminator, trained on the data, says where the samples should be (section 5, notebook 03).");
    }
}
