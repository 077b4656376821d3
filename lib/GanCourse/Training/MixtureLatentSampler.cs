using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// The input of a mixture of K generators (MGAN, Hoang et al. 2018) with equal weights π_k = 1/K: z ~ N(0, I) and, as
/// the label, the generator that makes each sample: sample i of a batch comes from generator i mod K (fixed
/// bookkeeping instead of drawing k ~ π, so every batch has each generator's share exactly and draws no extra numbers).
/// </summary>
public sealed record MixtureLatentSampler(int LatentDim, int Generators) : ILatentSampler
{
    public Latents Sample(long n, Device device)
    {
        if (Generators < 1) throw new ArgumentOutOfRangeException(nameof(Generators), Generators, "a mixture needs at least one generator");
        return new(randn(n, LatentDim, device: device), GeneratorIndex(n, Generators, device));
    }

    /// <summary>The generator of each of n samples: 0, 1, …, K−1, 0, 1, … (int64).</summary>
    public static Tensor GeneratorIndex(long n, int generators, Device? device = null) =>
        arange(n, dtype: int64, device: device ?? CPU).remainder(generators);
}
