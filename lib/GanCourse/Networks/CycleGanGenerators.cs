using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// CycleGAN's two mappings (Zhu et al. 2017, Figure 3): G: X -> Y and F: Y -> X, as one module for the training
/// loop. Its input is a batch of unpaired (x, y) stacked as (N, 2, C, H, W); its output puts each translation in the
/// slot of its domain, (F(y), G(x)), so one pair-discriminator (<see cref="CycleGanDiscriminators"/>) judges
/// D_X on slot 0 and D_Y on slot 1 for real and generated pairs alike.
/// </summary>
public sealed class CycleGanGenerators : Module<Tensor, Tensor>
{
    /// <summary>G: X -> Y.</summary>
    public Module<Tensor, Tensor> G { get; }
    /// <summary>F: Y -> X.</summary>
    public Module<Tensor, Tensor> F { get; }

    public CycleGanGenerators(Module<Tensor, Tensor> g, Module<Tensor, Tensor> f) : base(nameof(CycleGanGenerators))
    {
        G = g ?? throw new ArgumentNullException(nameof(g));
        F = f ?? throw new ArgumentNullException(nameof(f));
        if (ReferenceEquals(g, f)) throw new ArgumentException("G and F must be two networks (one per direction).", nameof(f));
        register_module("G", g);
        register_module("F", f);
    }

    /// <param name="pair">(N, 2, C, H, W): x from X in slot 0, y from Y in slot 1.</param>
    /// <returns>(N, 2, C, H, W): F(y) in slot 0 (a fake of X), G(x) in slot 1 (a fake of Y).</returns>
    public override Tensor forward(Tensor pair)
    {
        CheckPair(pair, nameof(CycleGanGenerators));
        return stack([F.forward(pair[.., 1]), G.forward(pair[.., 0])], 1);
    }

    internal static void CheckPair(Tensor pair, string who)
    {
        if (pair.dim() != 5 || pair.shape[1] != 2)
            throw new ArgumentException($"{who} expects unpaired (x, y) batches stacked as (N, 2, C, H, W) (PairedImageSampler with paired: false), got [{string.Join(", ", pair.shape)}].", nameof(pair));
    }
}
