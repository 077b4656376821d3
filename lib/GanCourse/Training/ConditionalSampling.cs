using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// Latents and labels for showing a conditional generator: class grids, interpolations, class switching (feed them to
/// <see cref="AdversarialTrainer.Generate(Tensor, Tensor?)"/>).
/// </summary>
public static class ConditionalSampling
{
    /// <summary>Labels for a grid with one row per class: 0 repeated <paramref name="perClass"/> times, then 1, ... (K·perClass).</summary>
    public static Tensor RowLabels(int classes, int perClass) => arange(classes, dtype: int64).repeat_interleave(perClass);

    /// <summary>
    /// Latents along a straight line from z0 to z1 (steps points, ends included): (steps, d). Both ends should come
    /// from the prior; a straight line between two Gaussian samples passes closer to the origin than typical z
    /// (their norm dips by up to 1/√2), which the generator handles well at this size.
    /// </summary>
    public static Tensor Interpolate(Tensor z0, Tensor z1, int steps)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "an interpolation needs at least 2 points");
        using var _ = NewDisposeScope();
        var t = linspace(0, 1, steps, dtype: z0.dtype).unsqueeze(1);
        return (z0.reshape(1, -1) * (1 - t) + z1.reshape(1, -1) * t).MoveToOuterDisposeScope();
    }
}
