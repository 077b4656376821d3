using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Training;

/// <summary>
/// An adversarial loss: what the discriminator (or critic) minimises and what the generator minimises, both from the
/// discriminator's raw outputs ("scores": logits for the BCE losses, unbounded critic values for WGAN).
/// <see cref="AdversarialTrainer"/> takes any implementation; LSGAN, WGAN and WGAN-GP plug in here.
/// </summary>
public interface IGanLoss
{
    string Name { get; }

    /// <summary>The discriminator's loss on the scores of a real and a generated batch (minimised).</summary>
    Tensor Discriminator(Tensor realScores, Tensor fakeScores);

    /// <summary>The generator's loss on the discriminator's scores of its samples (minimised).</summary>
    Tensor Generator(Tensor fakeScores);
}

/// <summary>
/// The minimax GAN of Goodfellow et al. (2014), with the generator loss exactly as in the game:
/// min_G max_D E_x[log D(x)] + E_z[log(1 − D(G(z)))].
/// D minimises BCE(D(x), 1) + BCE(D(G(z)), 0) = −E log D(x) − E log(1 − D(G(z))); G minimises E log(1 − D(G(z)))
/// ("saturating": when D confidently rejects the fakes, D(G(z)) ≈ 0 and the gradient vanishes).
/// Scores are logits l with D = σ(l); log(1 − σ(l)) = −softplus(l) and −log σ(l) = softplus(−l), evaluated stably.
/// </summary>
/// <param name="realLabel">Target for real samples; 0.9 is one-sided label smoothing (Salimans et al. 2016; lecture 000, tip 6).</param>
/// <param name="fakeLabel">Target for generated samples (keep 0: smoothing it rewards bad fakes).</param>
public class MinimaxGanLoss(double realLabel = 1.0, double fakeLabel = 0.0) : IGanLoss
{
    public double RealLabel { get; } = CheckLabel(realLabel, nameof(realLabel));
    public double FakeLabel { get; } = CheckLabel(fakeLabel, nameof(fakeLabel));

    public virtual string Name => RealLabel == 1 && FakeLabel == 0 ? "minimax (saturating)" : $"minimax (saturating), labels {RealLabel}/{FakeLabel}";

    public Tensor Discriminator(Tensor realScores, Tensor fakeScores)
    {
        using var _ = NewDisposeScope();
        var real = realScores.reshape(-1);
        var fake = fakeScores.reshape(-1);
        // seed 004: errD = errD_real + errD_fake, each the mean BCE of its batch
        var lossReal = F.binary_cross_entropy_with_logits(real, torch.full_like(real, RealLabel));
        var lossFake = F.binary_cross_entropy_with_logits(fake, torch.full_like(fake, FakeLabel));
        return (lossReal + lossFake).MoveToOuterDisposeScope();
    }

    /// <summary>E log(1 − D(G(z))) = −E softplus(l): the generator's side of the minimax game.</summary>
    public virtual Tensor Generator(Tensor fakeScores)
    {
        using var _ = NewDisposeScope();
        return F.softplus(fakeScores.reshape(-1)).mean().neg().MoveToOuterDisposeScope();
    }

    static double CheckLabel(double v, string name) => double.IsFinite(v) && v >= 0 && v <= 1.5 ? v
        : throw new ArgumentOutOfRangeException(name, v, "a BCE target must be a finite number, normally in [0, 1] (0.9 for one-sided label smoothing)");
}

/// <summary>
/// The non-saturating GAN (Goodfellow et al. 2014, section 3; lecture 000 "non-saturating game"): D as in
/// <see cref="MinimaxGanLoss"/>, but G maximises log D(G(z)), i.e. minimises −E log D(G(z)) = BCE(D(G(z)), 1).
/// This is what lecture 004's loop does (it trains G with BCELoss against the "real" label).
/// </summary>
public sealed class NonSaturatingGanLoss(double realLabel = 1.0, double fakeLabel = 0.0) : MinimaxGanLoss(realLabel, fakeLabel)
{
    public override string Name => RealLabel == 1 && FakeLabel == 0 ? "non-saturating" : $"non-saturating, labels {RealLabel}/{FakeLabel}";

    /// <summary>−E log D(G(z)) = E softplus(−l).</summary>
    public override Tensor Generator(Tensor fakeScores)
    {
        using var _ = NewDisposeScope();
        return F.softplus(fakeScores.reshape(-1).neg()).mean().MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Lecture 004's first loss for the naive generator ("variant 1"): for each generated (x, y), the analytic target is
/// y = x², and the loss is mean |x² − y| over the batch.
/// </summary>
public static class AnalyticParabolaLoss
{
    public static Tensor Compute(Tensor pairs)
    {
        if (pairs.dim() != 2 || pairs.shape[1] != 2)
            throw new ArgumentException($"Expected generated points of shape (N, 2), got [{string.Join(", ", pairs.shape)}].", nameof(pairs));
        using var _ = NewDisposeScope();
        var x = pairs[.., 0];
        var y = pairs[.., 1];
        return (x * x - y).abs().mean().MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Lecture 004's second loss for the naive generator ("variant 2"): the distance from each generated point to the
/// nearest point of the remembered data set, averaged over the batch: Loss = mean_i min_j ‖target_j − generated_i‖.
/// (Remembering every real sample is impossible at scale: the seed's own remark.)
/// </summary>
public sealed class NearestNeighbourLoss(Tensor targets)
{
    public Tensor Targets { get; } = targets.dim() == 2 ? targets
        : throw new ArgumentException($"Expected targets of shape (N, D), got [{string.Join(", ", targets.shape)}].", nameof(targets));

    public Tensor Compute(Tensor generated)
    {
        using var _ = NewDisposeScope();
        var dist = torch.cdist(generated, Targets.to(generated.device)); // pairwise Euclidean distances (N, M)
        return dist.min(1).values.mean().MoveToOuterDisposeScope();
    }
}
