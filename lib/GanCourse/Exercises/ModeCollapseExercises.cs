namespace GanCourse.Exercises;

/// <summary>Exercises of 03b-mode-collapse: why a GAN collapses, unrolling, feature matching's gradient, MGAN's classifier and its JSD argument.</summary>
public sealed class ModeCollapseExercises : ExerciseSet
{
    public override string Notebook => "03b-mode-collapse";

    public override IEnumerable<ExerciseSpec> Create()
    {
        yield return ExerciseSpec.Choice("03b.1", Notebook, "predict: the generator's best reply to a fixed D",
            "Freeze the discriminator D and let the generator train against it for as long as it likes. Where do its samples end up? " +
            "(a) on the 8 modes in proportion to the data, (b) all at the single point where D(x) is largest, (c) spread evenly over the ring. Put the letter in the answer.",
            correct: "b",
            explanation: "For a fixed D the generator maximises E_z log D(G(z)) (or minimises E log(1 − D(G(z)))), a sum of separate terms, one per z: " +
                         "each sample is best placed at x* = argmax_x D(x), whatever the other samples do. So the best reply is δ(x − x*), one point " +
                         "(seed 002, *Optimal G* given fixed D*). Nothing in the per-sample loss rewards diversity. D then learns that x* is fake, its " +
                         "maximum moves to another mode, and G follows: the mode hopping of section 1. Every fix of this notebook breaks this argument " +
                         "in a different place: D sees the batch (minibatch discrimination), G matches statistics instead of a maximum (feature matching), " +
                         "G anticipates D's reply (unrolling), several generators are pushed apart (MGAN), or the loss is a distance that a point mass " +
                         "cannot minimise (WGAN-GP).",
            wrong: "a");

        yield return ExerciseSpec.Choice("03b.2", Notebook, "what unrolling with K = 0 is",
            "The unrolled generator descends f(θ_G, θ_D^K), where θ_D^K is D's parameters after K look-ahead steps from θ_D^0 = θ_D. What is the unrolled GAN with K = 0? " +
            "(a) the plain GAN (the generator's gradient through the current D), (b) the k-step GAN with k = 0 discriminator updates (D never trains), " +
            "(c) feature matching. Put the letter in the answer.",
            correct: "a",
            explanation: "With K = 0 there is no look-ahead: θ_D^0 = θ_D, so f_0(θ_G, θ_D) = f(θ_G, θ_D) and the generator's gradient is the plain GAN's. " +
                         "D still takes its usual update at every step (unrolling changes only G's objective; D's update is the first unrolled step's real counterpart). " +
                         "As K → ∞, θ_D^K approaches the best response D*(G), and G descends the objective it would face against an optimal D, which a point " +
                         "mass cannot fool: D* would reject it at once. The section measures K = 0, 1, 5, 10 and what each K costs per step.",
            wrong: "b");

        yield return ExerciseSpec.Number("03b.3", Notebook, "the feature-matching gradient",
            "Feature matching minimises L = ‖m_r − m_f‖² with m_r = E f(x) (real, a constant for G) and m_f = E f(G(z)). On a batch, m_r = (1.5, 1.0) and " +
            "m_f = (1.0, 0.0). What is ∂L/∂(m_f)₂, the derivative with respect to the second component of the fake mean?",
            expected: -2.0, tolerance: 1e-6,
            explanation: "L = Σ_j (m_r,j − m_f,j)², so ∂L/∂m_f,j = −2 (m_r,j − m_f,j): here −2 · (1.0 − 0.0) = −2 (and −1 for the first component). " +
                         "Gradient descent moves m_f towards m_r, and each fake sample gets 1/N of it through f: G is asked to produce a batch with D's " +
                         "feature statistics of the real data, not to put every sample at D's favourite point. The gradient vanishes when the means agree, " +
                         "even if D can still tell the batches apart: feature matching pulls on statistics D finds useful but is not a guarantee of sharp samples.",
            wrong: 2.0,
            hint: x => Math.Abs(x - 2) < 1e-6 ? "check the sign: L grows when m_f moves away from m_r" : Math.Abs(x + 1) < 1e-6 ? "that is the first component" : "differentiate (m_r,2 − m_f,2)² with respect to m_f,2");

        yield return ExerciseSpec.Number("03b.4", Notebook, "MGAN's classifier at the start",
            "MGAN's classifier C outputs logits over K = 8 generators and is trained with the cross-entropy −log C_k(x) for a sample x of generator k. " +
            "What is this loss (natural log) when C's logits are all equal, e.g. at zero initial weights of its head?",
            expected: Math.Log(8), tolerance: 1e-3,
            explanation: "Equal logits give C_k(x) = 1/K for every k, so −log C_k(x) = log K = log 8 ≈ 2.079, the loss of a classifier that guesses. " +
                         "The MGAN run logs this as \"C CE\": it falls as the generators settle on different regions C can tell apart, and the generators " +
                         "are rewarded (−β · the classifier's log-likelihood in their loss) for exactly that.",
            wrong: 1.0 / 8,
            hint: x => Math.Abs(x - 0.125) < 1e-3 ? "1/8 is C_k(x); the loss is minus its logarithm" : "softmax of equal logits is uniform; take −log of one entry");

        yield return ExerciseSpec.Choice("03b.5", Notebook, "MGAN's JSD argument",
            "Hoang et al. show that with the optimal D and C, MGAN's generators minimise 2·JSD(p_data ‖ p_model) − β·JSD_π(p_G1, …, p_GK) + const, " +
            "where p_model = Σ_k π_k p_Gk and JSD_π is the generalised Jensen–Shannon divergence among the generators. What does the second term make them do? " +
            "(a) copy each other, so the mixture is sharper, (b) cover different, non-overlapping parts of the data, (c) nothing once p_model = p_data. Put the letter in the answer.",
            correct: "b",
            explanation: "−β·JSD_π is minimised by making JSD_π large: the generators' distributions should overlap as little as possible (JSD_π is at its " +
                         "maximum, the entropy of π, when their supports are disjoint). The first term still makes their mixture match the data. Together: " +
                         "the data split among K specialists, e.g. each generator on its own modes of the ring. Answer (c) is the trap: many mixtures equal " +
                         "p_data, and the second term picks the one whose components are apart, which is why a collapsed mixture (all generators on one mode) is " +
                         "not a solution even though each generator alone may still be narrow.",
            wrong: "a");

        yield return ExerciseSpec.Experiment("03b.6", Notebook, "MGAN with fewer generators, or no classifier",
            "In the MGAN section, set mganGenerators = 4 (and run the section again), then try mganBeta = 0 (no classifier term). Predict first: with 4 " +
            "generators for 8 modes, how many modes does each generator take? Without the classifier term, do the generators still split the ring?",
            "With K = 4 the table of generators' modes should show each generator on about two neighbouring modes (the mixture still covers the " +
            "ring if the classifier keeps them apart); a generator that must cover two modes with one MLP often leaves a thin bridge of samples " +
            "between them, which lowers the high-quality share. With β = 0 the loss is a plain GAN of a mixture: nothing pushes the generators " +
            "apart, several of them can sit on the same mode and the mixture can lose modes (look at the coloured scatter and the generators' table). " +
            "Put mganGenerators = 8 and mganBeta back afterwards.");
    }
}
