using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// ProGAN's drift term (Karras et al. 2018, appendix A.1): ε_drift·E_x D(x)² with ε_drift = 0.001, which keeps the
/// critic's output near zero so that the WGAN loss cannot drift away.
/// </summary>
public sealed class DriftPenalty(double epsilon = 1e-3) : IDiscriminatorPenalty
{
    public double Epsilon { get; } = double.IsFinite(epsilon) && epsilon >= 0 ? epsilon
        : throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε_drift must be a finite number >= 0 (ProGAN uses 0.001)");
    public string Name => "drift";

    public Tensor Penalty(PenaltyContext c)
    {
        using var scope = NewDisposeScope();
        return (Epsilon * c.RealScores.square().mean()).MoveToOuterDisposeScope();
    }
}
