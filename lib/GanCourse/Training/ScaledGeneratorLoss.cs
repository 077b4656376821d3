using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// A loss whose generator term is multiplied by <see cref="Weight"/> (D's is unchanged): weight 0 trains G on its
/// other terms alone, e.g. pix2pix's "L1 only" row of Table 1, with D still trained so that its scores stay comparable.
/// </summary>
public sealed class ScaledGeneratorLoss(IGanLoss inner, double weight) : IGanLoss
{
    public IGanLoss Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));
    public double Weight { get; } = double.IsFinite(weight) && weight >= 0 ? weight
        : throw new ArgumentOutOfRangeException(nameof(weight), weight, "the generator loss weight must be a finite number >= 0");

    public string Name => $"{Inner.Name}, G term × {Weight}";

    public Tensor Discriminator(Tensor realScores, Tensor fakeScores) => Inner.Discriminator(realScores, fakeScores);

    public Tensor Generator(Tensor fakeScores) => Inner.Generator(fakeScores) * Weight;
}
