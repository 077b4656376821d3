using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// StyleGAN's style-mixing regularisation (Karras et al. 2019, section 3.1) as a latent sampler: z₁ ~ N(0, I), and
/// with probability <see cref="MixingProb"/> a second z₂ ~ N(0, I) whose style w₂ = f(z₂) drives the synthesis
/// layers from a crossover drawn uniformly from 1 .. NumLayers − 1 (the generator applies it:
/// <see cref="Latents.MixZ"/>). Adjacent styles then cannot be assumed to belong together, which localises them.
/// The coin and the crossover come from a <see cref="Random"/> of their own, seeded once, so one seed gives the same
/// run; the noise comes from torch's generator, z₁ before z₂.
/// </summary>
public sealed class StyleMixingSampler : ILatentSampler
{
    Random random;

    public int LatentSize { get; }
    public int NumLayers { get; }
    public double MixingProb { get; }

    public StyleMixingSampler(int latentSize, int numLayers, double mixingProb = 0.9, int seed = 0)
    {
        if (latentSize < 1) throw new ArgumentOutOfRangeException(nameof(latentSize), latentSize, "the latent size must be at least 1");
        if (numLayers < 2) throw new ArgumentOutOfRangeException(nameof(numLayers), numLayers, "style mixing needs at least 2 synthesis layers");
        if (!double.IsFinite(mixingProb) || mixingProb is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(mixingProb), mixingProb, "the mixing probability must be in [0, 1] (StyleGAN: 0.9)");
        (LatentSize, NumLayers, MixingProb, Seed, random) = (latentSize, numLayers, mixingProb, seed, new Random(seed));
    }

    public int Seed { get; }
    /// <summary>Calls of <see cref="Sample"/> so far: with <see cref="Seed"/>, the state of the mixing draws (<see cref="Restore"/>).</summary>
    public long Draws { get; private set; }

    /// <summary>Puts the mixing draws where they were after <paramref name="draws"/> calls of <see cref="Sample"/> (a resumed training).</summary>
    public void Restore(long draws)
    {
        if (draws < 0) throw new ArgumentOutOfRangeException(nameof(draws), draws, "draws must be >= 0");
        random = new Random(Seed);
        for (long i = 0; i < draws; i++)
            if (random.NextDouble() < MixingProb) random.Next(1, NumLayers);   // the same calls as Sample, without the noise
        Draws = draws;
    }

    public Latents Sample(long n, Device device)
    {
        Draws++;
        var z = randn(n, LatentSize, device: device);
        if (random.NextDouble() >= MixingProb) return new Latents(z);
        var z2 = randn(n, LatentSize, device: device);
        return new Latents(z) { MixZ = z2, MixCrossover = random.Next(1, NumLayers) };
    }
}
