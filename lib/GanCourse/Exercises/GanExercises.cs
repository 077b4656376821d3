using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Exercises;

/// <summary>Exercises of 03-gan: the optimal discriminator, the value of the game, the two generator losses.</summary>
public sealed class GanExercises : ExerciseSet
{
    public override string Notebook => "03-gan";

    public override IEnumerable<ExerciseSpec> Create()
    {
        yield return ExerciseSpec.Choice("03.1", Notebook, "predict: D where the generator over-covers",
            "Section 2 trains D against a fixed generator. Before looking at its chart: where the generator puts more mass than the data (q > p), the trained D(x) is " +
            "(a) above 1/2, (b) about 1/2, (c) below 1/2. Put the letter in the answer.",
            correct: "c",
            explanation: "D*(x) = p/(p + q) < 1/2 exactly where q > p. So the generator's gradient pushes samples out of regions it over-covers, towards " +
                         "regions where D > 1/2: that, not D seeing the whole batch, is what spreads a GAN's samples — and on the ring it is also why " +
                         "the generator can hop from one mode to the next.",
            wrong: "a");

        yield return ExerciseSpec.Number("03.2", Notebook, "the optimal discriminator at a point",
            "At a point x the data density is p(x) = 0.3 and the generator's density is q(x) = 0.1. What does the optimal discriminator D*(x) output?",
            expected: 0.75, tolerance: 1e-3,
            explanation: "For a fixed G, V(G, D) = ∫ p(x) log D(x) + q(x) log(1 − D(x)) dx is maximised pointwise: the function y ↦ a log y + b log(1 − y) " +
                         "has its maximum at y = a / (a + b) (set the derivative a/y − b/(1 − y) to zero).\n\nSo D*(x) = p(x) / (p(x) + q(x)) = 0.3 / 0.4 = 0.75: " +
                         "D says \"real\" with probability 3/4 where the data is three times as dense as the generator's samples.",
            wrong: 0.25,
            hint: x => Math.Abs(x - 0.25) < 1e-3 ? "that is q/(p + q): D* is the probability that x is real" : "maximise p log D + q log(1 − D) over D ∈ (0, 1)");

        yield return ExerciseSpec.Number("03.3", Notebook, "the value of the game at the optimum",
            "The generator has matched the data (q = p) and D is optimal. What is V(G, D*) = E_p[log D*(x)] + E_q[log(1 − D*(x))]? (a number; natural log)",
            expected: -Math.Log(4), tolerance: 1e-3,
            explanation: "With q = p, D*(x) = p/(p + p) = 1/2 everywhere, so V = log(1/2) + log(1/2) = −log 4 ≈ −1.386.\n\n" +
                         "In general V(G, D*) = 2 JS(p ‖ q) − log 4 (Goodfellow et al. 2014, Theorem 1): the generator's training minimises the " +
                         "Jensen–Shannon divergence, whose minimum 0 is reached only at q = p.",
            wrong: 0,
            hint: x => Math.Abs(x + Math.Log(2)) < 1e-3 ? "that is one of the two expectations: add both" : "what is D* when q = p? then add both expectations");

        yield return ExerciseSpec.Number("03.4", Notebook, "the gradient of the saturating loss",
            "Early in training D rejects a fake: D(G(z)) = σ(l) = 0.01. With respect to the logit l, the saturating loss log(1 − σ(l)) has derivative −σ(l). " +
            "What is |∂/∂l| of the non-saturating loss −log σ(l) at the same point?",
            expected: 0.99, tolerance: 1e-3,
            explanation: "d/dl [−log σ(l)] = −σ'(l)/σ(l) = −(1 − σ(l)), so its size is 1 − 0.01 = 0.99, while the saturating loss gives only σ(l) = 0.01: " +
                         "99 times less signal exactly when the generator is worst. Both losses push D(G(z)) up and share their fixed point; " +
                         "the non-saturating one is the heuristic Goodfellow et al. recommend (and section 2 measures the ratio of the gradient norms).",
            wrong: 0.01,
            hint: x => Math.Abs(x - 0.01) < 1e-3 ? "0.01 is the saturating loss's gradient: differentiate −log σ(l) instead" : "use σ'(l) = σ(l)(1 − σ(l))");

        yield return ExerciseSpec.Function("03.5", Notebook, "the non-saturating generator loss in code",
            "Write the non-saturating generator loss as a function of the discriminator's logits on a batch of fakes: the mean of −log σ(l). " +
            "Use a numerically stable form (hint: −log σ(l) = softplus(−l)).",
            reference: logits => F.softplus(-logits).mean(),
            probes: g => [randn([64], generator: g) * 4],
            explanation: "loss_G = mean(softplus(−l)) = −mean(log σ(l)), which is BCEWithLogits(l, 1): the generator is trained as if its fakes were real.\n\n" +
                         "In C#: Func<Tensor, Tensor> lossG = l => F.softplus(-l).mean(); the library's NonSaturatingGanLoss computes the same " +
                         "(log σ(l) itself would give −inf for very negative logits in float32).",
            wrong: logits => -F.softplus(logits).mean()); // the saturating loss mean(log(1 − σ(l))) = −mean(softplus(l))

        yield return ExerciseSpec.Experiment("03.6", Notebook, "train the parabola with the saturating loss",
            "In TrainStep (section 3) replace the generator's loss by the saturating one, lossG = −mean(softplus(l)) = mean(log(1 − D(G(z)))) " +
            "(write it as -F.softplus(D.forward(G.forward(z))).mean()), and run section 3 again. Predict first: does the generator still learn the parabola, " +
            "and how do the first few hundred steps of the loss curves change?",
            "Both losses have the same fixed point, so a run that gets going ends in the same place; the difference is the start. At initialisation D " +
            "quickly rejects the fakes, D(G(z)) is near 0 and the saturating loss's gradient −D(G(z)) is near 0 too (section 2 measured how many times " +
            "smaller the generator's gradient norm is). Expect loss_G to sit near 0 while loss_D falls, and the samples to move late or not at all; " +
            "how long it stalls depends on the seed and on how fast D learns. This is why every GAN of the course uses the non-saturating loss.");
    }
}
