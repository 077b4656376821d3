using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Metrics;

/// <summary>SWD per Laplacian pyramid level (finest first, e.g. 32, 16) and their average, all x 10^3 as in the paper.</summary>
public sealed record SwdResult(IReadOnlyList<int> Resolutions, IReadOnlyList<double> PerLevel)
{
    public double Average => PerLevel.Average();

    public override string ToString() =>
        string.Join("  ", Resolutions.Zip(PerLevel, (r, d) => $"{r}: {d:F2}")) + $"  avg: {Average:F2}";
}

/// <summary>
/// Sliced Wasserstein distance between two image sets, the metric of ProGAN (section 5, Table 1), following the
/// official implementation: build a Laplacian pyramid of every image (finest level first, down to
/// <c>minResolution</c>), take 7x7 patches at random positions of every level as descriptors (grey images are
/// tiled to 3 channels, 147 numbers), normalise each set's descriptors per channel, and compare the two sets along
/// random unit directions: the 1-D Wasserstein distance of two equal-size samples is the mean absolute difference
/// of their sorted projections. Reported x 10^3; lower is better; 0 for identical sets.
/// </summary>
public static class SlicedWasserstein
{
    /// <summary>The 5x5 binomial filter of cv2.pyrDown / pyrUp.</summary>
    static readonly float[] Binomial = [1, 4, 6, 4, 1];

    /// <param name="a">Images (N, C, H, W), C = 1 or 3, any value range (descriptors are normalised).</param>
    /// <param name="b">Images of the same shape.</param>
    /// <param name="minResolution">Coarsest pyramid level (the paper: 16).</param>
    /// <param name="patchesPerImage">Random 7x7 patches per image and level (the paper: 128 on 16,384 images; the
    /// cost grows with images x patches, so small runs on a CPU may use fewer, e.g. 16 on 1,000 images).</param>
    /// <param name="directions">Random directions per repeat (the paper: 128).</param>
    /// <param name="repeats">Repeats with new directions (the paper: 4).</param>
    /// <param name="seed">Seeds patch positions (the same for both sets) and directions.</param>
    public static SwdResult Compute(Tensor a, Tensor b, int minResolution = 16, int patchesPerImage = 128, int directions = 128,
        int repeats = 4, int patchSize = 7, int seed = 0)
    {
        if (a.dim() != 4 || b.dim() != 4 || !a.shape.Skip(1).SequenceEqual(b.shape.Skip(1)) || a.shape[0] != b.shape[0])
            throw new ArgumentException($"SWD compares two image sets of the same shape (N, C, H, W); got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}]. Use as many generated as real images.");
        if (a.shape[1] is not (1 or 3)) throw new ArgumentException($"SWD expects 1 or 3 channels, got {a.shape[1]}.");
        if (a.shape[2] < patchSize || minResolution < patchSize)
            throw new ArgumentException($"The coarsest level ({Math.Min(a.shape[2], minResolution)} px) must be at least one patch ({patchSize} px) wide: raise minResolution.");
        using var _ = NewDisposeScope();
        var levelsA = LaplacianPyramid(Prepare(a), minResolution);
        var levelsB = LaplacianPyramid(Prepare(b), minResolution);
        var gen = new Generator((ulong)seed);
        var res = new List<int>();
        var dist = new List<double>();
        for (var l = 0; l < levelsA.Count; l++)
        {
            var positions = Positions(levelsA[l].shape, patchesPerImage, patchSize, seed + 1000 * (l + 1));
            var da = Normalize(Patches(levelsA[l], positions, patchSize));
            var db = Normalize(Patches(levelsB[l], positions, patchSize));
            dist.Add(Distance(da, db, directions, repeats, gen) * 1e3);
            res.Add((int)levelsA[l].shape[2]);
        }
        return new SwdResult(res, dist);
    }

    /// <summary>Float32 on the CPU, grey tiled to 3 channels (the official code expects RGB).</summary>
    static Tensor Prepare(Tensor x)
    {
        var y = x.detach().to(CPU).to(float32);
        return y.shape[1] == 1 ? y.expand(-1, 3, -1, -1).contiguous() : y;
    }

    /// <summary>Laplacian pyramid: level i = G_i - up(G_{i+1}); the coarsest level is the Gaussian G itself.</summary>
    public static List<Tensor> LaplacianPyramid(Tensor x, int minResolution)
    {
        var levels = new List<Tensor> { x };
        while (levels[^1].shape[2] / 2 >= minResolution)
        {
            var down = PyrDown(levels[^1]);
            levels[^1] = levels[^1] - PyrUp(down);
            levels.Add(down);
        }
        return levels;
    }

    static Tensor Kernel(Tensor like, double scale)
    {
        var k1 = tensor(Binomial, dtype: like.dtype) / 16;
        var k = k1.outer(k1) * scale;
        var c = like.shape[1];
        return k.reshape(1, 1, 5, 5).expand(c, 1, 5, 5).contiguous();
    }

    // scipy.ndimage 'mirror' = torch 'reflect' padding
    static Tensor Blur(Tensor x, double scale) =>
        nn.functional.conv2d(nn.functional.pad(x, [2, 2, 2, 2], PaddingModes.Reflect), Kernel(x, scale), groups: x.shape[1]);

    static Tensor PyrDown(Tensor x) => Blur(x, 1)[.., .., TensorIndex.Slice(0, null, 2), TensorIndex.Slice(0, null, 2)];

    static Tensor PyrUp(Tensor x)
    {
        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        var up = zeros(n, c, h * 2, w * 2, dtype: x.dtype);
        up[.., .., TensorIndex.Slice(0, null, 2), TensorIndex.Slice(0, null, 2)] = x;
        return Blur(up, 4);
    }

    /// <summary>Top-left corners (N * k, 2) of k random patches per image.</summary>
    static (long[] Image, long[] Y, long[] X) Positions(long[] shape, int perImage, int patch, int seed)
    {
        var rng = new Random(seed);
        var n = (int)shape[0] * perImage;
        var (img, ys, xs) = (new long[n], new long[n], new long[n]);
        for (var i = 0; i < n; i++)
        {
            img[i] = i / perImage;
            ys[i] = rng.Next(0, (int)shape[2] - patch + 1);
            xs[i] = rng.Next(0, (int)shape[3] - patch + 1);
        }
        return (img, ys, xs);
    }

    /// <summary>Descriptors (N * k, C, p, p) cut from one pyramid level.</summary>
    static Tensor Patches(Tensor level, (long[] Image, long[] Y, long[] X) pos, int patch)
    {
        var (n, c, h, w) = (level.shape[0], level.shape[1], level.shape[2], level.shape[3]);
        var offs = arange(patch, dtype: int64);
        var img = tensor(pos.Image).reshape(-1, 1, 1, 1);
        var ch = arange(c, dtype: int64).reshape(1, -1, 1, 1);
        var y = tensor(pos.Y).reshape(-1, 1, 1, 1) + offs.reshape(1, 1, -1, 1);
        var x = tensor(pos.X).reshape(-1, 1, 1, 1) + offs.reshape(1, 1, 1, -1);
        var flat = ((img * c + ch) * h + y) * w + x;
        return level.flatten().take(flat);
    }

    /// <summary>Zero mean and unit variance per channel over all descriptors of one set; then flattened.</summary>
    static Tensor Normalize(Tensor d)
    {
        var mean = d.mean([0, 2, 3], keepdim: true);
        var std = d.std([0, 2, 3], unbiased: false, keepdim: true);
        return ((d - mean) / (std + 1e-12)).flatten(1);
    }

    /// <summary>Average over repeats and directions of the 1-D Wasserstein-1 distance between sorted projections.</summary>
    static double Distance(Tensor a, Tensor b, int directions, int repeats, Generator gen)
    {
        var results = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            var dirs = randn(a.shape[1], directions, dtype: a.dtype, generator: gen);
            dirs /= dirs.square().sum([0], keepdim: true).sqrt();
            var pa = a.matmul(dirs).sort(0).Values;
            var pb = b.matmul(dirs).sort(0).Values;
            results.Add((pa - pb).abs().mean().item<float>());
        }
        return results.Average();
    }
}
