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
/// on an <see cref="ImageDataset"/> in [0, 1]. Each batch runs in its own dispose scope; a NaN/Inf loss stops the run
/// with a message. The model trains on the device its parameters are on. For a given torch seed at model creation and
/// <see cref="AutoencoderTrainingConfig.Seed"/>, a CPU run is repeatable bit for bit.
/// </summary>
public static class AutoencoderTraining
{
    /// <param name="onStep">Called after every step with (step, losses, batch size), e.g. to feed a TrainingView.</param>
    /// <returns>The loss of every step ("loss").</returns>
    public static LossHistory Train(Module<Tensor, Tensor> model, ImageDataset data, AutoencoderTrainingConfig? config = null,
        Corruption? corruption = null, Action<long, IReadOnlyDictionary<string, float>, int>? onStep = null)
    {
        var c = config ?? new AutoencoderTrainingConfig();
        CheckConfig(c.Epochs, c.BatchSize, c.Lr, c.MaxSteps);
        RequireUnitRange(data);
        var device = DeviceOf(model);
        var history = new LossHistory();
        var noise = new Generator((ulong)c.Seed, device);
        using var opt = optim.Adam(model.parameters(), c.Lr);
        model.train();
        long step = 0, maxSteps = c.MaxSteps ?? long.MaxValue;
        for (var epoch = 0; epoch < c.Epochs && step < maxSteps; epoch++)
        {
            foreach (var (x, _) in data.Batches(c.BatchSize, seed: c.Seed * 1_000 + epoch, device: device))
            {
                if (step >= maxSteps) break;
                using var scope = NewDisposeScope();
                var input = corruption is null ? x : corruption.Apply(x, noise);
                opt.zero_grad();
                var loss = Loss(model.forward(input), x, c.Loss);
                loss.backward();
                var value = NonFiniteGuard.Loss(loss, "reconstruction loss", step);
                opt.step();
                var losses = new Dictionary<string, float> { ["loss"] = value };
                history.Add(losses);
                onStep?.Invoke(++step, losses, (int)x.shape[0]);
            }
        }
        model.eval();
        return history;
    }

    /// <summary>
    /// Reconstruction error of <paramref name="model"/> over all of <paramref name="data"/> in eval mode. With a
    /// corruption the inputs are corrupted (noise from <paramref name="seed"/>) and the outputs compared with the clean images.
    /// </summary>
    public static ReconstructionError Evaluate(Module<Tensor, Tensor> model, ImageDataset data, Corruption? corruption = null,
        int batchSize = 500, int seed = 12345) =>
        Measure(data, batchSize, seed, DeviceOf(model), corruption, model.forward);

    /// <summary>The error of the corrupted images themselves against the clean ones: what "doing nothing" scores.</summary>
    public static ReconstructionError NoiseBaseline(ImageDataset data, Corruption corruption, int batchSize = 500, int seed = 12345) =>
        Measure(data, batchSize, seed, CPU, corruption, x => x.alias());

    static ReconstructionError Measure(ImageDataset data, int batchSize, int seed, Device device, Corruption? corruption, Func<Tensor, Tensor> f)
    {
        RequireUnitRange(data);
        var noise = new Generator((ulong)seed, device);
        double se = 0, bce = 0;
        long pixels = 0, images = 0;
        using var _ = no_grad();
        foreach (var (x, _) in data.Batches(batchSize, device: device, shuffle: false))
        {
            using var scope = NewDisposeScope();
            var y = f(corruption is null ? x : corruption.Apply(x, noise));
            se += functional.mse_loss(y, x, Reduction.Sum).item<float>();
            bce += functional.binary_cross_entropy(y.clamp(1e-6, 1 - 1e-6), x, reduction: Reduction.Sum).item<float>();
            pixels += x.numel();
            images += x.shape[0];
        }
        return new ReconstructionError(se / pixels, bce / images);
    }

    static Tensor Loss(Tensor y, Tensor x, ReconstructionLoss loss) => loss switch
    {
        ReconstructionLoss.Mse => functional.mse_loss(y, x),
        ReconstructionLoss.Bce => functional.binary_cross_entropy(y.clamp(1e-6, 1 - 1e-6), x),
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "Use Mse or Bce."),
    };

    internal static Device DeviceOf(Module model) =>
        model.parameters().FirstOrDefault()?.device ?? throw new ArgumentException("The model has no parameters to train.", nameof(model));

    internal static void RequireUnitRange(ImageDataset data)
    {
        if (data.Range != PixelRange.Unit)
            throw new ArgumentException($"Autoencoders here reconstruct images in [0, 1] (sigmoid output), but {data.Name} was loaded in [-1, 1]. " +
                "Load it with range: PixelRange.Unit.", nameof(data));
    }

    internal static void CheckConfig(int epochs, int batchSize, double lr, long? maxSteps)
    {
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Train for at least one epoch.");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        if (!(lr > 0) || double.IsInfinity(lr)) throw new ArgumentOutOfRangeException(nameof(lr), lr, "The learning rate must be a positive number, e.g. 1e-3.");
        if (maxSteps is < 1) throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, "MaxSteps must be at least 1 (or null for whole epochs).");
    }
}
