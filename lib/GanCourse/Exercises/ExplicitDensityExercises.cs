namespace GanCourse.Exercises;

/// <summary>Exercises of notebook 01b (explicit-density models: PixelCNN, RealNVP, the VAE's bound).</summary>
public sealed class ExplicitDensityExercises : ExerciseSet
{
    public override string Notebook => "01b-explicit-density";

    public override IEnumerable<ExerciseSpec> Create()
    {
        yield return ExerciseSpec.Number("01b.1", Notebook, "bits per dimension of a coin per pixel",
            "A model that ignores the data and gives every pixel probability 1/2 of being 1: how many bits per dimension does it cost on any binary image?",
            expected: 1, tolerance: 1e-6,
            explanation: "Each pixel costs −ln ½ = ln 2 nats whatever its value, so an image of D pixels costs D ln 2 nats, and " +
                         "bits/dim = D ln 2 / (D ln 2) = 1. It is the cost of storing every pixel as a raw bit: a model is only useful below it. " +
                         "The test suite checks exactly this for a PixelCNN whose logits are all 0.\n\n" +
                         "Binarised digits are mostly black, so even a model that knows only the share of white pixels (about a fifth) does " +
                         "better: −(0.2 log₂ 0.2 + 0.8 log₂ 0.8) ≈ 0.72 bits/dim. The PixelCNN gets far lower by predicting each pixel from its neighbours.",
            wrong: Math.Log(2),
            hint: x => Math.Abs(x - Math.Log(2)) < 1e-3 ? "that is the cost in nats per pixel: bits/dim divides by ln 2 as well"
                : Math.Abs(x - 196) < 0.5 || Math.Abs(x - 784) < 0.5 ? "that is per image: bits per dimension divides by the number of pixels"
                : "what is −log₂ of the probability ½ that the model gives each pixel's value?");

        yield return ExerciseSpec.Choice("01b.2", Notebook, "why mask A in the first layer",
            "Why must the first layer use mask A, while later layers may use mask B? If the first layer used mask B, training would (a) be slower " +
            "but reach the same likelihood, (b) reach a near-zero negative log-likelihood by copying each pixel from the input into its own " +
            "prediction, and give useless samples, (c) fail to start, because the gradients would vanish.",
            correct: "b",
            explanation: "The logit of pixel i must be a function of x_<i only: then p(x_i | x_<i) is a conditional of the raster-order " +
                         "factorisation and the product is a proper density. Mask B in the first layer lets the centre weight pass x_i itself " +
                         "into its own logit, and the network learns the identity: −log p(x) → 0 on training and test data alike, a " +
                         "'likelihood' that is not one (the factors no longer multiply to a distribution).\n\n" +
                         "Sampling then breaks: when pixel i is drawn its input is still the empty canvas, so the model has nothing to copy. " +
                         "After the first layer, feature i depends only on x_<i, so later layers may look at position i (mask B) without " +
                         "seeing x_i: that is what the receptive-field pictures check.",
            wrong: "a",
            hint: s => s == "a" ? "what could the output at pixel i do if it saw x_i?" : s == "c" ? "a mask only removes weights; nothing makes gradients vanish" : null);

        yield return ExerciseSpec.Number("01b.3", Notebook, "forward passes to sample 14x14 images",
            "How many forward passes of the network does drawing one batch of 14x14 binary images with the PixelCNN take? (A GAN generator needs one.)",
            expected: 196, tolerance: 1e-9,
            explanation: "One per pixel: 14 · 14 = 196. Pixel i is drawn from p(x_i | x_<i), which needs every earlier pixel, so the passes " +
                         "cannot run in parallel (a batch of images shares them: the batch dimension stays parallel). A GAN generator, a VAE " +
                         "decoder and a flow's inverse need one pass.\n\nThe timing table shows what that costs: sampling takes at least D times " +
                         "one pass of the same network (more, since every pixel also costs a Bernoulli draw and a write into the canvas), and " +
                         "hundreds of times a DCGAN generator's single pass. Caching (Fast PixelCNN++, Ramachandran et al. 2017) removes the repeated work on " +
                         "pixels whose features cannot have changed, but not the sequence itself.",
            wrong: 14,
            hint: x => Math.Abs(x - 14) < 0.5 ? "one pass per row is not enough: within a row, pixel j needs pixel j − 1"
                : Math.Abs(x - 784) < 0.5 ? "these images are 14x14, not 28x28"
                : Math.Abs(x - 1) < 0.5 ? "one pass gives all the conditionals, but each needs the pixels before it to be drawn first"
                : "each pixel needs a pass once all pixels before it are drawn");

        yield return ExerciseSpec.Number("01b.4", Notebook, "change of variables in 1-D",
            "The simplest flow in 1-D: x = a z + b with z ~ N(0, 1), a = 2, b = 1. What is ln p_X(3) in nats? (Use ln p_X(x) = ln p_Z(f(x)) + ln |f'(x)| with f(x) = (x − b)/a.)",
            expected: -0.5 - 0.5 * Math.Log(2 * Math.PI) - Math.Log(2), tolerance: 1e-3,
            explanation: "f(3) = (3 − 1)/2 = 1, and ln p_Z(1) = −½ · 1² − ½ ln 2π ≈ −1.419. The map from x to z shrinks lengths by |f'(x)| = 1/a = ½, " +
                         "so ln |f'(x)| = −ln 2 ≈ −0.693. Together: ln p_X(3) ≈ −2.112 nats.\n\nIndeed X ~ N(1, 2²), and the Gaussian formula " +
                         "−(3 − 1)²/(2 · 4) − ½ ln(2π · 4) gives the same. A coupling layer is this map in every transformed coordinate, " +
                         "with a = exp(s) and b = t computed from the kept coordinates: its log-determinant is the sum of the s, " +
                         "and the flow's −s is the ln |f'| here.",
            wrong: -0.5 - 0.5 * Math.Log(2 * Math.PI),
            hint: x => Math.Abs(x - (-0.5 - 0.5 * Math.Log(2 * Math.PI))) < 1e-3 ? "that is ln p_Z(f(x)) only: add the log-determinant of the map"
                : Math.Abs(x - (-0.5 - 0.5 * Math.Log(2 * Math.PI) + Math.Log(2))) < 1e-3 ? "the sign of the log-determinant: f shrinks lengths by 1/a, so the density of X is lower than that of Z"
                : "compute z = f(3) first, then ln p_Z(z) + ln |f'(3)|");

        yield return ExerciseSpec.Choice("01b.5", Notebook, "a bound against a likelihood",
            "The VAE reports −ELBO in bits/dim and the PixelCNN its exact negative log-likelihood. Suppose the VAE's number is the larger one. " +
            "Which conclusion is justified? (a) The PixelCNN is a better density model than the VAE. (b) The PixelCNN's likelihood is better " +
            "than the VAE's bound; the VAE's true likelihood could still be as good or better. (c) The VAE's samples must be worse.",
            correct: "b",
            explanation: "−ELBO ≥ −ln p(x): the VAE's bits/dim number is an upper bound on its true bits/dim, larger by the average " +
                         "KL(q(z | x) ‖ p(z | x)), the gap between its encoder and the true posterior. A bound above the PixelCNN's value " +
                         "says nothing about which true likelihood is better; an importance-weighted estimate (IWAE, Burda et al. 2016) " +
                         "tightens it.\n\n(c) does not follow either: likelihood and sample quality are different measures (Theis et al. 2016), " +
                         "which the FD column of the comparison table shows.",
            wrong: "a",
            hint: s => s == "a" ? "the VAE's number is −ELBO, not −ln p(x): on which side of −ln p(x) does it lie?"
                : s == "c" ? "does a likelihood say how sharp samples are?" : null);

        yield return ExerciseSpec.Experiment("01b.6", Notebook, "a flow on narrow modes",
            "In section 3 set ringStd = 0.02 (the GAN benchmark's width) and run the section again, held-out table included. Predict first: what " +
            "happens to the entropy floor, to the flow's held-out log-likelihood and to the bridges in its heat map? Then try flowCouplings = 16.",
            "The floor rises: each mode's entropy is ln(2πe σ²), lower by 2 ln 5 ≈ 3.2 nats when σ shrinks five-fold, so the true mixture's " +
            "mean log-likelihood goes up by about that much (to about 2.9 nats per point). The flow has to squeeze the Gaussian " +
            "into eight spots of a fifth of the width with the same small network: its log-likelihood rises too, but the gap to the floor " +
            "(its KL(p ‖ q)) grows, and the heat map shows broad modes joined by bridges, because a bijection of the plane cannot tear the " +
            "mass apart, only thin it out. More coupling layers narrow the gap at more cost per step. A GAN (notebook 03) makes such sharp " +
            "modes more easily but tends to drop some of them, and gives no number for the gap.");
    }
}
