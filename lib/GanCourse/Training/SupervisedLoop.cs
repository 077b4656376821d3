using GanCourse.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// What one batch costs a supervised model: the loss to descend and, optionally, named terms to log before it (the
/// VAE logs its reconstruction and KL; the trained objective is always logged as "loss", last).
/// </summary>
public readonly record struct SupervisedLoss(Tensor Loss, IReadOnlyList<(string Name, Tensor Value)>? Terms = null);

/// <summary>
/// The course's one supervised training loop, shared by <see cref="AutoencoderTraining"/> and <see cref="VaeTraining"/>:
/// Adam over <c>epochs</c> passes of the data, epoch k shuffled with seed <c>Seed*1000 + k</c>, every
/// batch (the last, smaller one included) in its own dispose scope: zero_grad, the model's loss, backward, a NaN/Inf
/// check, step. The model trains on the device its parameters are on and is left in eval mode. For a given torch seed
/// at model creation and <c>seed</c>, a CPU run is repeatable bit for bit.
/// </summary>
public static class SupervisedLoop
{
    /// <param name="lossLabel">Names the loss in the message a non-finite value stops the run with.</param>
    /// <param name="loss">The model's loss of a clean batch x (B, C, H, W) in [0, 1]; the generator is the run's noise
    /// (corruption, reparameterisation), seeded with <paramref name="seed"/> on the model's device.</param>
    /// <param name="onStep">Called after every step with (step, losses, batch size), e.g. to feed a TrainingView.</param>
    /// <returns>Per step: the terms of <see cref="SupervisedLoss.Terms"/>, then "loss".</returns>
    public static LossHistory Train(nn.Module model, ImageDataset data, int epochs, int batchSize, double lr, long? maxSteps, int seed,
        string lossLabel, Func<Tensor, Generator, SupervisedLoss> loss, Action<long, IReadOnlyDictionary<string, float>, int>? onStep = null)
    {
        CheckConfig(epochs, batchSize, lr, maxSteps);
        RequireUnitRange(data);
        var device = DeviceOf(model);
        var history = new LossHistory();
        var noise = new Generator((ulong)seed, device);
        using var opt = optim.Adam(model.parameters(), lr);
        model.train();
        long step = 0, limit = maxSteps ?? long.MaxValue;
        for (var epoch = 0; epoch < epochs && step < limit; epoch++)
        {
            foreach (var (x, _) in data.Batches(batchSize, seed: seed * 1_000 + epoch, device: device))
            {
                if (step >= limit) break;
                using var scope = NewDisposeScope();
                opt.zero_grad();
                var l = loss(x, noise);
                l.Loss.backward();
                var value = NonFiniteGuard.Loss(l.Loss, lossLabel, step);
                opt.step();
                var losses = new Dictionary<string, float>();
                foreach (var (name, term) in l.Terms ?? []) losses[name] = term.item<float>();
                losses["loss"] = value;
                history.Add(losses);
                onStep?.Invoke(++step, losses, (int)x.shape[0]);
            }
        }
        model.eval();
        return history;
    }

    /// <summary>
    /// Runs <paramref name="measure"/> on every batch of <paramref name="data"/> in order, without gradients, each in
    /// its own dispose scope, with one noise generator seeded with <paramref name="seed"/> on <paramref name="device"/>.
    /// </summary>
    public static void Evaluate(ImageDataset data, int batchSize, int seed, Device device, Action<Tensor, Generator> measure)
    {
        RequireUnitRange(data);
        var noise = new Generator((ulong)seed, device);
        using var _ = no_grad();
        foreach (var (x, _) in data.Batches(batchSize, device: device, shuffle: false))
        {
            using var scope = NewDisposeScope();
            measure(x, noise);
        }
    }

    internal static Device DeviceOf(nn.Module model) =>
        model.parameters().FirstOrDefault()?.device ?? throw new ArgumentException("The model has no parameters to train.", nameof(model));

    internal static void RequireUnitRange(ImageDataset data)
    {
        if (data.Range != PixelRange.Unit)
            throw new ArgumentException($"Autoencoders here reconstruct images in [0, 1] (sigmoid output), but {data.Name} was loaded in [-1, 1]. " +
                "Load it with range: PixelRange.Unit.", nameof(data));
    }

    static void CheckConfig(int epochs, int batchSize, double lr, long? maxSteps)
    {
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Train for at least one epoch.");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        if (!(lr > 0) || double.IsInfinity(lr)) throw new ArgumentOutOfRangeException(nameof(lr), lr, "The learning rate must be a positive number, e.g. 1e-3.");
        if (maxSteps is < 1) throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, "MaxSteps must be at least 1 (or null for whole epochs).");
    }
}
