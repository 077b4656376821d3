using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// What the generator is fed for one batch: z, the requested labels of a conditional GAN (null otherwise), and for
/// StyleGAN's style-mixing regularisation a second latent with the layer where it takes over.
/// </summary>
/// <param name="Z">(N, latent) noise.</param>
/// <param name="Labels">(N) int64 requested classes, or null for an unconditional generator.</param>
public sealed record Latents(Tensor Z, Tensor? Labels = null)
{
    /// <summary>Style mixing: a second latent z₂ (N, latent) whose style drives the layers from <see cref="MixCrossover"/> on.</summary>
    public Tensor? MixZ { get; init; }
    /// <summary>The first synthesis layer that takes its style from <see cref="MixZ"/>.</summary>
    public int MixCrossover { get; init; }
    /// <summary>Image-to-image GANs with paired data (pix2pix): the output each input of <see cref="Z"/> should become.</summary>
    public Tensor? Target { get; init; }

    public long Count => Z.shape[0];
}
