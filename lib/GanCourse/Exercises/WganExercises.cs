using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Exercises;

/// <summary>
/// Exercises of 06-wgan-gp: where the GAN losses stop sending a gradient, the Earth-Mover distance on a line, the
/// clipped critic's Lipschitz constant, the gradient penalty in code, LSGAN's optimal discriminator, λ on the ring.
/// </summary>
public sealed class WganExercises : ExerciseSet
{
    public override string Notebook => "06-wgan-gp";

    /// <summary>
    /// The fixed critic of exercise 06.4: 2 → 16 → 1 with tanh, weights drawn once from its own seeded generator
    /// (so using it leaves the notebook's random stream alone).
    /// </summary>
    public static nn.Module<Tensor, Tensor> Critic => critic.Value;

    static readonly Lazy<FixedCritic> critic = new(() => new FixedCritic());

    sealed class FixedCritic : nn.Module<Tensor, Tensor>
    {
        readonly TorchSharp.Modules.Parameter w1, b1, w2, b2;

        public FixedCritic() : base("ExerciseCritic")
        {
            // Created on first use, which may be inside a check's dispose scope: the weights must outlive it.
            var g = new Generator(606);
            static TorchSharp.Modules.Parameter Keep(Tensor t)
            {
                var p = new TorchSharp.Modules.Parameter(t);
                p.DetachFromDisposeScope();
                return p;
            }
            w1 = Keep(randn([2, 16], generator: g));
            b1 = Keep(randn([16], generator: g) * 0.5);
            w2 = Keep(randn([16, 1], generator: g) * 0.5);
            b2 = Keep(zeros(1));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => tanh(x.matmul(w1) + b1).matmul(w2) + b2;
    }

    public override IEnumerable<ExerciseSpec> Create()
    {
        yield return ExerciseSpec.Choice("06.1", Notebook, "predict: which loss still pushes the fake at x = 2",
            "The cell below measures |∂L_G/∂x| for a generated sample at x, through the trained networks of section 1.2. At the fake mode x = 2, " +
            "which generator loss sends the smallest gradient: (a) the saturating GAN loss log(1 − D(x)), (b) the non-saturating GAN loss −log D(x), " +
            "(c) the WGAN-GP critic's −f(x)?",
            correct: "a",
            explanation: "With the logit l(x) of D, ∂/∂x log(1 − σ(l)) = −σ(l) · ∂l/∂x: at x = 2 the trained D is near 0, so σ(l) ≈ 0 and the gradient " +
                         "vanishes (seed 001: \"the discriminator and the generator no longer learn\"). The non-saturating loss gives " +
                         "−(1 − σ(l)) · ∂l/∂x ≈ −∂l/∂x: a gradient, but its size is the logit's slope, which grows the better D is trained. " +
                         "The critic's gradient −∂f/∂x has a moderate, nearly constant size along the whole line (about 1 for the GP critic), " +
                         "the WGAN paper's \"very clean gradients on all parts of the space\".",
            wrong: "c",
            hint: s => s == "b" ? "−log D(x) is the loss that was introduced to avoid exactly this; compare σ(l) with 1 − σ(l) where D(x) ≈ 0"
                : "differentiate each loss through the logit, using D(2) ≈ 0");

        yield return ExerciseSpec.Number("06.2", Notebook, "the Earth-Mover distance of the two piles",
            "For the piles of the next cell on positions 0..9, P_r = (0, 0, 0.1, 0.3, 0.3, 0.2, 0.1, 0, 0, 0) and " +
            "P_θ = (0.3, 0.1, 0, 0, 0, 0, 0.1, 0.2, 0.2, 0.1), compute W(P_r, P_θ) by hand with the area between the cumulative distributions, Σ_k |F_r(k) − F_θ(k)|.",
            expected: 2.7, tolerance: 1e-3,
            explanation: "F_r = (0, 0, 0.1, 0.4, 0.7, 0.9, 1, 1, 1, 1), F_θ = (0.3, 0.4, 0.4, 0.4, 0.4, 0.4, 0.5, 0.7, 0.9, 1); the differences " +
                         "|F_r − F_θ| = (0.3, 0.4, 0.3, 0, 0.3, 0.5, 0.5, 0.3, 0.1, 0) sum to 2.7.\n\n" +
                         "|F_r(k) − F_θ(k)| is the mass that has to cross the gap between k and k + 1, and each crossing costs 1: that is why the area " +
                         "between the CDFs is the cost of the in-order (north-west corner) plan, and on a line no plan is cheaper. The cell prints the same " +
                         "value for the plan it builds.",
            wrong: 1.8,
            hint: x => Math.Abs(x - 1.8) < 1e-3 ? "that is Σ|P_r − P_θ|, the mass that differs, not how far it has to travel: accumulate the piles first"
                : "accumulate both piles into F_r and F_θ, then add up |F_r(k) − F_θ(k)| over k");

        yield return ExerciseSpec.Choice("06.3", Notebook, "predict: the gradient norm of the clipped critic",
            "The ring's WGAN critic is an MLP 2 → 128 → 128 → 1 with every weight clipped to [−0.01, 0.01] and (leaky) ReLUs of slope at most 1. " +
            "Before the next cells measure it: after training, its median gradient norm ‖∇f(x̂)‖₂ on interpolates is (a) far below 1, (b) about 1, " +
            "(c) far above 1. (Bound it: the spectral norm of a matrix is at most its Frobenius norm.)",
            correct: "a",
            explanation: "‖∇f‖ ≤ ‖W₁‖·‖W₂‖·‖W₃‖ (the activations' slopes are at most 1), and with |w| ≤ c = 0.01 the Frobenius norms are at most " +
                         "0.01·√(128·2) = 0.16, 0.01·√(128·128) = 1.28 and 0.01·√128 ≈ 0.11: the product is below 0.024, whatever the training does. " +
                         "Clipping makes f K-Lipschitz for some small K, so the critic estimates K·W, not W (seed 000). The gradient penalty instead " +
                         "asks for norm 1 on the interpolates, and the histogram shows how close this run's GP critic got.",
            wrong: "b",
            hint: s => s == "b" ? "about 1 is what the gradient penalty asks for; clipping never asks for a norm, it only bounds the weights"
                : "multiply the largest possible norms of the three weight matrices when every entry is at most 0.01");

        yield return ExerciseSpec.Function("06.4", Notebook, "the gradient penalty in code",
            "Write the WGAN-GP penalty λ·E[(‖∇_x̂ D(x̂)‖₂ − 1)²] with λ = 10 for the fixed critic D = WganExercises.Critic (2-D points → one score), " +
            "as a function of a batch of interpolates x̂ (N, 2): make x̂ require gradients, take ∇_x̂ of the summed scores with " +
            "torch.autograd.grad(..., create_graph: true, retain_graph: true), the norm per row, then the mean of the squared deviations from 1. " +
            "The check compares it with the library's GradientPenalty on random points.",
            reference: xHat => GradientPenalty.Compute(Critic, xHat, xHat, lambda: 10, generator: new Generator(0)), // x̂ between x̂ and x̂ is x̂ for every ε
            probes: g => [randn([64, 2], generator: g) * 1.5],
            explanation: "In C#:\n\nFunc<Tensor, Tensor> penalty = xHat =>\n{\n    var x = xHat.detach().requires_grad_(true);\n" +
                         "    var grad = torch.autograd.grad([WganExercises.Critic.forward(x).sum()], [x], create_graph: true, retain_graph: true)[0];\n" +
                         "    return 10 * (grad.norm(1) - 1).square().mean();\n};\n\n" +
                         "The gradient of the sum holds each sample's own gradient in its row only because the critic scores every sample on its own " +
                         "(no BatchNorm). create_graph: true keeps the gradient in the graph, so the penalty's backward reaches the critic's weights " +
                         "(the double backward); retain_graph: true keeps the first graph for that second backward (in TorchSharp it does not default to " +
                         "create_graph as in PyTorch, so without it loss.backward() fails with \"backward through the graph a second time\"). The penalty is (‖∇‖ − 1)², two-sided: it pulls norms below 1 up as well, which the paper found to work " +
                         "better than penalising only norms above 1.",
            wrong: xHat => 10 * InputGradients.SquaredNorms(Critic.forward, xHat).mean(), // ‖∇‖² without the − 1
            tolerance: 1e-4);

        yield return ExerciseSpec.Number("06.5", Notebook, "the optimal discriminator of LSGAN",
            "For a fixed G the LSGAN discriminator minimises ½ E_p[(D(x) − b)²] + ½ E_q[(D(x) − a)²]. With the paper's first coding a = −1, b = 1, " +
            "what is D*(x) at a point where p(x) = 0.3 and q(x) = 0.1?",
            expected: 0.5, tolerance: 1e-3,
            explanation: "Pointwise, minimise ½ p (D − b)² + ½ q (D − a)²: the derivative p (D − b) + q (D − a) = 0 gives D* = (b p + a q)/(p + q) " +
                         "(Mao et al., eq. 3). Here (0.3 − 0.1)/0.4 = 0.5.\n\n" +
                         "With the 0-1 coding (a = 0, b = 1) D* = p/(p + q), the same as the GAN's optimal discriminator of notebook 03; the difference is " +
                         "the loss around it: a fake on the real side of the boundary but far from the data still has a large squared error, so it is still " +
                         "pulled towards the data where the sigmoid would be saturated.",
            wrong: 0.75,
            hint: x => Math.Abs(x - 0.75) < 1e-3 ? "that is p/(p + q), the answer for a = 0; redo it with a = −1" : "set the derivative in D of ½ p (D − b)² + ½ q (D − a)² to zero");

        yield return ExerciseSpec.Experiment("06.6", Notebook, "change λ on the ring",
            "In the next cell, add a WGAN-GP row with a λ between the two, e.g. ringRecipes.Add(GanRecipe.WganGpToy(lambda: 1)), or one with the image " +
            "optimizer and a small λ, GanRecipe.WganGp(lambda: 0.1), and run the comparison again. Predict first, from the paragraph above: which row " +
            "should capture more modes and sharpen sooner, and what does changing β₁ alone do?",
            "The paragraph's argument: on the ring W is tiny (a missing mode is worth about 0.19), while with λ = 10 a slope off by 0.1 on the randomly " +
            "paired interpolates already costs 0.1, so the critic spends its capacity on keeping slope 1 across the disc. Lowering λ lets the data term " +
            "dominate, so look for the small-λ rows to capture modes earlier (mode count, high-quality percentage) and for λ = 1 to fall between. " +
            "GanRecipe.WganGp(lambda: 0.1) keeps β₁ = 0 and separates the effect of λ from that of the momentum (the toy row changes both). " +
            "Compare the differences between rows with the spread between seeds of one row: in the ci profile there is one seed and 60 steps, " +
            "so use the cpu or gpu profile before drawing a conclusion. Removing the penalty altogether (λ = 0) leaves the critic unconstrained: its " +
            "scores and the W estimate can grow without bound.");
    }
}
