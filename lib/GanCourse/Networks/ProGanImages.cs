using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>Resizing images between the resolutions of progressive growing.</summary>
public static class ProGanImages
{
    /// <summary>The fade-in of Figure 2: (1 - alpha) * old + alpha * new.</summary>
    public static Tensor Fade(Tensor old, Tensor @new, double alpha) => old * (1 - alpha) + @new * alpha;

    /// <summary>Average-pools (N, C, s, s) images down to r x r (s a multiple of r), like the paper's real images.</summary>
    public static Tensor Downsample(Tensor x, int resolution)
    {
        var s = x.shape[2];
        if (s == resolution) return x.alias();
        if (s % resolution != 0) throw new ArgumentException($"Cannot average-pool {s}x{s} images to {resolution}x{resolution}: {s} is not a multiple of {resolution}.");
        return functional.avg_pool2d(x, (int)(s / resolution));
    }

    /// <summary>Nearest-neighbour upsampling of (N, C, r, r) images to size x size.</summary>
    public static Tensor Upsample(Tensor x, int size)
    {
        var r = x.shape[2];
        if (r == size) return x.alias();
        return functional.interpolate(x, size: [size, size], mode: InterpolationMode.Nearest);
    }

    /// <summary>
    /// Real images as the discriminator sees them at resolution r during a fade-in with weight alpha:
    /// (1 - alpha) * up(down(x, r/2)) + alpha * down(x, r), the same blend the generator's output makes.
    /// </summary>
    public static Tensor Real(Tensor x, int resolution, double alpha)
    {
        using var _ = NewDisposeScope();
        var cur = Downsample(x, resolution);
        if (alpha >= 1 || resolution <= 4) return cur.MoveToOuterDisposeScope();
        var low = Upsample(Downsample(x, resolution / 2), resolution);
        return Fade(low, cur, alpha).MoveToOuterDisposeScope();
    }
}
