using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// The WGAN objective (Arjovsky et al. 2017; lectures 000, 001, 003): the critic f estimates the Earth-Mover distance
/// through the Kantorovich-Rubinstein dual W(p_r, p_g) = sup_{‖f‖_L ≤ 1} E_{x~p_r} f(x) − E_{x~p_g} f(x).
/// The critic maximises E f(x) − E f(G(z)), i.e. minimises E f(G(z)) − E f(x) (Algorithm 1, line 5);
/// the generator minimises −E f(G(z)) (line 10). Scores are the critic's raw, unbounded outputs (no sigmoid).
/// The Lipschitz constraint is <see cref="WeightClipping"/> here; <see cref="WganGpLoss"/> replaces it with the
/// gradient penalty.
/// </summary>
/// <param name="clip">c: after every critic update each weight is clipped to [−c, c] (0.01 in the paper); null = no clipping.</param>
public class WganLoss(double? clip = 0.01) : IGanLoss, ICriticConstraint
{
    public WeightClipping? Clipping { get; } = clip is { } c ? new WeightClipping(c) : null;

    public virtual string Name => Clipping is null ? "WGAN (no constraint)" : $"WGAN (clipping c = {Clipping.C})";

    /// <summary>E f(G(z)) − E f(x): minus the critic's estimate of W (minimised).</summary>
    public Tensor Discriminator(Tensor realScores, Tensor fakeScores)
    {
        using var _ = NewDisposeScope();
        return (fakeScores.mean() - realScores.mean()).MoveToOuterDisposeScope();
    }

    /// <summary>−E f(G(z)).</summary>
    public Tensor Generator(Tensor fakeScores)
    {
        using var _ = NewDisposeScope();
        return fakeScores.mean().neg().MoveToOuterDisposeScope();
    }

    public void Apply(nn.Module critic) => Clipping?.Apply(critic);
}

/// <summary>WGAN's Lipschitz constraint (Algorithm 1, line 7): w ← clip(w, −c, c) for every parameter of the critic, after each update.</summary>
public sealed class WeightClipping(double c = 0.01) : ICriticConstraint
{
    public double C { get; } = double.IsFinite(c) && c > 0 ? c
        : throw new ArgumentOutOfRangeException(nameof(c), c, "the clipping parameter c must be a positive number (0.01 in the WGAN paper)");

    public void Apply(nn.Module critic)
    {
        ArgumentNullException.ThrowIfNull(critic);
        using var _ = torch.no_grad();
        foreach (var p in critic.parameters()) p.clamp_(-C, C);
    }
}

/// <summary>
/// WGAN-GP (Gulrajani et al. 2017, Algorithm 1; lectures 000, 003): the WGAN losses without clipping, plus
/// λ·E[(‖∇_x̂ D(x̂)‖₂ − 1)²] on random interpolates (<see cref="GradientPenalty"/>), which the trainer adds to the
/// critic's loss: L = E D(x̃) − E D(x) + λ E (‖∇_x̂ D(x̂)‖₂ − 1)².
/// </summary>
public sealed class WganGpLoss(double lambda = 10.0) : WganLoss(clip: null), IDiscriminatorPenalty
{
    public GradientPenalty GradientPenalty { get; } = new(lambda);

    public override string Name => $"WGAN-GP (λ = {GradientPenalty.Lambda})";

    string IDiscriminatorPenalty.Name => "GP";

    public Tensor Penalty(PenaltyContext context) => GradientPenalty.Penalty(context);

    /// <summary>λ·E(‖∇D(x̂)‖ − 1)² for a critic and a real and fake batch (what the loop adds through <see cref="IDiscriminatorPenalty"/>).</summary>
    public Tensor Penalty(nn.Module<Tensor, Tensor> discriminator, Tensor real, Tensor fake) => GradientPenalty.Penalty(discriminator, real, fake);
}
