using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// A RealNVP normalizing flow for points in R^dim (Dinh et al. 2017): a stack of <see cref="AffineCoupling"/> layers with
/// alternating masks (coordinates kept by one layer are transformed by the next), f = f_K ∘ ... ∘ f_1 mapping data x to
/// noise z with the base density p_Z = N(0, I). The change of variables (eq. 2-3) gives the exact log-likelihood
/// <code>log p_X(x) = log p_Z(f(x)) + Σ_k log|det ∂f_k/∂(input of k)|</code>
/// and sampling is one pass backwards: x = f⁻¹(z), z ~ N(0, I). Trained by maximum likelihood (<see cref="Training.FlowTraining"/>).
/// </summary>
public sealed class RealNvp : Module<Tensor, (Tensor Z, Tensor LogDet)>
{
    readonly ModuleList<AffineCoupling> layers;

    public int Dim { get; }
    public int Couplings => layers.Count;

    public RealNvp(int dim = 2, int couplings = 8, int hidden = 64) : base(nameof(RealNvp))
    {
        if (dim < 2) throw new ArgumentOutOfRangeException(nameof(dim), dim, "A coupling layer splits the coordinates in two: dim must be at least 2.");
        if (couplings < 1) throw new ArgumentOutOfRangeException(nameof(couplings), couplings, "couplings must be at least 1 (2 or more, so that every coordinate is transformed)");
        Dim = dim;
        // alternating masks: even coordinates kept in layers 0, 2, ..., odd ones in layers 1, 3, ...
        layers = new ModuleList<AffineCoupling>(Enumerable.Range(0, couplings)
            .Select(k => new AffineCoupling(Enumerable.Range(0, dim).Select(j => (j + k) % 2 == 0 ? 1f : 0f).ToArray(), hidden)).ToArray());
        RegisterComponents();
    }

    /// <summary>x (N, dim) -> (z = f(x), log|det ∂f/∂x| per sample (N)).</summary>
    public override (Tensor Z, Tensor LogDet) forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var logDet = zeros(x.shape[0], dtype: x.dtype, device: x.device);
        foreach (var layer in layers)
        {
            var (z, ld) = layer.forward(x);
            (x, logDet) = (z, logDet + ld);
        }
        return (x.MoveToOuterDisposeScope(), logDet.MoveToOuterDisposeScope());
    }

    /// <summary>z (N, dim) -> x = f⁻¹(z): the layers' inverses in reverse order.</summary>
    public Tensor Inverse(Tensor z)
    {
        using var scope = NewDisposeScope();
        for (var k = layers.Count - 1; k >= 0; k--) z = layers[k].Inverse(z);
        return z.MoveToOuterDisposeScope();
    }

    /// <summary>log p_X(x) per sample (N), in nats: log N(f(x); 0, I) + log|det ∂f/∂x|.</summary>
    public Tensor LogProb(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (z, logDet) = forward(x);
        var logPz = -0.5 * z.pow(2).sum(1) - 0.5 * Dim * Math.Log(2 * Math.PI);
        return (logPz + logDet).MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="n"/> samples x = f⁻¹(z), z ~ N(0, I) drawn with <paramref name="generator"/> (or torch's global one).</summary>
    public Tensor Sample(int n, Generator? generator = null)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "draw at least one sample");
        var p = parameters().First();
        using var scope = NewDisposeScope();
        var z = randn([n, Dim], generator: generator).to(p.device);
        return Inverse(z).MoveToOuterDisposeScope();
    }
}
