using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// Minibatch discrimination (Salimans et al. 2016, section 3.2): lets the discriminator look at a sample together with
/// the rest of its batch. The features f(x_i) ∈ R^A are multiplied by a learned tensor T ∈ R^{A×B×C} into B rows
/// M_{i,b} ∈ R^C; the closeness of two samples in row b is c_b(x_i, x_j) = exp(−‖M_{i,b} − M_{j,b}‖_1), and
/// o(x_i)_b = Σ_{j≠i} c_b(x_i, x_j) is appended to f(x_i). A collapsed generator's batch is full of near-copies, so
/// its o is large where a real batch's is not: D can reject collapse, which a per-sample D cannot see.
/// </summary>
public sealed class MinibatchDiscrimination : Module<Tensor, Tensor>
{
    readonly Parameter T;

    public int Kernels { get; }
    public int KernelDim { get; }
    public int OutFeatures { get; }

    public MinibatchDiscrimination(int inFeatures, int kernels = 16, int kernelDim = 5) : base(nameof(MinibatchDiscrimination))
    {
        if (inFeatures < 1 || kernels < 1 || kernelDim < 1)
            throw new ArgumentOutOfRangeException(nameof(kernels), $"inFeatures, kernels and kernelDim must be at least 1 (got {inFeatures}, {kernels}, {kernelDim}).");
        (Kernels, KernelDim, OutFeatures) = (kernels, kernelDim, inFeatures + kernels);
        T = Parameter(randn(inFeatures, kernels * kernelDim) * 0.1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor f)
    {
        using var scope = NewDisposeScope();
        var m = f.matmul(T).view(-1, Kernels, KernelDim).transpose(0, 1);       // (B, N, C): row b of every sample
        var l1 = cdist(m, m, p: 1);                                             // (B, N, N): ‖M_{i,b} − M_{j,b}‖_1
        // c_b = exp(−l1) is below 2e-9 past l1 = 20 (such pairs count as 0 at any batch size); clamping there keeps
        // c_b and the gradients through it out of float32's denormal range (below 1e-38), where CPUs get ~10x slower
        var o = exp(-l1.clamp_max(20)).sum(2) - 1;                              // Σ_{j≠i}: the j = i term is exp(0) = 1
        return cat([f, o.t()], 1).MoveToOuterDisposeScope();
    }
}
