using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// RealNVP's affine coupling layer (Dinh, Sohl-Dickstein and Bengio 2017, "Density estimation using Real NVP", eq. 4-9),
/// in the masked form of their eq. 9: with a 0/1 mask b, the coordinates where b = 1 pass unchanged and condition an
/// affine map of the others,
/// <code>
/// forward  (x -> z):  z = b⊙x + (1−b)⊙(x⊙exp(s(b⊙x)) + t(b⊙x)),     log|det ∂z/∂x| = Σ_j (1−b_j) s_j(b⊙x)
/// inverse  (z -> x):  x = b⊙z + (1−b)⊙((z − t(b⊙z))⊙exp(−s(b⊙z)))       (b⊙z = b⊙x, so s and t are known)
/// </code>
/// The Jacobian is triangular (eq. 6), so its determinant is the product of the diagonal exp(s_j): no D x D
/// determinant, and s and t can be any networks, never inverted. Here s and t share an MLP (dim -> hidden -> hidden ->
/// 2·dim), and s = scale ⊙ tanh(raw s) (a learned scale per coordinate, as in the paper's code) keeps exp(s) bounded for
/// stable training. The MLP's last layer starts at zero, so an untrained layer is the identity.
/// </summary>
public sealed class AffineCoupling : Module<Tensor, (Tensor Z, Tensor LogDet)>
{
    readonly Sequential net;
    readonly Parameter scale;
    readonly Tensor mask;

    public int Dim { get; }

    /// <param name="mask">b: 1 for the coordinates that pass unchanged, 0 for the ones transformed; at least one of each.</param>
    public AffineCoupling(float[] mask, int hidden = 64) : base(nameof(AffineCoupling))
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Any(v => v != 0 && v != 1)) throw new ArgumentException($"The mask holds 0s and 1s only, got [{string.Join(", ", mask)}].", nameof(mask));
        if (!mask.Contains(0f) || !mask.Contains(1f))
            throw new ArgumentException($"The mask [{string.Join(", ", mask)}] must keep at least one coordinate (1) and transform at least one (0).", nameof(mask));
        if (hidden < 1) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "hidden must be at least 1");
        Dim = mask.Length;
        var last = Linear(hidden, 2 * Dim);
        using (no_grad()) { last.weight!.zero_(); last.bias!.zero_(); }
        net = Sequential(Linear(Dim, hidden), ReLU(), Linear(hidden, hidden), ReLU(), last);
        scale = Parameter(ones(Dim));
        this.mask = tensor(mask);
        RegisterComponents();
    }

    /// <summary>The mask b (1 = passes unchanged).</summary>
    public float[] Mask => mask.cpu().data<float>().ToArray();

    (Tensor S, Tensor T) ScaleAndShift(Tensor kept)
    {
        var st = net.forward(kept);
        var (raw, t) = (st[.., ..(int)Dim], st[.., (int)Dim..]);
        var free = 1 - mask;
        return (free * scale * tanh(raw), free * t);   // zero where b = 1: those coordinates pass unchanged
    }

    /// <summary>x (N, dim) -> (z, log|det ∂z/∂x| per sample (N)).</summary>
    public override (Tensor Z, Tensor LogDet) forward(Tensor x)
    {
        Check(x);
        using var scope = NewDisposeScope();
        var kept = mask * x;
        var (s, t) = ScaleAndShift(kept);
        var z = kept + (1 - mask) * (x * s.exp() + t);
        return (z.MoveToOuterDisposeScope(), s.sum(1).MoveToOuterDisposeScope());
    }

    /// <summary>z (N, dim) -> x, the exact inverse of <see cref="forward"/>.</summary>
    public Tensor Inverse(Tensor z)
    {
        Check(z);
        using var scope = NewDisposeScope();
        var kept = mask * z;
        var (s, t) = ScaleAndShift(kept);
        return (kept + (1 - mask) * ((z - t) * (-s).exp())).MoveToOuterDisposeScope();
    }

    void Check(Tensor x)
    {
        if (x.dim() != 2 || x.shape[1] != Dim)
            throw new ArgumentException($"AffineCoupling expects points of shape (N, {Dim}), got [{string.Join(", ", x.shape)}].", nameof(x));
    }
}
