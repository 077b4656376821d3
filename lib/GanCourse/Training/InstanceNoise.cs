using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// Instance noise (Sønderby et al. 2017; Arjovsky &amp; Bottou 2017, section 3.1; ganhacks tip 13): Gaussian noise
/// added to every input of the discriminator, real and generated, in both players' steps. It makes the two
/// distributions overlap, so D cannot separate them perfectly and its gradient stays informative; σ is annealed
/// linearly from <see cref="Sigma"/> to 0 over <see cref="AnnealSteps"/> generator steps.
/// </summary>
public sealed record InstanceNoise(double Sigma, long AnnealSteps)
{
    /// <summary>σ at generator step <paramref name="step"/>.</summary>
    public double SigmaAt(long step) => Sigma * Math.Max(0, 1 - step / (double)AnnealSteps);

    /// <summary>x + σ(step)·ε, ε ~ N(0, I) (torch's generator: <see cref="Runtime.Course.Seed"/> fixes it); x itself once σ is 0.</summary>
    public Tensor Apply(Tensor x, long step)
    {
        var s = SigmaAt(step);
        return s > 0 ? x + s * randn_like(x) : x;
    }

    internal void Validate()
    {
        if (!double.IsFinite(Sigma) || Sigma < 0) throw new ArgumentOutOfRangeException(nameof(Sigma), Sigma, "InstanceNoise.Sigma must be a finite number >= 0");
        if (AnnealSteps < 1) throw new ArgumentOutOfRangeException(nameof(AnnealSteps), AnnealSteps, "InstanceNoise.AnnealSteps must be at least 1");
    }
}
