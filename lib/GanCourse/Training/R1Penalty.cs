using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// R1 (Mescheder et al. 2018, "Which Training Methods for GANs do actually Converge?", eq. 9):
/// (γ/2)·E_{x~p_data} ‖∇ₓ D(x)‖², a gradient penalty on real data only; StyleGAN uses it with γ = 10 and StyleGAN2
/// applies it lazily, every 16 discriminator updates with the gain 16 (<see cref="Every"/>).
/// </summary>
public sealed class R1Penalty(double gamma = 10.0, int every = 1) : IDiscriminatorPenalty
{
    public double Gamma { get; } = double.IsFinite(gamma) && gamma >= 0 ? gamma
        : throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "R1's γ must be a finite number >= 0 (StyleGAN uses 10)");
    public int Every { get; } = every >= 1 ? every
        : throw new ArgumentOutOfRangeException(nameof(every), every, "the lazy interval must be at least 1 (StyleGAN2 uses 16)");
    public string Name => "R1";

    /// <summary>E‖∇ₓ D(x)‖² of the last application (before γ/2 and the gain; NaN before the first).</summary>
    public double LastSquaredNorm { get; private set; } = double.NaN;

    public Tensor Penalty(PenaltyContext c) => Of(c.Discriminator, c.Real);

    /// <summary>(γ/2)·E‖∇ₓ D(x)‖² on the real batch <paramref name="real"/>, differentiable in D's weights.</summary>
    public Tensor Of(Func<Tensor, Tensor> discriminator, Tensor real)
    {
        using var scope = NewDisposeScope();
        var sq = InputGradients.SquaredNorms(discriminator, real, createGraph: true).mean();
        LastSquaredNorm = sq.detach().item<float>();
        return (Gamma / 2 * sq).MoveToOuterDisposeScope();
    }
}
