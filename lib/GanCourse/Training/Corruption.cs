using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// A corruption process x -> x~ for denoising autoencoders (Vincent et al. 2010, JMLR 11: "Stacked Denoising
/// Autoencoders"), which train on ||x - g(f(x~))|| + R(f, g). Images are expected in [0, 1].
/// </summary>
/// <param name="Name">For titles and tables, e.g. "Gaussian σ=0.5".</param>
/// <param name="Apply">Corrupts a batch, drawing its randomness from the generator (torch's global one when null).</param>
public sealed record Corruption(string Name, Func<Tensor, Generator?, Tensor> Apply)
{
    /// <summary>Additive isotropic Gaussian noise x~ = clip(x + sigma * eps, 0, 1), eps ~ N(0, I) (the clip keeps pixels valid).</summary>
    public static Corruption Gaussian(double sigma)
    {
        if (!(sigma >= 0) || double.IsInfinity(sigma))
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "The noise standard deviation must be a finite number >= 0, e.g. 0.5.");
        return new($"Gaussian σ={sigma:0.##}", (x, g) => GaussianNoise(x, sigma, g));
    }

    /// <summary>Zero-masking noise: each pixel is set to 0 independently with probability <paramref name="fraction"/> (Vincent's ν).</summary>
    public static Corruption Masking(double fraction)
    {
        if (!(fraction >= 0 && fraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The masked fraction must be in [0, 1], e.g. 0.25.");
        return new($"masking ν={fraction:0.##}", (x, g) => MaskingNoise(x, fraction, g));
    }

    /// <summary>clip(x + sigma * eps, 0, 1).</summary>
    public static Tensor GaussianNoise(Tensor x, double sigma, Generator? generator = null)
    {
        using var _ = NewDisposeScope();
        var eps = randn(x.shape, dtype: x.dtype, device: x.device, generator: generator);
        return (x + sigma * eps).clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>x with each element forced to 0 with probability <paramref name="fraction"/>.</summary>
    public static Tensor MaskingNoise(Tensor x, double fraction, Generator? generator = null)
    {
        using var _ = NewDisposeScope();
        var keep = rand(x.shape, dtype: x.dtype, device: x.device, generator: generator).ge(fraction);
        return (x * keep).MoveToOuterDisposeScope();
    }

    public override string ToString() => Name;
}
