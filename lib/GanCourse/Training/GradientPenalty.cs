using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// The gradient penalty of WGAN-GP (Gulrajani et al. 2017, "Improved Training of Wasserstein GANs", eq. 3):
/// λ · E_x̂ [(‖∇_x̂ D(x̂)‖₂ − 1)²] on random interpolates x̂ = ε·x + (1 − ε)·G(z), ε ~ U[0, 1] per sample.
/// A 1-Lipschitz critic has gradient norm at most 1 everywhere, and the optimal critic has norm exactly 1 on the
/// lines between coupled real and fake points (the paper's Proposition 1), so the penalty pushes the norm towards 1
/// there instead of clipping the weights.
/// <para>
/// The gradient ∇_x̂ D(x̂) is taken with <c>torch.autograd.grad(create_graph: true)</c>: it is itself part of the
/// graph, so the penalty back-propagates into the critic's weights (a "double backward"). The critic must not use
/// BatchNorm: the penalty is per sample, and BatchNorm mixes the samples of a batch (the paper uses LayerNorm or
/// no normalisation in the critic).
/// </para>
/// <para>
/// Use it as the trainer's <see cref="IDiscriminatorPenalty"/> (through <see cref="WganGpLoss"/>) or call the static
/// <see cref="Compute"/> from any loop (ProGAN and StyleGAN add their own terms next to it).
/// </para>
/// </summary>
/// <param name="lambda">λ, the penalty coefficient (10 in all of the paper's experiments).</param>
/// <param name="target">The gradient norm the penalty pulls towards (1 for WGAN-GP; ProGAN's CIFAR runs use a larger γ).</param>
public sealed class GradientPenalty(double lambda = 10.0, double target = 1.0) : IDiscriminatorPenalty
{
    public double Lambda { get; } = double.IsFinite(lambda) && lambda >= 0 ? lambda
        : throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "λ must be a finite number >= 0 (WGAN-GP uses 10)");
    public double Target { get; } = double.IsFinite(target) && target > 0 ? target
        : throw new ArgumentOutOfRangeException(nameof(target), target, "the target gradient norm must be a positive number (1 for WGAN-GP)");

    /// <summary>Mean ‖∇_x̂ D(x̂)‖₂ over the interpolates of the last <see cref="Penalty"/> call (for logging; NaN before the first).</summary>
    public double LastGradientNorm { get; private set; } = double.NaN;
    /// <summary>The value of the last penalty term, λ·E(‖∇‖ − target)² (NaN before the first call).</summary>
    public double LastPenalty { get; private set; } = double.NaN;

    public string Name => "GP";

    /// <summary>λ·E[(‖∇_x̂ D(x̂)‖₂ − target)²] on fresh interpolates of the context's real and fake batches; differentiable in D's weights.</summary>
    public Tensor Penalty(PenaltyContext context) => Penalty(context.Discriminator, context.Real, context.Fake);

    /// <summary>λ·E[(‖∇_x̂ D(x̂)‖₂ − target)²] on fresh interpolates of <paramref name="real"/> and <paramref name="fake"/>; differentiable in D's weights.</summary>
    public Tensor Penalty(nn.Module<Tensor, Tensor> discriminator, Tensor real, Tensor fake) => Penalty(discriminator.forward, real, fake);

    Tensor Penalty(Func<Tensor, Tensor> discriminator, Tensor real, Tensor fake)
    {
        using var scope = NewDisposeScope();
        var xHat = Interpolate(real, fake);
        var norms = InputGradients.Norms(discriminator, xHat, createGraph: true);
        var penalty = Lambda * (norms - Target).square().mean();
        LastGradientNorm = norms.detach().mean().item<float>();
        LastPenalty = penalty.detach().item<float>();
        return penalty.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The WGAN-GP penalty λ·E[(‖∇_x̂ D(x̂)‖₂ − target)²] with x̂ = ε·real + (1 − ε)·fake, ε ~ U[0, 1] per sample
    /// (drawn from <paramref name="generator"/>, default the global one). The result back-propagates into D.
    /// </summary>
    public static Tensor Compute(nn.Module<Tensor, Tensor> critic, Tensor real, Tensor fake, double lambda = 10.0, double target = 1.0,
        torch.Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var norms = InputGradients.Norms(critic.forward, Interpolate(real, fake, generator), createGraph: true);
        return (lambda * (norms - target).square().mean()).MoveToOuterDisposeScope();
    }

    /// <summary>x̂ = ε·real + (1 − ε)·fake with one ε ~ U[0, 1] per sample (broadcast over the other dimensions), detached from G.</summary>
    public static Tensor Interpolate(Tensor real, Tensor fake, torch.Generator? generator = null)
    {
        CheckPair(real, fake);
        using var scope = NewDisposeScope();
        var shape = new long[real.dim()];
        Array.Fill(shape, 1L);
        shape[0] = real.shape[0];
        var eps = torch.rand(shape, dtype: real.dtype, device: real.device, generator: generator);
        return Interpolate(real, fake, eps).MoveToOuterDisposeScope();
    }

    /// <summary>x̂ = ε·real + (1 − ε)·fake for given ε of shape (N, 1, ..., 1) or broadcastable to it.</summary>
    public static Tensor Interpolate(Tensor real, Tensor fake, Tensor eps)
    {
        CheckPair(real, fake);
        using var scope = NewDisposeScope();
        var r = real.detach();
        var f = fake.detach().to(real.device);
        return (eps * r + (1 - eps) * f).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ‖∇_x D(x)‖₂ for every sample of <paramref name="x"/> (N, ...), as a tensor (N). With <paramref name="createGraph"/>
    /// the norms stay differentiable in D's weights (double backward); without, they are detached (for measuring).
    /// Since D scores each sample on its own (no BatchNorm), ∇_x Σᵢ D(xᵢ) holds each sample's own gradient in its row.
    /// </summary>
    public static Tensor InputGradientNorms(nn.Module<Tensor, Tensor> critic, Tensor x, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(critic);
        return InputGradients.Norms(critic.forward, x, createGraph);
    }

    static void CheckPair(Tensor real, Tensor fake)
    {
        if (!real.shape.SequenceEqual(fake.shape))
            throw new ArgumentException(
                $"Real and fake batches must have the same shape to interpolate between them, got [{string.Join(", ", real.shape)}] and [{string.Join(", ", fake.shape)}]. " +
                "Generate as many fakes as the real batch has.", nameof(fake));
        if (real.shape.Length == 0 || real.shape[0] == 0) throw new ArgumentException("The batch is empty.", nameof(real));
    }
}
