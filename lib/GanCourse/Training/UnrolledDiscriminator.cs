using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>A discriminator that can be evaluated with other parameters than its own: D(x; θ), θ in <c>parameters()</c> order.</summary>
public interface IFunctionalDiscriminator
{
    Tensor Forward(Tensor x, IReadOnlyList<Tensor> parameters);
}

/// <summary>
/// Unrolled GAN (Metz et al. 2017, section 2): the generator is trained against the discriminator as it will be after
/// <see cref="Steps"/> more updates, not as it is now. From D's parameters θ⁰ the loop takes K differentiable
/// gradient steps θᵏ⁺¹ = θᵏ − η ∇_θ L_D(θᵏ) on fresh real batches and on fakes of the current G (eq. 6; plain SGD
/// with step <see cref="LearningRate"/> here), keeping the graph (create_graph), and G descends
/// L_G(G, θᴷ(G)) (eq. 7–8): its gradient includes how D would react to G's move, which penalises the generator for
/// collapsing onto the mode D is about to reject. D itself is updated as usual (its real update is the first unrolled
/// step's counterpart); the unrolled copies are discarded. Cost: K extra discriminator passes per generator step,
/// through a second-order graph.
/// </summary>
public sealed record UnrolledDiscriminator(int Steps, double LearningRate)
{
    internal void Validate()
    {
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "Unrolling needs at least one step (K = 0 is the plain GAN: leave Unrolling null).");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The unrolled step size must be a positive number.");
    }

    /// <summary>θᴷ: D's parameters after K differentiable SGD steps on the given batches (the graph keeps their dependence on G's fakes).</summary>
    public IReadOnlyList<Tensor> Unroll(IFunctionalDiscriminator d, IEnumerable<Parameter> parameters, IGanLoss loss,
        Func<Tensor> realBatch, Func<Tensor> fakeBatch)
    {
        List<Tensor> theta = parameters.Select(p => p.detach().requires_grad_(true)).ToList();
        for (int k = 0; k < Steps; k++)
        {
            var lossD = loss.Discriminator(d.Forward(realBatch(), theta), d.Forward(fakeBatch(), theta));
            var grads = autograd.grad([lossD], theta, create_graph: true, retain_graph: true);
            theta = theta.Zip(grads, (t, g) => t - LearningRate * g).ToList();
        }
        return theta;
    }
}
