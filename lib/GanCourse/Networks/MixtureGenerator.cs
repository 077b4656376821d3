using GanCourse.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// MGAN's K generators (Hoang et al. 2018): G(z, k) = G_k(z), sample by sample. The paper ties the parameters of all
/// layers but the first (the input layer) to save weights on images; on the 2-D ring these are K separate small
/// <see cref="MlpGenerator"/>s (no shared layers), which is the mixture in its plainest form.
/// </summary>
public sealed class MixtureGenerator : Module<Tensor, Tensor, Tensor>
{
    readonly ModuleList<MlpGenerator> generators;

    public int Generators { get; }
    public int LatentDim { get; }

    public MixtureGenerator(int generators, int latentSpace = 10, int hiddenDim = 64, int outputDim = 2) : base(nameof(MixtureGenerator))
    {
        if (generators < 1) throw new ArgumentOutOfRangeException(nameof(generators), generators, "MGAN needs at least one generator (K >= 1)");
        (Generators, LatentDim) = (generators, latentSpace);
        this.generators = new ModuleList<MlpGenerator>(Enumerable.Range(0, generators).Select(_ => new MlpGenerator(latentSpace, hiddenDim, outputDim)).ToArray());
        RegisterComponents();
    }

    /// <summary>G_k, the k-th generator of the mixture.</summary>
    public MlpGenerator this[int k] => k >= 0 && k < Generators ? generators[k]
        : throw new ArgumentOutOfRangeException(nameof(k), k, $"the mixture has generators 0..{Generators - 1}");

    /// <summary>Row i is G_{k_i}(z_i); <paramref name="generatorIndex"/> (N) int64 in 0..K−1.</summary>
    public override Tensor forward(Tensor z, Tensor generatorIndex)
    {
        if (generatorIndex.dim() != 1 || generatorIndex.shape[0] != z.shape[0])
            throw new ArgumentException($"Expected one generator index per latent ({z.shape[0]}), got [{string.Join(", ", generatorIndex.shape)}].", nameof(generatorIndex));
        using var scope = NewDisposeScope();
        Tensor? x = null;
        for (var k = 0; k < Generators; k++)
        {
            var rows = generatorIndex.eq(k).nonzero().reshape(-1);
            if (rows.shape[0] == 0) continue;
            var xk = generators[k].forward(z.index_select(0, rows));
            x = (x ?? zeros(z.shape[0], xk.shape[1], dtype: xk.dtype, device: xk.device)).index_copy(0, rows, xk);
        }
        return (x ?? throw new ArgumentException("An empty batch has no samples.", nameof(z))).MoveToOuterDisposeScope();
    }
}
