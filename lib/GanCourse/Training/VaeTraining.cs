using GanCourse.Data;
using GanCourse.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>Settings of a VAE run (defaults as PyTorch's examples/vae: Adam lr 1e-3, batches of 128).</summary>
/// <param name="Objective">Which loss terms to train (the lecture's "only reconstruction / only KL / combination").</param>
/// <param name="Seed">Fixes the batch order and the reparameterisation noise.</param>
public sealed record VaeTrainingConfig(int Epochs = 20, int BatchSize = 128, double Lr = 1e-3,
    VaeObjective Objective = VaeObjective.Both, long? MaxSteps = null, int Seed = 0);

/// <summary>A VAE's loss terms on a dataset, per image in nats; ELBO = -(reconstruction + KL) is a lower bound on log p(x).</summary>
public readonly record struct VaeMetrics(double Reconstruction, double Kl)
{
    public double Elbo => -(Reconstruction + Kl);
    public override string ToString() => $"ELBO {Elbo:F1} nats per image = -(reconstruction {Reconstruction:F1} + KL {Kl:F2})";
}

/// <summary>
/// Trains a <see cref="Vae"/> on images in [0, 1] by minimising reconstruction + KL (the negative ELBO) or one of the
/// two terms alone, with Adam, in the <see cref="SupervisedLoop"/> (one dispose scope per batch, a NaN/Inf loss stops
/// the run with a message). What is the VAE's own is the loss, with its two terms logged.
/// </summary>
public static class VaeTraining
{
    /// <returns>Per step: "reconstruction", "KL" and "loss" (the trained objective), per image.</returns>
    public static LossHistory Train(Vae vae, ImageDataset data, VaeTrainingConfig? config = null,
        Action<long, IReadOnlyDictionary<string, float>, int>? onStep = null)
    {
        var c = config ?? new VaeTrainingConfig();
        return SupervisedLoop.Train(vae, data, c.Epochs, c.BatchSize, c.Lr, c.MaxSteps, c.Seed, $"VAE loss ({c.Objective})", (x, noise) =>
        {
            var (logits, mu, logVar) = vae.Forward(x, noise);
            var rec = VaeLoss.Reconstruction(logits, x);
            var kl = VaeLoss.Kl(mu, logVar);
            return new SupervisedLoss(VaeLoss.Total(rec, kl, c.Objective), [("reconstruction", rec), ("KL", kl)]);
        }, onStep);
    }

    /// <summary>Reconstruction and KL per image over all of <paramref name="data"/> (one z sample per image, noise from <paramref name="seed"/>).</summary>
    public static VaeMetrics Evaluate(Vae vae, ImageDataset data, int batchSize = 500, int seed = 12345)
    {
        double rec = 0, kl = 0;
        SupervisedLoop.Evaluate(data, batchSize, seed, SupervisedLoop.DeviceOf(vae), (x, noise) =>
        {
            var (logits, mu, logVar) = vae.Forward(x, noise);
            var n = x.shape[0];
            rec += VaeLoss.Reconstruction(logits, x).item<float>() * n;
            kl += VaeLoss.Kl(mu, logVar).item<float>() * n;
        });
        return new VaeMetrics(rec / data.Count, kl / data.Count);
    }

    /// <summary>The encoder means mu(x) of every image, (N, latentDim) on the CPU, in the dataset's order.</summary>
    public static Tensor EncodeMeans(Vae vae, ImageDataset data, int batchSize = 500)
    {
        var device = SupervisedLoop.DeviceOf(vae);
        var parts = new List<Tensor>();
        using (no_grad())
            foreach (var (x, _) in data.Batches(batchSize, device: device, shuffle: false))
                parts.Add(vae.Encode(x).Mu.cpu());
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }

    /// <summary>
    /// A lattice of n x n latent points whose coordinates are the N(0, 1) quantiles at probabilities evenly spaced in
    /// [pLow, pHigh] (the classic VAE manifold figure), row by row from the top (largest z2) to the bottom, each row from
    /// the smallest to the largest z1: (n*n, 2). Quantile: Phi^-1(p) = sqrt(2) erfinv(2p - 1).
    /// </summary>
    public static Tensor GaussianLattice(int n = 15, double pLow = 0.05, double pHigh = 0.95)
    {
        if (n < 2) throw new ArgumentOutOfRangeException(nameof(n), n, "The lattice needs at least 2 points per side.");
        if (!(0 < pLow && pLow < pHigh && pHigh < 1))
            throw new ArgumentOutOfRangeException(nameof(pLow), $"({pLow}, {pHigh})", "Need 0 < pLow < pHigh < 1, e.g. 0.05 and 0.95.");
        using var _ = NewDisposeScope();
        var q = linspace(pLow, pHigh, n, dtype: float64).mul(2).sub(1).erfinv().mul(Math.Sqrt(2)).to(float32);
        var z1 = q.repeat(n);                          // columns: left to right
        var z2 = q.flip(0).repeat_interleave(n);       // rows: top (largest) to bottom
        return stack([z1, z2], 1).MoveToOuterDisposeScope();
    }
}
