using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// MGAN's K generators (Hoang et al. 2018): G(z, k) = G_k(z), sample by sample. The paper ties the parameters of all
/// layers but the first (the input layer) to save weights on images; on the 2-D ring these are K separate MLPs with
/// no shared layers (each z → Linear hidden → ReLU → Linear hidden → ReLU → Linear 2, as <see cref="MlpGenerator"/>),
/// the mixture in its plainest form. Their weights are stacked, (K, in, out) per layer, so one batched matrix product
/// evaluates all K on the batch and each row keeps its own generator's output: K times the arithmetic of one
/// generator, but as few operations as one, which is what costs time for networks this small.
/// </summary>
public sealed class MixtureGenerator : Module<Tensor, Tensor, Tensor>
{
    readonly Parameter w1, b1, w2, b2, w3, b3;

    public int Generators { get; }
    public int LatentDim { get; }

    public MixtureGenerator(int generators, int latentSpace = 10, int hiddenDim = 64, int outputDim = 2) : base(nameof(MixtureGenerator))
    {
        if (generators < 1) throw new ArgumentOutOfRangeException(nameof(generators), generators, "MGAN needs at least one generator (K >= 1)");
        if (latentSpace < 1 || hiddenDim < 1 || outputDim < 1)
            throw new ArgumentOutOfRangeException(nameof(hiddenDim), $"latentSpace, hiddenDim and outputDim must be at least 1 (got {latentSpace}, {hiddenDim}, {outputDim}).");
        (Generators, LatentDim) = (generators, latentSpace);
        // each layer initialised as torch.nn.Linear: weight and bias ~ U(−1/√fan_in, 1/√fan_in)
        Parameter U(long fanIn, params long[] shape) => Parameter((rand(shape) * 2 - 1) / Math.Sqrt(fanIn));
        w1 = U(latentSpace, generators, latentSpace, hiddenDim); b1 = U(latentSpace, generators, 1, hiddenDim);
        w2 = U(hiddenDim, generators, hiddenDim, hiddenDim); b2 = U(hiddenDim, generators, 1, hiddenDim);
        w3 = U(hiddenDim, generators, hiddenDim, outputDim); b3 = U(hiddenDim, generators, 1, outputDim);
        RegisterComponents();
    }

    /// <summary>Every generator on every latent: (K, N, out).</summary>
    Tensor All(Tensor z)
    {
        var h = functional.relu(z.unsqueeze(0).matmul(w1) + b1);   // (1, N, L) @ (K, L, H) → (K, N, H)
        h = functional.relu(h.bmm(w2) + b2);
        return h.bmm(w3) + b3;
    }

    /// <summary>Row i is G_{k_i}(z_i); <paramref name="generatorIndex"/> (N) int64 in 0..K−1.</summary>
    public override Tensor forward(Tensor z, Tensor generatorIndex)
    {
        if (generatorIndex.dim() != 1 || generatorIndex.shape[0] != z.shape[0])
            throw new ArgumentException($"Expected one generator index per latent ({z.shape[0]}), got [{string.Join(", ", generatorIndex.shape)}].", nameof(generatorIndex));
        using var scope = NewDisposeScope();
        var all = All(z);
        var index = generatorIndex.to(int64).view(1, -1, 1).expand(1, -1, all.shape[2]);
        return all.gather(0, index).squeeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>G_k(z) for every row of z: the k-th generator alone.</summary>
    public Tensor Forward(int k, Tensor z)
    {
        if (k < 0 || k >= Generators) throw new ArgumentOutOfRangeException(nameof(k), k, $"the mixture has generators 0..{Generators - 1}");
        using var scope = NewDisposeScope();
        var h = functional.relu(z.matmul(w1[k]) + b1[k]);
        h = functional.relu(h.matmul(w2[k]) + b2[k]);
        return (h.matmul(w3[k]) + b3[k]).MoveToOuterDisposeScope();
    }
}
