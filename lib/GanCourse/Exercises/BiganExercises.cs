using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Exercises;

/// <summary>
/// Exercises of 05b-bigan: what the joint discriminator sees, the value of the game at its optimum, the G/E loss with
/// flipped labels in code, why E = G⁻¹ at the optimum, a prediction of the linear-probe ranking, and training without
/// the z-branch.
/// </summary>
public sealed class BiganExercises : ExerciseSet
{
    public override string Notebook => "05b-bigan";

    public override IEnumerable<ExerciseSpec> Create()
    {
        yield return ExerciseSpec.Choice("05b.1", Notebook, "what the BiGAN discriminator sees",
            "What does the BiGAN discriminator judge in its step? (a) images only: real x against generated G(z), as in notebook 03; " +
            "(b) codes only: E(x) against z ~ p(z); (c) pairs: (x, E(x)) for a real image, labelled real, against (G(z), z) for a generated one, labelled fake.",
            correct: "c",
            explanation: "D(x, z) reads an image and a code together. A real pair is a data image with the code the encoder gives it, (x, E(x)); a " +
                         "generated pair is a code drawn from the prior with the image the generator makes of it, (G(z), z). Each kind of pair " +
                         "has a real half and a made-up half: the image is made up in (G(z), z), the code in (x, E(x)).\n\n" +
                         "Judging the images alone is a plain GAN (E would get no signal); judging the codes alone would only teach E to produce " +
                         "codes that look like N(0, I), whatever the image. Only the pair ties a code to an image: to fool a D that sees both, " +
                         "E(x) must be the code G would have turned into x.",
            wrong: "a",
            hint: s => s == "a" ? "then what would the encoder's output change in D's judgement?" :
                       s == "b" ? "then nothing would tie a code to its image: which input carries that link?" : "look at the block diagram: what enters D?");

        yield return ExerciseSpec.Number("05b.2", Notebook, "the value of the game at its optimum",
            "Donahue et al. (2017, Proposition 2) show that for the optimal D the BiGAN objective is C(E, G) = max_D V(D, E, G) = 2 JS(P_EX || P_GZ) − log 4, " +
            "where P_EX is the joint distribution of (x, E(x)) and P_GZ that of (G(z), z). What is C(E, G) at the global optimum, " +
            "where E and G make the two joint distributions equal (natural logarithm)?",
            expected: -Math.Log(4), tolerance: 1e-3,
            explanation: "The Jensen-Shannon divergence of two equal distributions is 0, so C = −log 4 ≈ −1.386. There D* = 1/2 for every pair: " +
                         "V = log(1/2) + log(1 − 1/2) = −2 log 2 = −log 4.\n\n" +
                         "The trainer logs D's loss as BCE(D(x, E(x)), 1) + BCE(D(G(z), z), 0) = −V, so a BiGAN at equilibrium shows a D loss of " +
                         "log 4 ≈ 1.386, the value at step 0 (D outputs ≈ 1/2 for everything) and the line to read the live chart against: " +
                         "a D loss well below it means D still tells the pairs apart.",
            wrong: 0,
            hint: x => Math.Abs(x) < 1e-3 ? "JS is 0 at the optimum, but the constant is still there" :
                       Math.Abs(x - Math.Log(4)) < 1e-3 ? "that is D's loss −V; the question asks for V itself" : "put JS = 0 into 2 JS − log 4");

        yield return EncoderGeneratorLoss();

        yield return ExerciseSpec.Choice("05b.4", Notebook, "why E = G⁻¹ at the optimum",
            "At the global optimum P_EX = P_GZ (Donahue et al. 2017, Theorem 1). What follows for a data image x and a code z (Theorem 2)? " +
            "(a) E = G⁻¹: G(E(x)) = x for almost every x, and E(G(z)) = z for almost every z; " +
            "(b) only the marginals agree: G(z) looks like data and E(x) looks like N(0, I), but a code need not belong to its image; " +
            "(c) G(E(x)) shows the same class as x, but never the same image.",
            correct: "a",
            explanation: "Both joint distributions live on a graph: P_EX puts all its mass on pairs (x, E(x)), P_GZ on pairs (G(z), z). If they are " +
                         "the same distribution, a pair drawn from P_EX is also one of P_GZ, so x = G(z) with z = E(x): G(E(x)) = x, P_X-almost " +
                         "everywhere, and in the same way E(G(z)) = z. Matching the joints is stronger than matching the marginals (b), which a " +
                         "plain GAN plus any encoder with Gaussian-looking codes would do.\n\n" +
                         "In practice the optimum is not reached: networks are finite and training stops early. The reconstructions of section 5 " +
                         "are then semantic, not pixel-exact: G(E(x)) often shows the same digit in another style (c describes that, but as a " +
                         "property of real training, not of the optimum), and the notebook measures both: the share of reconstructions the " +
                         "classifier reads as x's digit, and the pixel distance.",
            wrong: "b",
            hint: s => s == "b" ? "D judges pairs, not images and codes apart: what does equality of the two joint distributions say about one pair?" :
                       s == "c" ? "that is what a short run gives; the question asks what the optimum implies" : "where does each joint distribution put its mass?");

        yield return ExerciseSpec.Choice("05b.5", Notebook, "predict: which features does a linear classifier read best",
            "Section 6 fits a linear classifier (logistic regression) with 100 labels on three feature maps of the same images: the raw pixels " +
            "(784 numbers), the trained encoder's code E(x) (50 numbers), and the code of an untrained encoder of the same shape (50 numbers). " +
            "What does the BiGAN paper's argument predict for the two encoders? (a) the trained E beats the random one: adversarial training makes " +
            "the code keep what tells digits apart; (b) about the same: any 50-number projection is as good for a linear classifier; " +
            "(c) the random encoder is better: it has not thrown anything away.",
            correct: "a",
            explanation: "A random network of the same shape is the baseline that tells the architecture from the training: its 50 numbers are random " +
                         "non-linear projections of the pixels, and a linear classifier on them loses much of what the 784 pixels hold. The trained " +
                         "E has to give each image the code G turns back into that image (to fool D): a code that keeps the digit's identity and " +
                         "style. Donahue et al. (2017) judge learned features this way, with a simple classifier on frozen features (nearest " +
                         "neighbours on MNIST, linear classifiers on ImageNet), and compare them with a randomly initialised network of the same shape.\n\nRead the table of section 6 for this run: the gap between E and the " +
                         "random encoder grows with training (the ci profile's few steps leave E almost random), and the raw pixels are a strong " +
                         "baseline on MNIST (with 1,000 labels a linear classifier on pixels reads most digits).",
            wrong: "b",
            hint: s => s == "b" ? "what would the trained E have to do to fool a D that sees (x, E(x))? Does a random projection do that?" :
                       s == "c" ? "50 random numbers of 784 pixels: what does a linear read-out lose?" : "compare what the two encoders were trained for");

        yield return ExerciseSpec.Experiment("05b.6", Notebook, "train without the z-branch",
            "Train the BiGAN again with a discriminator that ignores the code: new JointDiscriminator(latentDim, hidden: hidden, useLatent: false) in the " +
            "training cell, and run sections 4 to 6 again. Predict first: what happens to the samples G(z), to the reconstructions G(E(x)), and to the " +
            "probe accuracy of E(x) against the random encoder?",
            "Without the z-branch D(x, z) = D(x): D judges the images alone, a plain GAN's discriminator. G still learns to draw digits (its loss " +
            "still passes through D), but E's term −log(1 − D(x, E(x))) does not depend on E(x): the encoder gets no gradient at all (the test " +
            "BiganTests.Without_the_z_branch_the_encoder_gets_no_gradient_at_all checks it) and stays as initialised. So the reconstructions G(E(x)) " +
            "are G's samples for random codes, unrelated to x (class agreement near chance, 10%), and the probe accuracy of E(x) is the random " +
            "encoder's, whatever the samples look like.\n\nThe encoder learns only through the z input of D: the pair is what ties a code to an image. " +
            "Put useLatent back afterwards.");
    }

    /// <summary>The G/E loss with flipped labels: a code exercise on D's logits of the generated and the real pairs.</summary>
    ExerciseSpec EncoderGeneratorLoss()
    {
        Func<Tensor, Tensor, Tensor> reference = (fake, real) => F.softplus(-fake).mean() + F.softplus(real).mean();
        Func<Tensor, Tensor, Tensor> byHand = (fake, real) =>
            F.binary_cross_entropy_with_logits(fake, ones_like(fake)) + F.binary_cross_entropy_with_logits(real, zeros_like(real));
        Func<Tensor, Tensor, Tensor> wrong = (fake, real) => -(F.softplus(-real).mean() + F.softplus(fake).mean());   // −(D's loss): the saturating minimax
        Func<TorchSharp.torch.Generator, Tensor[]> probes = g => [randn([32], generator: g) * 3, randn([32], generator: g) * 3];
        return ExerciseSpec.Function2("05b.3", Notebook, "the G/E loss with flipped labels",
            "Write the loss the G/E step descends, from D's logits on a batch of generated pairs (G(z), z), `fake` (N), and on a batch of real pairs " +
            "(x, E(x)), `real` (N). Use the paper's trick: flip the labels, i.e. G and E minimise D's BCE loss with the targets swapped (generated pairs " +
            "labelled real, real pairs labelled fake), the non-saturating form of min over G, E of V.",
            reference, probes,
            "In C#: Func<Tensor, Tensor, Tensor> lossGE = (fake, real) => nn.functional.softplus(-fake).mean() + nn.functional.softplus(real).mean();\n\n" +
            "BCE with logits against target 1 is softplus(−l) = −log σ(l), against target 0 it is softplus(l) = −log(1 − σ(l)). So the generated " +
            "pairs give G the non-saturating −log D(G(z), z) of notebook 03, and the real pairs give E −log(1 − D(x, E(x))): E is pushed to make " +
            "its real pairs look generated, as G is pushed to make its generated pairs look real. Each term reaches only one network: the fake term " +
            "depends on G (through G(z); z is drawn, not computed), the real term on E (through E(x); x is data).\n\n" +
            "The trainer computes E's term as Loss.Generator(−l) on the real pairs' logits: negating a logit swaps σ(l) and 1 − σ(l), so the real pair " +
            "is scored as a fake one would be, for any loss of the kit whose G term is a function of σ(l) (both BCE losses) or of l itself (WGAN). " +
            "Negating D's loss instead, −[softplus(−real) + softplus(fake)], is the minimax form, which saturates when D is confident.",
            wrong, solution: byHand);
    }
}
