using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// What the discriminator says about a batch: its raw real/fake scores (logits, or unbounded critic values) and, for
/// an auxiliary-classifier GAN, the class logits (N, K) (null otherwise).
/// </summary>
public sealed record DiscriminatorOutput(Tensor Scores, Tensor? ClassLogits = null);
