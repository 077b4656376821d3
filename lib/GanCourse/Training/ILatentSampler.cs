using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>Draws the generator's input for a batch of n samples (the prior p(z), and p(y) for a conditional GAN).</summary>
public interface ILatentSampler
{
    Latents Sample(long n, Device device);
}

/// <summary>z ~ N(0, I) of size <paramref name="LatentDim"/>: the prior of every unconditional GAN of the course.</summary>
public sealed record GaussianLatentSampler(int LatentDim) : ILatentSampler
{
    public Latents Sample(long n, Device device) => new(randn(n, LatentDim, device: device));
}

/// <summary>
/// A conditional GAN's input: requested labels y' ~ U{0..K−1}, then z ~ N(0, I) (in that order, so one seed draws the
/// same labels and noise whatever the latent size).
/// </summary>
public sealed record ConditionalLatentSampler(int LatentDim, int Classes) : ILatentSampler
{
    public Latents Sample(long n, Device device)
    {
        var labels = randint(0, Classes, [n], dtype: int64, device: device);
        return new(randn(n, LatentDim, device: device), labels);
    }
}
