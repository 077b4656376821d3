using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Networks;

/// <summary>How to walk between two latent vectors.</summary>
public enum Interpolation
{
    /// <summary>Straight line: (1 − t) a + t b.</summary>
    Linear,
    /// <summary>Along the great circle (White 2016, "Sampling Generative Networks"): keeps the norm typical of N(0, I).</summary>
    Spherical,
}

/// <summary>
/// Walks and arithmetic in a generator's input latent space (lecture 004 "Latent space"; Radford et al. 2015, sections
/// 6.1 and 6.3). Latent vectors are rows of a (N, D) tensor or single (D) vectors.
/// </summary>
public static class Latent
{
    /// <summary>lerp(a, b; t) = (1 − t) a + t b.</summary>
    public static Tensor Lerp(Tensor a, Tensor b, double t)
    {
        CheckPair(a, b);
        return a * (1 - t) + b * t;
    }

    /// <summary>
    /// slerp(a, b; t) = sin((1 − t) Ω) / sin Ω · a + sin(t Ω) / sin Ω · b, cos Ω = â·b̂, row by row (falls back to lerp
    /// where a and b are (anti)parallel). For Gaussian z the norm concentrates near √D; the midpoint of a straight line
    /// between two such points has norm ≈ √(D/2), a region the generator never saw in training; slerp stays on the shell.
    /// </summary>
    public static Tensor Slerp(Tensor a, Tensor b, double t)
    {
        CheckPair(a, b);
        using var _ = NewDisposeScope();
        var cos = (a / a.norm(-1, keepdim: true).clamp_min(1e-12) * (b / b.norm(-1, keepdim: true).clamp_min(1e-12)))
            .sum(-1, keepdim: true).clamp(-1, 1);
        var omega = cos.acos();
        var sin = omega.sin();
        var safe = sin.abs() > 1e-6;
        var wa = where(safe, ((1 - t) * omega).sin() / sin.where(safe, ones_like(sin)), full_like(sin, 1 - t));
        var wb = where(safe, (t * omega).sin() / sin.where(safe, ones_like(sin)), full_like(sin, t));
        return (wa * a + wb * b).MoveToOuterDisposeScope();
    }

    /// <summary>One interpolation step of the given kind.</summary>
    public static Tensor Interpolate(Tensor a, Tensor b, double t, Interpolation kind) =>
        kind == Interpolation.Spherical ? Slerp(a, b, t) : Lerp(a, b, t);

    /// <summary><paramref name="steps"/> points from a to b inclusive (t = 0, 1/(steps−1), ..., 1): a (steps, D) tensor.</summary>
    public static Tensor Path(Tensor a, Tensor b, int steps, Interpolation kind = Interpolation.Spherical)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "a path needs at least 2 steps (its two ends)");
        CheckVector(a, nameof(a));
        CheckPair(a, b);
        using var _ = NewDisposeScope();
        return stack(Enumerable.Range(0, steps).Select(i => Interpolate(a, b, i / (double)(steps - 1), kind)).ToArray())
            .MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A size x size grid spanned by four corner vectors (rows of <paramref name="corners"/>: top-left, top-right,
    /// bottom-left, bottom-right), like the lecture's figure of interpolations between four images: each row
    /// interpolates between the left and right edge, which interpolate between the corners. Returns (size², D), row-major.
    /// </summary>
    public static Tensor Grid(Tensor corners, int size, Interpolation kind = Interpolation.Spherical)
    {
        if (corners.dim() != 2 || corners.shape[0] != 4)
            throw new ArgumentException($"Grid expects 4 corner vectors as a (4, D) tensor, got shape [{string.Join(", ", corners.shape)}].", nameof(corners));
        if (size < 2) throw new ArgumentOutOfRangeException(nameof(size), size, "the grid needs at least 2 points per side");
        using var _ = NewDisposeScope();
        var left = Path(corners[0], corners[2], size, kind);
        var right = Path(corners[1], corners[3], size, kind);
        return cat(Enumerable.Range(0, size).Select(r => Path(left[r], right[r], size, kind)).ToArray())
            .MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Vector arithmetic on averaged latents (Radford et al. 2015, Figure 7): Y = mean(a) − mean(b) + mean(c), each
    /// mean over the rows (samples) of one concept, e.g. "smiling woman" − "neutral woman" + "neutral man".
    /// </summary>
    public static Tensor Arithmetic(Tensor a, Tensor b, Tensor c)
    {
        foreach (var (t, n) in new[] { (a, nameof(a)), (b, nameof(b)), (c, nameof(c)) })
            if (t.dim() != 2 || t.shape[0] < 1)
                throw new ArgumentException($"{n} must hold the latent vectors of one concept as a (N, D) tensor with N >= 1, got shape [{string.Join(", ", t.shape)}].", n);
        CheckPair(a[0], b[0]);
        CheckPair(a[0], c[0]);
        using var _ = NewDisposeScope();
        return (a.mean([0]) - b.mean([0]) + c.mean([0])).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <paramref name="n"/> vectors around y: y itself first, then y + u with u ~ U(−scale, scale)^D (the paper adds
    /// uniform noise of scale ±0.25 to Y to show the neighbourhood of the result). Draws from torch's generator.
    /// </summary>
    public static Tensor Jitter(Tensor y, int n, double scale = 0.25)
    {
        CheckVector(y, nameof(y));
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be at least 1");
        if (!(scale >= 0)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be >= 0");
        using var _ = NewDisposeScope();
        var noise = (rand(n, y.shape[0], dtype: y.dtype, device: y.device) * 2 - 1) * scale;
        noise[0] = zeros_like(y);
        return (y.unsqueeze(0) + noise).MoveToOuterDisposeScope();
    }

    static void CheckVector(Tensor v, string name)
    {
        if (v.dim() != 1) throw new ArgumentException($"{name} must be one latent vector of shape (D), got shape [{string.Join(", ", v.shape)}].", name);
    }

    static void CheckPair(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape))
            throw new ArgumentException($"The two latents must have the same shape, got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}].");
    }
}
