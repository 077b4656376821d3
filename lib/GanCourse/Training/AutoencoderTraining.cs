using GanCourse.Data;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Training;

/// <summary>The loss an autoencoder compares its reconstruction with the clean image by.</summary>
public enum ReconstructionLoss
{
    /// <summary>Mean squared error per pixel (the lecture's conv autoencoder trains with nn.MSELoss()).</summary>
    Mse,
    /// <summary>Binary cross-entropy per pixel (pixels read as Bernoulli probabilities).</summary>
    Bce,
}

/// <summary>
/// Settings of an autoencoder run. The defaults are those of the lecture's conv autoencoder (after Udacity's solution):
/// MSE, Adam(lr 1e-3), batches of 20, 30 epochs.
/// </summary>
/// <param name="MaxSteps">Stop after this many batches even inside an epoch (for quick runs).</param>
/// <param name="Seed">Fixes the batch order and the corruption noise.</param>
public sealed record AutoencoderTrainingConfig(int Epochs = 30, int BatchSize = 20, double Lr = 1e-3,
    ReconstructionLoss Loss = ReconstructionLoss.Mse, long? MaxSteps = null, int Seed = 0);

/// <summary>Test-set reconstruction error: MSE per pixel and binary cross-entropy summed over the pixels of an image.</summary>
public readonly record struct ReconstructionError(double Mse, double BcePerImage)
{
    public override string ToString() => $"MSE {Mse:F4} per pixel, BCE {BcePerImage:F1} nats per image";
}

/// <summary>
/// Trains an autoencoder x -> g(f(x)) (or, with a <see cref="Corruption"/>, a denoising autoencoder x~ -> x) with Adam
/// on an <see cref="ImageDataset"/> in [0, 1], in the <see cref="SupervisedLoop"/> (one dispose scope per batch, a
/// NaN/Inf loss stops the run with a message). What is the autoencoder's own is the loss: the reconstruction of the
/// (corrupted) input compared with the clean image. For a given torch seed at model creation and
/// <see cref="AutoencoderTrainingConfig.Seed"/>, a CPU run is repeatable bit for bit.
/// </summary>
public static class AutoencoderTraining
{
    /// <param name="onStep">Called after every step with (step, losses, batch size), e.g. to feed a TrainingView.</param>
    /// <returns>The loss of every step ("loss").</returns>
    /// <param name="regularizer">R(f, g) of the lecture's objective, added to the reconstruction loss for each clean
    /// batch x, e.g. the contractive autoencoder's λ‖J_f(x)‖²_F (<see cref="ContractivePenalty"/>); logged as "penalty".</param>
    public static LossHistory Train(Module<Tensor, Tensor> model, ImageDataset data, AutoencoderTrainingConfig? config = null,
        Corruption? corruption = null, Action<long, IReadOnlyDictionary<string, float>, int>? onStep = null,
        Func<Tensor, Tensor>? regularizer = null)
    {
        var c = config ?? new AutoencoderTrainingConfig();
        return SupervisedLoop.Train(model, data, c.Epochs, c.BatchSize, c.Lr, c.MaxSteps, c.Seed, "reconstruction loss", (x, noise) =>
        {
            var reconstruction = Loss(model.forward(corruption is null ? x : corruption.Apply(x, noise)), x, c.Loss);
            if (regularizer is null) return new SupervisedLoss(reconstruction);
            var penalty = regularizer(x);
            return new SupervisedLoss(reconstruction + penalty, [("reconstruction", reconstruction), ("penalty", penalty)]);
        }, onStep);
    }

    /// <summary>
    /// Reconstruction error of <paramref name="model"/> over all of <paramref name="data"/> in eval mode. With a
    /// corruption the inputs are corrupted (noise from <paramref name="seed"/>) and the outputs compared with the clean images.
    /// </summary>
    public static ReconstructionError Evaluate(Module<Tensor, Tensor> model, ImageDataset data, Corruption? corruption = null,
        int batchSize = 500, int seed = 12345) =>
        Measure(data, batchSize, seed, SupervisedLoop.DeviceOf(model), corruption, model.forward);

    /// <summary>The error of the corrupted images themselves against the clean ones: what "doing nothing" scores.</summary>
    public static ReconstructionError NoiseBaseline(ImageDataset data, Corruption corruption, int batchSize = 500, int seed = 12345) =>
        Measure(data, batchSize, seed, CPU, corruption, x => x.alias());

    static ReconstructionError Measure(ImageDataset data, int batchSize, int seed, Device device, Corruption? corruption, Func<Tensor, Tensor> f)
    {
        double se = 0, bce = 0;
        long pixels = 0, images = 0;
        SupervisedLoop.Evaluate(data, batchSize, seed, device, (x, noise) =>
        {
            var y = f(corruption is null ? x : corruption.Apply(x, noise));
            se += functional.mse_loss(y, x, Reduction.Sum).item<float>();
            bce += functional.binary_cross_entropy(y.clamp(1e-6, 1 - 1e-6), x, reduction: Reduction.Sum).item<float>();
            pixels += x.numel();
            images += x.shape[0];
        });
        return new ReconstructionError(se / pixels, bce / images);
    }

    static Tensor Loss(Tensor y, Tensor x, ReconstructionLoss loss) => loss switch
    {
        ReconstructionLoss.Mse => functional.mse_loss(y, x),
        ReconstructionLoss.Bce => functional.binary_cross_entropy(y.clamp(1e-6, 1 - 1e-6), x),
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "Use Mse or Bce."),
    };
}
