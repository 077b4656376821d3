using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>What a discriminator penalty may look at during one discriminator update.</summary>
/// <param name="Discriminator">D as a function of a batch, judged for the real batch's labels (for penalties on inputs).</param>
/// <param name="Module">D itself (e.g. for a weight penalty).</param>
/// <param name="Real">The real batch after the real-batch transform.</param>
/// <param name="Fake">The generated batch (detached from G).</param>
/// <param name="RealScores">D's raw scores of <paramref name="Real"/> (part of the graph).</param>
/// <param name="FakeScores">D's raw scores of <paramref name="Fake"/>.</param>
public sealed record PenaltyContext(Func<Tensor, Tensor> Discriminator, nn.Module Module, Tensor Real, Tensor Fake,
    Tensor RealScores, Tensor FakeScores, Tensor? RealLabels, Tensor? FakeLabels, long CriticUpdate, Device Device);

/// <summary>
/// A term added to the discriminator's loss (gradient penalty, R1, ProGAN's drift, the semi-supervised GAN's
/// labelled cross-entropy). With <see cref="Every"/> = k &gt; 1 it is a lazy regulariser (StyleGAN2, section 4.1):
/// it is computed only on every k-th discriminator update and multiplied by k, so its average strength is unchanged.
/// </summary>
public interface IDiscriminatorPenalty
{
    /// <summary>The name its value is logged under ("GP", "R1", "drift", ...).</summary>
    string Name { get; }

    /// <summary>k: apply on discriminator updates 0, k, 2k, ... with gain k (1 = every update).</summary>
    int Every => 1;

    /// <summary>The weighted penalty (e.g. λ·E(‖∇D(x̂)‖ − 1)²), differentiable in D's weights, before the lazy gain.</summary>
    Tensor Penalty(PenaltyContext context);
}
