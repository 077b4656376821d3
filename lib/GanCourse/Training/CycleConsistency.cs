using GanCourse.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// CycleGAN's generator terms (Zhu et al. 2017): the cycle-consistency loss, eq. 2,
/// λ·(E‖F(G(x)) − x‖₁ + E‖G(F(y)) − y‖₁) with λ = 10, optionally one direction only (the paper's Table 4 ablation
/// "GAN + forward cycle" / "GAN + backward cycle"), and the identity loss of section 5.2 (used for painting -> photo;
/// seed 002), λ_id·λ·(E‖G(y) − y‖₁ + E‖F(x) − x‖₁) with λ_id = 0.5: a generator given an image of its own target
/// domain should leave it alone, which keeps colours (here: brightness) from drifting.
/// </summary>
public sealed class CycleConsistency : IGeneratorPenalty
{
    public CycleGanGenerators Generators { get; }
    public double Lambda { get; }
    public double IdentityWeight { get; }
    /// <summary>x -> G(x) -> F(G(x)) ≈ x.</summary>
    public bool Forward { get; }
    /// <summary>y -> F(y) -> G(F(y)) ≈ y.</summary>
    public bool Backward { get; }

    public CycleConsistency(CycleGanGenerators generators, double lambda = 10, double identityWeight = 0, bool forward = true, bool backward = true)
    {
        Generators = generators ?? throw new ArgumentNullException(nameof(generators));
        Lambda = double.IsFinite(lambda) && lambda >= 0 ? lambda : throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "λ of the cycle loss must be a finite number >= 0 (the paper uses 10)");
        IdentityWeight = double.IsFinite(identityWeight) && identityWeight >= 0 ? identityWeight
            : throw new ArgumentOutOfRangeException(nameof(identityWeight), identityWeight, "the identity weight must be a finite number >= 0 (the paper uses 0.5, times λ)");
        (Forward, Backward) = (forward, backward);
    }

    public string Name => "cycle";

    public Tensor Penalty(GeneratorContext context)
    {
        var pair = context.Latents.Z;
        CycleGanGenerators.CheckPair(pair, nameof(CycleConsistency));
        using var _ = NewDisposeScope();
        var (x, y) = (pair[.., 0], pair[.., 1]);
        var (fy, gx) = (context.Generated[.., 0], context.Generated[.., 1]);
        var loss = zeros(1, device: pair.device).squeeze();
        if (Forward) loss = loss + Lambda * (Generators.F.forward(gx) - x).abs().mean();
        if (Backward) loss = loss + Lambda * (Generators.G.forward(fy) - y).abs().mean();
        if (IdentityWeight > 0)
            loss = loss + IdentityWeight * Lambda * ((Generators.G.forward(y) - y).abs().mean() + (Generators.F.forward(x) - x).abs().mean());
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>The cycle reconstructions (F(G(x)), G(F(y))) of an (N, 2, C, H, W) pair, without gradients: for strips and the metric.</summary>
    public static (Tensor XCycle, Tensor YCycle) Reconstruct(CycleGanGenerators generators, Tensor pair)
    {
        CycleGanGenerators.CheckPair(pair, nameof(Reconstruct));
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var xc = generators.F.forward(generators.G.forward(pair[.., 0]));
        var yc = generators.G.forward(generators.F.forward(pair[.., 1]));
        return (xc.MoveToOuterDisposeScope(), yc.MoveToOuterDisposeScope());
    }
}
