using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>What a generator term may look at during one generator update.</summary>
/// <param name="Latents">G's input for the batch (for an image-to-image GAN: the input images, and the paired targets).</param>
/// <param name="Generated">What the model's generator function returned for them (part of the graph).</param>
public sealed record GeneratorContext(Latents Latents, Tensor Generated, long Step, Device Device);

/// <summary>
/// A term added to the generator's adversarial loss: what makes an image-to-image GAN differ from a GAN of noise.
/// pix2pix adds λ·L1 to its target (<see cref="L1Reconstruction"/>), CycleGAN the cycle and identity losses
/// (<see cref="CycleConsistency"/>).
/// </summary>
public interface IGeneratorPenalty
{
    /// <summary>The name its value is logged under ("L1", "cycle", ...).</summary>
    string Name { get; }

    /// <summary>The weighted term, differentiable in G's weights.</summary>
    Tensor Penalty(GeneratorContext context);
}
