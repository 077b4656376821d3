using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// CycleGAN's two discriminators, D_X on slot 0 and D_Y on slot 1 of an (N, 2, C, H, W) pair (real (x, y) or
/// generated (F(y), G(x)), see <see cref="CycleGanGenerators"/>), as one module: its scores are both discriminators'
/// patch scores side by side, (N, P_X + P_Y), so one adversarial loss over them is the mean of the two domains'
/// losses (the paper's L_GAN(G, D_Y, X, Y) + L_GAN(F, D_X, Y, X), up to the factor 2 of the mean).
/// </summary>
public sealed class CycleGanDiscriminators : Module<Tensor, Tensor>
{
    /// <summary>D_X: real x against F(y).</summary>
    public Module<Tensor, Tensor> DX { get; }
    /// <summary>D_Y: real y against G(x).</summary>
    public Module<Tensor, Tensor> DY { get; }

    public CycleGanDiscriminators(Module<Tensor, Tensor> dx, Module<Tensor, Tensor> dy) : base(nameof(CycleGanDiscriminators))
    {
        DX = dx ?? throw new ArgumentNullException(nameof(dx));
        DY = dy ?? throw new ArgumentNullException(nameof(dy));
        if (ReferenceEquals(dx, dy)) throw new ArgumentException("D_X and D_Y must be two networks (one per domain).", nameof(dy));
        register_module("DX", dx);
        register_module("DY", dy);
    }

    /// <returns>(N, P_X + P_Y): D_X's scores of slot 0, then D_Y's of slot 1.</returns>
    public override Tensor forward(Tensor pair)
    {
        CycleGanGenerators.CheckPair(pair, nameof(CycleGanDiscriminators));
        return cat([DX.forward(pair[.., 0]).flatten(1), DY.forward(pair[.., 1]).flatten(1)], 1);
    }
}
