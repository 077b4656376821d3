using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>A discriminator that exposes an intermediate layer f(x) (the activations feature matching compares).</summary>
public interface IFeatureDiscriminator
{
    /// <summary>f(x): the activations of D's last hidden layer, (N, features).</summary>
    Tensor Features(Tensor x);
}

/// <summary>
/// Feature matching (Salimans et al. 2016, section 3.1, eq. 4): instead of maximising D's output on its fakes, the
/// generator matches the mean of an intermediate layer f of D on real and generated batches,
/// ‖E_x f(x) − E_z f(G(z))‖²₂, so it is asked to produce data with the statistics of the real data that D finds most
/// telling, not to chase D's current maximum. D trains as usual; f is D's and moves with it.
/// <see cref="AdversarialConfig.FeatureMatching"/> makes this G's loss in the one training loop.
/// </summary>
/// <param name="AdversarialWeight">Adds this much of the loss's own generator term (0 = the paper's pure feature matching).</param>
public sealed record FeatureMatching(double AdversarialWeight = 0)
{
    /// <summary>‖mean₀(real) − mean₀(fake)‖²: the squared distance between the two batches' mean features (eq. 4).</summary>
    public static Tensor Loss(Tensor realFeatures, Tensor fakeFeatures)
    {
        if (realFeatures.dim() != 2 || fakeFeatures.dim() != 2 || realFeatures.shape[1] != fakeFeatures.shape[1])
            throw new ArgumentException($"Feature matching compares (N, F) features with the same F, got [{string.Join(", ", realFeatures.shape)}] and [{string.Join(", ", fakeFeatures.shape)}].");
        using var _ = NewDisposeScope();
        return (realFeatures.mean([0]) - fakeFeatures.mean([0])).square().sum().MoveToOuterDisposeScope();
    }

    internal void Validate()
    {
        if (!double.IsFinite(AdversarialWeight) || AdversarialWeight < 0)
            throw new ArgumentOutOfRangeException(nameof(AdversarialWeight), AdversarialWeight, "AdversarialWeight must be a finite number >= 0 (0 = pure feature matching)");
    }
}
