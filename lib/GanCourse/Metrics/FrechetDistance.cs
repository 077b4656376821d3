using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Metrics;

/// <summary>Mean (F) and covariance (F, F) of a set of features, float64 on the CPU.</summary>
public sealed class GaussianStats : IDisposable
{
    public Tensor Mean { get; }
    public Tensor Covariance { get; }
    public int Count { get; }

    public GaussianStats(Tensor mean, Tensor covariance, int count)
    {
        if (mean.dim() != 1 || covariance.dim() != 2 || covariance.shape[0] != mean.shape[0] || covariance.shape[1] != mean.shape[0])
            throw new ArgumentException($"Expected a mean (F) and a covariance (F, F), got [{string.Join(", ", mean.shape)}] and [{string.Join(", ", covariance.shape)}].");
        Mean = mean.to(float64).cpu().DetachFromDisposeScope();
        Covariance = covariance.to(float64).cpu().DetachFromDisposeScope();
        Count = count;
    }

    /// <summary>Sample mean and unbiased covariance (divides by N − 1, like numpy's <c>np.cov</c> in pytorch-fid) of features (N, F).</summary>
    public static GaussianStats Of(Tensor features)
    {
        if (features.dim() != 2) throw new ArgumentException($"Expected features of shape (N, F), got [{string.Join(", ", features.shape)}].", nameof(features));
        var n = (int)features.shape[0];
        if (n < 2) throw new ArgumentException($"A covariance needs at least 2 feature vectors, got {n}.", nameof(features));
        using var _ = NewDisposeScope();
        var x = features.detach().cpu().to(float64);
        var mu = x.mean([0]);
        var c = x - mu;
        var cov = c.t().matmul(c).div_(n - 1);
        return new GaussianStats(mu, cov, n);
    }

    public void Dispose()
    {
        Mean.Dispose();
        Covariance.Dispose();
    }
}

/// <summary>
/// The Fréchet distance between two Gaussians fitted to features, the formula of FID (Heusel et al. 2017, eq. 6):
/// d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^½). On the kit's classifier features it is labelled "FD": the numbers are
/// not comparable to Inception FID.
/// </summary>
public static class FrechetDistance
{
    /// <summary>FD between two sets of features (N₁, F) and (N₂, F).</summary>
    public static double Between(Tensor features1, Tensor features2)
    {
        if (features1.dim() != 2 || features2.dim() != 2 || features1.shape[1] != features2.shape[1])
            throw new ArgumentException($"Expected features (N1, F) and (N2, F), got [{string.Join(", ", features1.shape)}] and [{string.Join(", ", features2.shape)}].");
        using var s1 = GaussianStats.Of(features1);
        using var s2 = GaussianStats.Of(features2);
        return Between(s1, s2);
    }

    /// <summary>FD between two fitted Gaussians.</summary>
    public static double Between(GaussianStats a, GaussianStats b) => Between(a.Mean, a.Covariance, b.Mean, b.Covariance);

    /// <summary>
    /// FD between N(μ₁, Σ₁) and N(μ₂, Σ₂). Tr (Σ₁Σ₂)^½ = Tr (Σ₁^½ Σ₂ Σ₁^½)^½: the second matrix is symmetric positive
    /// semi-definite, so both square roots come from a symmetric eigendecomposition (float64), which stays real and
    /// stable where scipy's general sqrtm of the non-symmetric Σ₁Σ₂ can return complex noise.
    /// </summary>
    public static double Between(Tensor mu1, Tensor sigma1, Tensor mu2, Tensor sigma2)
    {
        if (mu1.dim() != 1 || !mu1.shape.SequenceEqual(mu2.shape))
            throw new ArgumentException($"Means must be vectors of the same size, got [{string.Join(", ", mu1.shape)}] and [{string.Join(", ", mu2.shape)}].");
        var f = mu1.shape[0];
        foreach (var s in new[] { sigma1, sigma2 })
            if (s.dim() != 2 || s.shape[0] != f || s.shape[1] != f)
                throw new ArgumentException($"Covariances must be ({f}, {f}), got [{string.Join(", ", s.shape)}].");
        using var _ = NewDisposeScope();
        var (m1, s1, m2, s2) = (mu1.to(float64).cpu(), sigma1.to(float64).cpu(), mu2.to(float64).cpu(), sigma2.to(float64).cpu());
        var diff = m1 - m2;
        var root1 = SqrtPsd(s1);
        var middle = root1.matmul(s2).matmul(root1);
        var traceRoot = EigenvaluesPsd(middle).sqrt().sum().item<double>();
        var d = diff.dot(diff).item<double>() + s1.trace().item<double>() + s2.trace().item<double>() - 2 * traceRoot;
        return Math.Max(d, 0); // rounding can make d a hair below 0 for identical sets
    }

    /// <summary>Eigenvalues of a symmetric PSD matrix, negatives from rounding clamped to 0.</summary>
    static Tensor EigenvaluesPsd(Tensor s) => linalg.eigvalsh((s + s.t()) / 2).clamp_min(0);

    /// <summary>The symmetric square root V diag(√λ) Vᵀ of a symmetric positive semi-definite matrix.</summary>
    public static Tensor SqrtPsd(Tensor s)
    {
        using var _ = NewDisposeScope();
        var (l, v) = linalg.eigh((s + s.t()) / 2);
        return v.mul(l.clamp_min(0).sqrt().unsqueeze(0)).matmul(v.t()).MoveToOuterDisposeScope();
    }
}
