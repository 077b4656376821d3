using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// The contractive autoencoder's penalty (Rifai et al. 2011, eq. 2): the squared Frobenius norm of the encoder's
/// Jacobian, ‖J_f(x)‖²_F = Σ_ij (∂f_j(x)/∂x_i)², averaged over the batch. Both forms use autograd, so they work for
/// any encoder that maps each sample on its own (no BatchNorm):
/// <list type="bullet">
/// <item><see cref="Exact"/>: one backward pass per code unit j (∇ₓ Σ_n f_j(x_n) holds row j of every sample's
/// Jacobian): exact, and as costly as the code is wide.</item>
/// <item><see cref="Estimate"/>: Hutchinson's estimator ‖J‖²_F = E_v ‖Jᵀv‖² for v ~ N(0, I) in code space, one
/// vector-Jacobian product per probe: unbiased, and as cheap as one extra backward pass per probe. Training uses it.</item>
/// </list>
/// With <c>createGraph</c> (the default) the penalty is part of the graph, so its gradient reaches the encoder's
/// weights ("double backward", as the gradient penalty of notebook 06).
/// </summary>
public static class ContractivePenalty
{
    /// <summary>Mean over the batch of ‖J_f(x)‖²_F, exactly (a scalar).</summary>
    public static Tensor Exact(Func<Tensor, Tensor> encoder, Tensor x, bool createGraph = true)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var input = x.detach().requires_grad_(true);
        var code = Code(encoder, input);
        var total = zeros(1, device: x.device);
        for (long j = 0; j < code.shape[1]; j++)
        {
            var row = autograd.grad([code[TensorIndex.Colon, j].sum()], [input], create_graph: createGraph, retain_graph: true)[0];
            total = total + row.square().sum();
        }
        var mean = (total / x.shape[0]).squeeze();
        return (createGraph ? mean : mean.detach()).MoveToOuterDisposeScope();
    }

    /// <summary>Hutchinson's unbiased estimate of the batch mean of ‖J_f(x)‖²_F from <paramref name="probes"/> Gaussian probes.</summary>
    public static Tensor Estimate(Func<Tensor, Tensor> encoder, Tensor x, int probes = 1, Generator? generator = null, bool createGraph = true)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (probes < 1) throw new ArgumentOutOfRangeException(nameof(probes), probes, "Use at least one probe.");
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var input = x.detach().requires_grad_(true);
        var code = Code(encoder, input);
        var total = zeros(1, device: x.device);
        for (int k = 0; k < probes; k++)
        {
            // E_v ‖Jᵀv‖² = E_v vᵀ J Jᵀ v = tr(J Jᵀ) = ‖J‖²_F for E[v vᵀ] = I
            var v = randn(code.shape, generator: generator, device: x.device);
            var vjp = autograd.grad([code], [input], [v], create_graph: createGraph, retain_graph: true)[0];
            total = total + vjp.square().sum();
        }
        var mean = (total / (probes * x.shape[0])).squeeze();
        return (createGraph ? mean : mean.detach()).MoveToOuterDisposeScope();
    }

    static Tensor Code(Func<Tensor, Tensor> encoder, Tensor input)
    {
        var code = encoder(input);
        if (code.dim() < 2 || code.shape[0] != input.shape[0])
            throw new ArgumentException($"The encoder must return one code per sample: {input.shape[0]} inputs gave shape [{string.Join(", ", code.shape)}].", nameof(encoder));
        return code.flatten(1);
    }
}
