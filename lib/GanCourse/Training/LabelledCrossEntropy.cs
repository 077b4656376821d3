using GanCourse.Networks;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Training;

/// <summary>
/// The semi-supervised GAN's supervised term (Odena 2016; Salimans et al. 2016, eq. 5, L_supervised):
/// λ·CE(l_1..l_{K+1}(x_l), y_l) = −λ·E log p(y|x_l, y &lt; K+1), the cross-entropy over all K + 1 logits of D/C with the
/// true class, on a mini-batch of <see cref="BatchSize"/> images drawn without replacement from the few labelled ones
/// at each discriminator update (all of them when there are fewer). Logged as "labelled CE".
/// </summary>
public sealed class LabelledCrossEntropy : IDiscriminatorPenalty, IDisposable
{
    readonly SemiSupervisedDiscriminator classifier;
    readonly Tensor images, labels;
    Tensor? deviceImages, deviceLabels;

    public string Name => "labelled CE";
    public int BatchSize { get; }
    public double Weight { get; }
    public long Count => images.shape[0];

    /// <param name="classifier">D/C, the same network as the SGAN's discriminator (its K + 1 logits).</param>
    /// <param name="images">The labelled images (L, C, H, W); copied.</param>
    /// <param name="labels">Their classes (L), int64 in 0..K−1; copied.</param>
    public LabelledCrossEntropy(SemiSupervisedDiscriminator classifier, Tensor images, Tensor labels, int batchSize = 32, double weight = 1.0)
    {
        this.classifier = classifier ?? throw new ArgumentNullException(nameof(classifier));
        SupervisedClassifier.CheckLabelled(images, labels, classifier.Classes);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be at least 1 (the lecture's SGAN uses 32)");
        if (!double.IsFinite(weight) || weight < 0) throw new ArgumentOutOfRangeException(nameof(weight), weight, "weight λ must be a finite number >= 0");
        (BatchSize, Weight) = (batchSize, weight);
        this.images = images.detach().clone().DetachFromDisposeScope();
        this.labels = labels.detach().clone().DetachFromDisposeScope();
    }

    public Tensor Penalty(PenaltyContext c)
    {
        if (deviceImages is null || deviceImages.device_type != c.Device.type || deviceImages.device_index != c.Device.index)
        {
            deviceImages?.Dispose();
            deviceLabels?.Dispose();
            deviceImages = images.to(c.Device).DetachFromDisposeScope();
            deviceLabels = labels.to(c.Device).DetachFromDisposeScope();
        }
        using var _ = NewDisposeScope();
        var pick = randperm(Count, device: c.Device)[..(int)Math.Min(Count, BatchSize)];
        var ce = F.cross_entropy(classifier.forward(deviceImages.index_select(0, pick)), deviceLabels!.index_select(0, pick));
        return (Weight == 1 ? ce : Weight * ce).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        images.Dispose();
        labels.Dispose();
        deviceImages?.Dispose();
        deviceLabels?.Dispose();
    }
}
