using GanCourse.Networks;
using static TorchSharp.torch;

namespace GanCourse.Exercises;

/// <summary>Exercises of 01-autoencoders: the conv autoencoder's sizes, denoising, the VAE's KL term, the only-KL decoder.</summary>
public sealed class AutoencoderExercises : ExerciseSet
{
    public override string Notebook => "01-autoencoders";

    public override IEnumerable<ExerciseSpec> Create()
    {
        yield return ExerciseSpec.Number("01.1", Notebook, "the parameters of the lecture conv autoencoder",
            "Count the weights and biases of the lecture's convolutional autoencoder: conv1 = Conv2d(1, 16, 3), conv2 = Conv2d(16, 4, 3), " +
            "t_conv1 = ConvTranspose2d(4, 16, 2, stride 2), t_conv2 = ConvTranspose2d(16, 1, 2, stride 2) (max pooling has none). How many parameters in all?",
            expected: 1077, tolerance: 1e-9,
            explanation: "A (transposed) convolution from C_in to C_out channels with k x k kernels has C_in · C_out · k² weights and C_out biases:\n\n" +
                         "conv1 1·16·9 + 16 = 160; conv2 16·4·9 + 4 = 580; t_conv1 4·16·4 + 16 = 272; t_conv2 16·1·4 + 1 = 65; in all 1,077. " +
                         "(TorchSharp stores a transposed convolution's weight as [C_in, C_out, k, k], the cell's [4, 16, 2, 2].)\n\n" +
                         "About a thousand numbers compress and restore a 784-pixel digit: the convolutions share their weights over all positions.",
            wrong: 1056,
            hint: x => Math.Abs(x - 1056) < 0.5 ? "those are the weights only: every layer also has one bias per output channel"
                : "per layer: C_in · C_out · k² weights plus C_out biases");

        yield return ExerciseSpec.Number("01.2", Notebook, "the output size of a transposed convolution",
            "A transposed convolution maps a side of H_in to H_out = (H_in − 1)·s − 2p + k (+ output_padding). t_conv1 (k = 2, s = 2, p = 0) takes the " +
            "7x7 code to 14x14. DCGAN-style generators often use k = 3, s = 2, p = 1 instead. What side does that layer give a 7x7 input?",
            expected: 13, tolerance: 1e-9,
            explanation: "H_out = (7 − 1)·2 − 2·1 + 3 = 13, not 14: with an odd kernel, padding 1 and stride 2 a transposed convolution gives 2·H_in − 1. " +
                         "That is why such layers add output_padding = 1 (giving 14), or use k = 4, s = 2, p = 1: (7 − 1)·2 − 2 + 4 = 14.\n\n" +
                         "The formula inverts the convolution's H = ⌊(H_out + 2p − k)/s⌋ + 1: a convolution with k = 3, s = 2, p = 1 maps both 13 and 14 to 7, " +
                         "and the transposed one has to pick one of them.",
            wrong: 14,
            hint: x => Math.Abs(x - 14) < 0.5 ? "stride 2 does not simply double the side here: put the numbers into the formula" : "use H_out = (H_in − 1)·s − 2p + k");

        yield return ExerciseSpec.Experiment("01.3", Notebook, "denoise 90% masking noise",
            "In section 3 change Corruption.Masking(0.5) to Corruption.Masking(0.9) (nine pixels of ten set to 0) and run section 3 again, table included. " +
            "Predict first: what will the denoised digits in the live view look like, and how will the masking row of the table change?",
            "Doing nothing costs exactly ν·E[x²] per pixel on average (a masked pixel's error is x², a kept one's 0), so the noisy-input column grows " +
            "by the factor 0.9/0.5 = 1.8. The noisy inputs are a sparse scatter of dots; where the few dots left fit several digits, the squared error " +
            "is smallest for their average, so expect the denoised digits to be blurrier and more alike than at 50%, some of them a different digit " +
            "than the clean one, and the denoising autoencoder's error to be higher. The plain autoencoder never saw such inputs. The ci profile " +
            "trains each autoencoder for only 40 steps, too few for the table to say much: the cpu profile shows the comparison.\n\n" +
            "Put Masking(0.5) back before running the rest of the notebook.");

        yield return ExerciseSpec.Number("01.4", Notebook, "the KL term of one code",
            "The encoder maps a digit to q(z | x) = N(μ, diag σ²) with μ = (1, 0) and σ = (1, 0.5) in the 2-D latent. What is KL(q(z | x) ‖ N(0, I)) in nats? " +
            "Use the closed form KL = −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²) (natural log).",
            expected: 0.5 - 0.5 * (1 + Math.Log(0.25) - 0.25), tolerance: 1e-3,
            explanation: "Coordinate 1: −½ (1 + log 1 − 1 − 1) = ½: a mean one prior standard deviation away from 0 costs μ²/2.\n\n" +
                         "Coordinate 2: −½ (1 + log 0.25 − 0 − 0.25) = −½ (0.75 − 1.386) ≈ 0.318: a posterior narrower than the prior costs too " +
                         "(σ → 0 would cost without limit, which keeps the codes noisy).\n\nKL = 0.5 + 0.318 ≈ 0.818 nats; it is 0 only for μ = 0, σ = 1, " +
                         "a code that carries no information about x.",
            wrong: 0.5,
            hint: x => Math.Abs(x - 0.5) < 1e-3 ? "that is the first coordinate only: the narrower σ of the second costs too"
                : Math.Abs(x - (0.5 - 0.5 * (0.75 - Math.Log(2)))) < 1e-3 ? "log σ² of σ = 0.5 is log 0.25, not log 0.5"
                : "add the two coordinates' terms −½ (1 + log σ_j² − μ_j² − σ_j²)");

        yield return ExerciseSpec.Function2("01.5", Notebook, "the KL term in code",
            "Write the VAE's KL term as a function of the encoder's outputs mu and logVar (both of shape [B, d], logVar = log σ²): " +
            "−½ Σ_j (1 + log σ_j² − μ_j² − σ_j²) summed over the d latent dimensions and averaged over the batch, as VaeLoss.Kl computes it.",
            reference: VaeLoss.Kl,
            probes: g => [randn([16, 2], generator: g), randn([16, 2], generator: g) * 0.5],
            explanation: "Func<Tensor, Tensor, Tensor> kl = (mu, logVar) => (1 + logVar - mu.pow(2) - logVar.exp()).sum([1]).mul(-0.5).mean();\n\n" +
                         "σ² is logVar.exp(): the encoder outputs log σ² so that any real number is a valid variance. Summing over dimension 1 " +
                         "gives one KL per image (the KL of independent coordinates is the sum of theirs); the mean over the batch is the per-image " +
                         "number the training charts show in nats.",
            wrong: (mu, logVar) => (1 + logVar - mu.pow(2) - (0.5 * logVar).exp()).sum([1]).mul(-0.5).mean()); // σ in place of σ²

        yield return ExerciseSpec.Choice("01.6", Notebook, "predict: the decoder of an only-KL VAE",
            "The cell below trains the same VAE on the KL term alone and prints how far the decoder's last bias moved. Predict: during that training " +
            "the decoder's weights (a) learn to draw the average digit, (b) do not change at all, (c) grow without bound.",
            correct: "b",
            explanation: "The KL term KL(q(z | x) ‖ N(0, I)) depends only on μ(x) and log σ²(x), the encoder's outputs; the decoder is not in its " +
                         "computation graph, so it receives no gradient and Adam leaves it untouched: the printed change is 0.\n\n" +
                         "Meanwhile the encoder drives every q(z | x) to N(0, I): the codes carry no information, and what the decoder draws is the " +
                         "grey haze of its random initialisation, the same for every z (section 6's grids).",
            wrong: "a",
            hint: s => s == "a" ? "which network's outputs does the KL term depend on?" : null);
    }
}
