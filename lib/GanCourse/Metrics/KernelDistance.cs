using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Metrics;

/// <summary>
/// Kernel Inception Distance (Bińkowski et al. 2018), here on the kit's classifier features ("KID"): the unbiased
/// estimate of MMD² with the polynomial kernel k(x, y) = (xᵀy / d + 1)³, averaged over random subsets:
/// MMD²ᵤ = 1/(m(m−1)) Σ_{i≠j} k(xᵢ,xⱼ) + 1/(m(m−1)) Σ_{i≠j} k(yᵢ,yⱼ) − 2/m² Σ_{i,j} k(xᵢ,yⱼ).
/// Unbiased: its mean is 0 when both sets come from the same distribution (single estimates can be negative).
/// </summary>
public static class KernelDistance
{
    /// <summary>The paper's protocol: 100 subsets of 1,000 (fewer when a set is smaller).</summary>
    public const int DefaultSubsets = 100, DefaultSubsetSize = 1000;

    /// <summary>k(x, y) = (xᵀy / d + 1)³ for all pairs of rows: (N, M), float64.</summary>
    public static Tensor PolynomialKernel(Tensor x, Tensor y)
    {
        var d = x.shape[1];
        return x.matmul(y.t()).to(float64).div_(d).add_(1).pow_(3);
    }

    /// <summary>The unbiased MMD² of one pair of sets (m, F) and (n, F) (m, n ≥ 2).</summary>
    public static double UnbiasedMmd2(Tensor x, Tensor y)
    {
        var (m, n) = (x.shape[0], y.shape[0]);
        if (m < 2 || n < 2) throw new ArgumentException($"The unbiased MMD² needs at least 2 samples per set, got {m} and {n}.");
        using var _ = NewDisposeScope();
        var kxx = PolynomialKernel(x, x);
        var kyy = PolynomialKernel(y, y);
        var kxy = PolynomialKernel(x, y);
        var sxx = (kxx.sum() - kxx.diagonal().sum()).item<double>() / (m * (m - 1.0));
        var syy = (kyy.sum() - kyy.diagonal().sum()).item<double>() / (n * (n - 1.0));
        var sxy = kxy.sum().item<double>() / ((double)m * n);
        return sxx + syy - 2 * sxy;
    }

    /// <summary>
    /// KID: mean and standard deviation of <see cref="UnbiasedMmd2"/> over <paramref name="subsets"/> random subsets of
    /// size min(<paramref name="subsetSize"/>, N₁, N₂) drawn without replacement from each set (with a fixed
    /// <paramref name="seed"/>: the same sets always give the same value).
    /// </summary>
    public static (double Mean, double Std) Between(Tensor features1, Tensor features2, int subsets = DefaultSubsets,
        int subsetSize = DefaultSubsetSize, int seed = 0)
    {
        if (features1.dim() != 2 || features2.dim() != 2 || features1.shape[1] != features2.shape[1])
            throw new ArgumentException($"Expected features (N1, F) and (N2, F), got [{string.Join(", ", features1.shape)}] and [{string.Join(", ", features2.shape)}].");
        if (subsets < 1) throw new ArgumentOutOfRangeException(nameof(subsets), subsets, "subsets must be at least 1");
        var (n1, n2) = ((int)features1.shape[0], (int)features2.shape[0]);
        var m = Math.Min(subsetSize, Math.Min(n1, n2));
        if (m < 2) throw new ArgumentException($"KID needs at least 2 samples per set, got {n1} and {n2}.");
        var rng = new Random(seed);
        var values = new double[subsets];
        using var _ = NewDisposeScope();
        var (a, b) = (features1.detach().cpu().to(float32), features2.detach().cpu().to(float32));
        for (var s = 0; s < subsets; s++)
        {
            using var inner = NewDisposeScope();
            var x = a.index_select(0, tensor(Choose(rng, n1, m)));
            var y = b.index_select(0, tensor(Choose(rng, n2, m)));
            values[s] = UnbiasedMmd2(x, y);
        }
        var mean = values.Average();
        var std = subsets > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (subsets - 1)) : 0;
        return (mean, std);
    }

    /// <summary>m distinct indices out of n (partial Fisher-Yates).</summary>
    static long[] Choose(Random rng, int n, int m)
    {
        var idx = Enumerable.Range(0, n).ToArray();
        for (var i = 0; i < m; i++)
        {
            var j = rng.Next(i, n);
            (idx[i], idx[j]) = (idx[j], idx[i]);
        }
        return idx.Take(m).Select(i => (long)i).ToArray();
    }
}
