using GanCourse.Data;
using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>What the test classes that train models share: weights to compare, the same-seed-same-run check, the small GANs' trainer and data.</summary>
static class TestTrainers
{
    /// <summary>All parameters of <paramref name="m"/>, flattened in order, copied to the CPU.</summary>
    internal static float[] Weights(nn.Module m) => m.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    /// <summary>The value of a scalar (loss) tensor the caller does not need any more; disposes it.</summary>
    internal static float Value(Tensor t) { using (t) return t.item<float>(); }

    /// <summary>What a GAN run leaves: its logged losses and the weights of G and D.</summary>
    internal sealed record GanOutcome(float[] Losses, float[] G, float[] D);

    /// <summary>The outcome of a run of <paramref name="t"/> that logged <paramref name="losses"/>.</summary>
    internal static GanOutcome Outcome(AdversarialTrainer t, IEnumerable<float> losses) =>
        new([.. losses], Weights(t.Generator), Weights(t.Discriminator));

    /// <summary>
    /// Runs <paramref name="run"/> twice, each from its own seed and fresh networks, and asserts that both give the
    /// same losses and the same G and D weights, to the bit; returns the first run's outcome.
    /// </summary>
    internal static GanOutcome AssertReproducible(Func<GanOutcome> run)
    {
        var a = run();
        var b = run();
        Assert.Equal(a.Losses, b.Losses);
        Assert.Equal(a.G, b.G);
        Assert.Equal(a.D, b.D);
        return a;
    }

    /// <summary>The non-saturating GAN with DCGAN's Adam (lr 2e-4, β₁ 0.5) for both networks, on the CPU.</summary>
    internal static AdversarialTrainer NonSaturating(GanModel model, Func<RealBatch> realBatch, AdversarialConfig config) =>
        new(model, new NonSaturatingGanLoss(), realBatch, config, p => optim.Adam(p, 2e-4, 0.5), p => optim.Adam(p, 2e-4, 0.5), device: CPU);

    /// <summary>Each call: a fresh batch of <paramref name="n"/> points from the ring of Gaussians.</summary>
    internal static Func<Tensor> Ring(int n) => () => { using var r = ToyData.Ring(n); return r.Samples.clone(); };
}
