using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// ∇ₓ D(x) for every sample of a batch: the one input-gradient function behind WGAN-GP's gradient penalty and R1.
/// Since D scores each sample on its own (no BatchNorm), ∇ₓ Σᵢ D(xᵢ) holds each sample's own gradient in its row.
/// With <c>createGraph</c> the gradient is itself part of the graph ("double backward"), so a penalty on it
/// back-propagates into D's weights.
/// </summary>
public static class InputGradients
{
    /// <summary>∇ₓ Σᵢ D(xᵢ), shaped like <paramref name="x"/>.</summary>
    public static Tensor Of(Func<Tensor, Tensor> discriminator, Tensor x, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(discriminator);
        if (x.dim() < 2) throw new ArgumentException($"Expected a batch of shape (N, ...), got [{string.Join(", ", x.shape)}].", nameof(x));
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var input = x.detach().requires_grad_(true);
        var scores = discriminator(input);
        if (scores.numel() != x.shape[0])
            throw new ArgumentException($"The discriminator must return one score per sample: {x.shape[0]} inputs gave {scores.numel()} values.", nameof(discriminator));
        var g = autograd.grad([scores.sum()], [input], create_graph: createGraph, retain_graph: createGraph)[0];
        if (!createGraph) g = g.detach();
        return g.MoveToOuterDisposeScope();
    }

    /// <summary>‖∇ₓ D(x)‖₂ per sample (N).</summary>
    public static Tensor Norms(Func<Tensor, Tensor> discriminator, Tensor x, bool createGraph = false)
    {
        using var scope = NewDisposeScope();
        var g = Of(discriminator, x, createGraph);
        // sqrt(Σ g²) (torch.norm) has subgradient 0 at g = 0, so a dead critic gives no NaN
        return g.reshape(g.shape[0], -1).norm(1).MoveToOuterDisposeScope();
    }

    /// <summary>‖∇ₓ D(x)‖₂² per sample (N): what R1 averages.</summary>
    public static Tensor SquaredNorms(Func<Tensor, Tensor> discriminator, Tensor x, bool createGraph = false)
    {
        using var scope = NewDisposeScope();
        var g = Of(discriminator, x, createGraph);
        return g.square().reshape(g.shape[0], -1).sum(1).MoveToOuterDisposeScope();
    }
}
