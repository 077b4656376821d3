using GanCourse.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// The semi-supervised GAN (Odena 2016, SGAN; lecture 002, Algorithm 1) as a <see cref="GanModel"/> for
/// <see cref="AdversarialTrainer"/>: one network D/C with K + 1 logits l_1..l_K, l_{K+1} ("generated").
/// <para>With the "real" logit s(x) = logsumexp(l_1..l_K) − l_{K+1} (<see cref="RealLogit"/>):
/// p(K+1|x) = σ(−s(x)) and 1 − p(K+1|x) = σ(s(x)), so the SGAN's unsupervised D loss (Salimans et al. 2016, eq. 5)
/// −log(1 − p(K+1|x_u)) − log p(K+1|G(z)) = softplus(−s(x_u)) + softplus(s(G(z))) is exactly the BCE GAN loss on s,
/// and its G loss −log(1 − p(K+1|G(z))) = softplus(−s(G(z))) is the non-saturating G loss: train it with
/// <see cref="NonSaturatingGanLoss"/>. The supervised term CE(l_1..l_{K+1}, y) on the few labelled images is the
/// penalty <see cref="LabelledCrossEntropy"/>.</para>
/// </summary>
public static class SemiSupervisedGan
{
    /// <summary>
    /// s(x) = logsumexp(l_1..l_K) − l_{K+1} = log(1 − p(K+1|x)) − log p(K+1|x): the logit of "x is real" from the
    /// K + 1 logits (N, K + 1) → (N), computed without forming a probability (no log 0).
    /// </summary>
    public static Tensor RealLogit(Tensor logits)
    {
        if (logits.dim() != 2 || logits.shape[1] < 2)
            throw new ArgumentException($"Expected K + 1 logits (N, K + 1) with K >= 1, got [{string.Join(", ", logits.shape)}].", nameof(logits));
        using var _ = NewDisposeScope();
        var k = logits.shape[1] - 1;
        return (logits[.., ..(int)k].logsumexp(1) - logits[.., k]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// G(z) (an unconditional generator: its labels input gets <see cref="ConditionalDcganGenerator.NoLabels"/>) and
    /// D(x) = s(x) from the K + 1 logits of <paramref name="discriminator"/>; labels of real batches are ignored (the
    /// labelled images enter through <see cref="LabelledCrossEntropy"/> only).
    /// </summary>
    public static GanModel Model(nn.Module<Tensor, Tensor, Tensor> generator, SemiSupervisedDiscriminator discriminator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(discriminator);
        return new(generator, discriminator,
            l => generator.forward(l.Z, empty(0, dtype: int64, device: l.Z.device)),
            (x, _) => new DiscriminatorOutput(RealLogit(discriminator.forward(x))));
    }
}
