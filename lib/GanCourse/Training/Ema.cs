using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// An exponential moving average of a network's weights (ProGAN's and StyleGAN's G_ema; Karras et al. 2018,
/// section A.1): after every step θ_ema ← β·θ_ema + (1 − β)·θ for each parameter; buffers (e.g. BatchNorm's running
/// statistics) are copied. β is fixed (<see cref="Decay"/>, ProGAN: 0.999) or follows from a half-life in images
/// (StyleGAN: 10k images): β = 0.5^(batch / half-life), so the average forgets half of its past every half-life
/// images whatever the batch size. As an <see cref="ITrainingHook"/> it updates after each step of a trainer.
/// </summary>
public sealed class Ema : ITrainingHook
{
    readonly IReadOnlyList<(Tensor Average, Tensor Source)> parameters, buffers;

    /// <summary>The averaged copy (eval mode, no gradients): what samples are drawn from.</summary>
    public nn.Module Average { get; }
    public nn.Module Source { get; }
    public double? Decay { get; }
    public double? HalfLifeImages { get; }

    /// <param name="source">The trained network.</param>
    /// <param name="average">A network of the same architecture that will hold the average; it starts as a copy of <paramref name="source"/>.</param>
    public Ema(nn.Module source, nn.Module average, double? decay = null, double? halfLifeImages = null)
    {
        Source = source ?? throw new ArgumentNullException(nameof(source));
        Average = average ?? throw new ArgumentNullException(nameof(average));
        if ((decay is null) == (halfLifeImages is null))
            throw new ArgumentException("Give the EMA either a decay β (e.g. 0.999) or a half-life in images (e.g. 10,000), not both or neither.");
        if (decay is { } d && (!double.IsFinite(d) || d < 0 || d >= 1))
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "the EMA decay β must be in [0, 1), e.g. 0.999");
        if (halfLifeImages is { } h && (!double.IsFinite(h) || h <= 0))
            throw new ArgumentOutOfRangeException(nameof(halfLifeImages), halfLifeImages, "the EMA half-life must be a positive number of images");
        (Decay, HalfLifeImages) = (decay, halfLifeImages);
        parameters = Pair(average.named_parameters().Select(p => (p.name, (Tensor)p.parameter)), source.named_parameters().Select(p => (p.name, (Tensor)p.parameter)), "parameter");
        buffers = Pair(average.named_buffers(), source.named_buffers(), "buffer");
        ModuleState.Copy(source, average);
        average.eval();
        foreach (var p in average.parameters()) p.requires_grad = false;
    }

    static List<(Tensor, Tensor)> Pair(IEnumerable<(string name, Tensor t)> average, IEnumerable<(string name, Tensor t)> source, string what)
    {
        var src = source.ToDictionary(p => p.name, p => p.t);
        var list = new List<(Tensor, Tensor)>();
        foreach (var (name, t) in average)
        {
            if (!src.TryGetValue(name, out var s) || !s.shape.SequenceEqual(t.shape))
                throw new ArgumentException($"The EMA copy's {what} '{name}' has no counterpart of shape [{string.Join(", ", t.shape)}] in the source network: build both with the same configuration.");
            list.Add((t, s));
        }
        if (list.Count != src.Count) throw new ArgumentException($"The source network has {src.Count} {what}s, the EMA copy {list.Count}: build both with the same configuration.");
        return list;
    }

    /// <summary>β for a step that showed <paramref name="images"/> images.</summary>
    public double Beta(long images) => Decay ?? Math.Pow(0.5, images / HalfLifeImages!.Value);

    /// <summary>One update after a step that showed <paramref name="images"/> images to D.</summary>
    public void Update(long images)
    {
        using var _ = no_grad();
        var beta = Beta(images);
        foreach (var (a, s) in parameters) a.lerp_(s, 1 - beta);   // a + (1 − β)(s − a) = β·a + (1 − β)·s
        foreach (var (a, s) in buffers) a.copy_(s);
    }

    void ITrainingHook.AfterStep(AdversarialTrainer trainer, GanStep step) => Update(step.Samples);
}
