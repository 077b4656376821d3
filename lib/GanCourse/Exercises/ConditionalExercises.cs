using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Exercises;

/// <summary>
/// Exercises of 05-cgan: the optimal conditional discriminator against a generator that ignores y, what z carries
/// when y is fixed, real labels shuffled, the accuracy of a partly obedient generator, the AC-GAN generator loss in
/// code, and the SGAN's K+1 split.
/// </summary>
public sealed class ConditionalExercises : ExerciseSet
{
    public override string Notebook => "05-cgan";

    public override IEnumerable<ExerciseSpec> Create()
    {
        yield return ExerciseSpec.Number("05.1", Notebook, "the conditional D against a generator that ignores y",
            "For a fixed G the optimal conditional discriminator is D*(x | y) = p_data(x | y) / (p_data(x | y) + p_g(x | y)). An image x can only be a 3: " +
            "p_data(x | 3) = 0.5 and p_data(x | y) = 0 for every other y. The generator ignores y and draws from the data's marginal p_data(x) " +
            "(all ten digits equally likely). What is D*(x | y = 3)?",
            expected: 10.0 / 11, tolerance: 1e-3,
            explanation: "A generator that ignores y draws the same distribution for every label: p_g(x | y) = p_data(x) = Σ_y' p(y') p_data(x | y') = " +
                         "0.1 · 0.5 = 0.05. So D*(x | 3) = 0.5 / (0.5 + 0.05) = 10/11 ≈ 0.909, and for the same image requested as a 7, " +
                         "D*(x | 7) = 0 / (0 + 0.05) = 0.\n\nThe derivation is notebook 03's, pointwise in (x, y): the value of the conditional game is " +
                         "2 JS between the joint distributions of (x, y), minimal only when p_g(x | y) = p_data(x | y) for every y. Matching the marginal " +
                         "is not enough once D sees the pair: a perfect 3 presented as a 7 is a fake. A D that saw x alone would give 1/2 here, and " +
                         "the condition would be fictitious.",
            wrong: 0.5,
            hint: x => Math.Abs(x - 0.5) < 1e-3 ? "1/2 would mean p_g(x | 3) = p_data(x | 3): how often does a generator that ignores y draw this 3 when asked for a 3?" :
                       Math.Abs(x) < 1e-3 ? "0 is D*(x | 7): the question asks for y = 3" : "compute p_g(x | 3) first: the generator draws the marginal, a mixture of the ten classes");

        yield return ExerciseSpec.Choice("05.2", Notebook, "predict: what one column of the class grid shares",
            "The class grids below use the same noise z_j in every row of column j, and ask for digit i in row i. After training, what do the ten images " +
            "of one column have in common? (a) nothing in particular: z only adds randomness, (b) the style: thickness, slant, width, " +
            "(c) the digit: z decides the class and the label only its style.",
            correct: "b",
            explanation: "The label is given: D judges the pair, so G must put the class into what it does with y. What is left of the variation in the data, " +
                         "style (stroke thickness, slant, width, size), has to come from z, since the generator is a deterministic function of (z, y). " +
                         "So one z gives the same style across the ten digits: a bold slanted 3 and a bold slanted 7 in the same column.\n\n" +
                         "Section 4 shows it twice: interpolating z with the class fixed changes the style of every row alike, and switching y with z " +
                         "fixed keeps the style. After a short run (ci profile) the grid may still be noise; the cpu profile's cDCGAN shows the columns.",
            wrong: "c",
            hint: s => s == "c" ? "the label is an input of both networks and D checks the pair: which of the two inputs must then decide the class?"
                     : s == "a" ? "G is a deterministic function of (z, y): if y fixes the class, where else can the differences between two 3s come from?"
                     : "which of the two inputs does D check against the image, and what is left for the other one?");

        yield return ExerciseSpec.Experiment("05.3", Notebook, "shuffle the real labels",
            "Train the cDCGAN again with the labels of each real batch shuffled, so that a real image comes with a random label: replace dcStream.NextLabelled in the " +
            "cell above by () => { var b = dcStream.NextLabelled(); return b with { Labels = b.Labels!.index_select(0, torch.randperm(b.Count).to(b.Labels.device)) }; }. " +
            "Predict first: what do the rows of the class grid show, and what happens to the accuracy of section 5?",
            "With shuffled labels the real pairs (x, y) have x and y independent: p(x, y) = p_data(x) p(y). D can no longer learn which label belongs " +
            "to which image, and the generator's best answer is to ignore y as well: draw realistic digits of any class for every request. " +
            "Expect the rows of the class grid to mix digits (each column may even show one digit in every row, since the style and the class now both " +
            "come from z), and the section-5 accuracy of the cDCGAN to fall towards chance (10%); compare its confusion matrix, which loses its diagonal.\n\n" +
            "The digits themselves can still look good: the shuffle removes only the condition, not the GAN. That is the point of the cGAN's design: the label " +
            "teaches only through D's judgement of the pair. (In the ci profile 20 steps are too few for either run to draw digits: use cpu.) " +
            "Put NextLabelled back afterwards.");

        yield return ExerciseSpec.Number("05.4", Notebook, "the accuracy of a partly obedient generator",
            "A conditional generator draws the requested digit with probability 0.6 and otherwise a digit chosen uniformly among all ten (the requested " +
            "one included), and the classifier reads every digit correctly. What share of its samples does section 5 count as the requested digit?",
            expected: 0.64, tolerance: 1e-3,
            explanation: "P(recognised = requested) = 0.6 · 1 + 0.4 · 1/10 = 0.64: the uniform part lands on the requested digit one time in ten. A generator " +
                         "that ignores the label entirely (0.6 → 0) scores the chance level 10%, and a perfect one the classifier's own accuracy on real " +
                         "digits (the yardstick above), not 100%.\n\nIn the confusion matrix this generator gives 0.64 on the diagonal and 0.04 in every " +
                         "other cell of the row; a real generator's errors concentrate on digits that share strokes (4↔9, 3↔5↔8).",
            wrong: 0.6,
            hint: x => Math.Abs(x - 0.6) < 1e-3 ? "the uniformly drawn digit is sometimes the requested one too" :
                       Math.Abs(x - 0.1) < 1e-3 ? "0.1 is a generator that ignores the label entirely" : "add the two ways of drawing the requested digit");

        yield return AcganGeneratorLoss();

        yield return ExerciseSpec.Number("05.6", Notebook, "the K + 1 split of the SGAN",
            "The SGAN's D/C gives an image x the logits l_1 = ... = l_10 = 0 for the ten digits and l_11 = ln 5 for \"generated\". What is " +
            "p(K+1 | x), the probability that x was generated? (Use s(x) = log Σ_{k ≤ K} e^{l_k} − l_{K+1} and p(K+1 | x) = σ(−s(x)), or the softmax directly.)",
            expected: 1.0 / 3, tolerance: 1e-3,
            explanation: "s(x) = log(10 · e⁰) − ln 5 = ln 10 − ln 5 = ln 2, so p(K+1 | x) = σ(−ln 2) = 1 / (1 + e^{ln 2}) = 1/3. The softmax over the 11 " +
                         "logits says the same: e^{ln 5} / (10 · e⁰ + e^{ln 5}) = 5 / 15 = 1/3.\n\nThis is why the SGAN needs no loop of its own: s(x) " +
                         "is a GAN logit, D(x) = σ(s(x)) = 1 − p(K+1 | x) = 2/3 is the probability of \"one of the real classes\", and the unsupervised " +
                         "losses are the non-saturating BCE on s.",
            wrong: 2.0 / 3,
            hint: x => Math.Abs(x - 2.0 / 3) < 1e-3 ? "that is σ(s(x)) = 1 − p(K+1 | x), the probability of \"real, some class\"" :
                       Math.Abs(x - 5.0 / 6) < 1e-3 ? "the softmax's denominator sums all 11 exponentials, one for each digit" : "compute s(x) first: log Σ of ten times e⁰, minus ln 5");
    }

    /// <summary>The AC-GAN generator loss: a code exercise with three inputs, checked against the written-out cross-entropy.</summary>
    ExerciseSpec AcganGeneratorLoss()
    {
        Func<Tensor, Tensor, Tensor, Tensor> reference = (s, c, y) => F.softplus(-s).mean() + F.cross_entropy(c, y);
        Func<Tensor, Tensor, Tensor, Tensor> byHand = (s, c, y) => F.softplus(-s).mean() - c.log_softmax(1).gather(1, y.unsqueeze(1)).mean();
        Func<Tensor, Tensor, Tensor, Tensor> wrong = (s, c, y) => F.softplus(-s).mean() - F.cross_entropy(c, y);
        Func<Generator, Tensor[]> probes = g => [randn([32], generator: g) * 3, randn([32, 10], generator: g) * 2, randint(0, 10, [32], generator: g, dtype: ScalarType.Int64)];
        return ExerciseSpec.Function3("05.5", Notebook, "the AC-GAN generator loss in code",
            "Write the AC-GAN generator's loss as the trainer computes it, from D's two heads on a batch of fakes G(z, y'): the source logits s (N), " +
                       "the class logits c (N, 10) and the requested labels y' (N, int64). G maximises L_C − L_S: in the non-saturating form the source part of " +
                       "its loss is mean(softplus(−s)); add the term that comes from L_C (its fake half, a cross-entropy of c against y') with the right sign.",
            reference, probes,
            "In C#: Func<Tensor, Tensor, Tensor, Tensor> lossG = (s, c, y) => nn.functional.softplus(-s).mean() + nn.functional.cross_entropy(c, y);\n\n" +
                          "The first term is notebook 03's non-saturating loss −log D(G(z)): it replaces \"minimise L_S\" (make D call the fakes fake less) " +
                          "by \"make D call them real\". The second is −(the fake half of L_C): the real half does not depend on G. Both players " +
                          "minimise the same cross-entropy: the classifier is a teacher G cooperates with, not an opponent. Getting that sign wrong, " +
                          "−CE, asks G for fakes the classifier cannot recognise as the requested digit.\n\n" +
                          "nn.functional.cross_entropy(c, y) is −mean log softmax(c)[y]: c.log_softmax(1).gather(1, y.unsqueeze(1)).mean() with a minus sign. " +
                          "The trainer adds it with weight AuxWeight = 1, and adds the two halves of L_C to D's loss (logging their mean as \"aux CE\").",
            wrong, solution: byHand);
    }
}
