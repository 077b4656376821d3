using GanCourse.Networks;
using GanCourse.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Training;

/// <summary>The supervised baseline of lecture 002's SGAN table: the same network trained on the labelled images alone.</summary>
public static class SupervisedClassifier
{
    /// <summary>
    /// Trains <paramref name="model"/> by cross-entropy on the labelled images for <paramref name="steps"/> steps of
    /// <paramref name="batchSize"/> images drawn without replacement (all of them when there are fewer), Adam.
    /// Returns the loss of each step.
    /// </summary>
    public static List<float> Train(SemiSupervisedDiscriminator model, Tensor images, Tensor labels, int steps, int batchSize = 32,
        double lr = 2e-4, double beta1 = 0.5, Device? device = null)
    {
        CheckLabelled(images, labels, model.Classes);
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be >= 0");
        var dev = device ?? Course.Device;
        model.to(dev);
        model.train();
        using var opt = optim.Adam(model.parameters(), lr, beta1, 0.999);
        using var x = images.to(dev);
        using var y = labels.to(dev);
        var losses = new List<float>(steps);
        for (var i = 0; i < steps; i++)
        {
            using var _ = NewDisposeScope();
            var pick = randperm(x.shape[0], device: dev)[..(int)Math.Min(x.shape[0], batchSize)];
            opt.zero_grad();
            var loss = F.cross_entropy(model.forward(x.index_select(0, pick)), y.index_select(0, pick));
            losses.Add(NonFiniteGuard.Loss(loss, "classifier loss", i));
            loss.backward();
            opt.step();
        }
        return losses;
    }

    /// <summary>Share of <paramref name="images"/> whose predicted class (among the K real ones) equals the label, in batches.</summary>
    public static double Accuracy(SemiSupervisedDiscriminator model, Tensor images, Tensor labels, int batchSize = 1000, Device? device = null)
    {
        var dev = device ?? Course.Device;
        long correct = 0;
        for (long s = 0; s < images.shape[0]; s += batchSize)
        {
            using var _ = NewDisposeScope();
            var e = Math.Min(images.shape[0], s + batchSize);
            var p = model.Predict(images.narrow(0, s, e - s).to(dev)).cpu();
            correct += p.eq(labels.narrow(0, s, e - s).cpu()).sum().item<long>();
        }
        return correct / (double)images.shape[0];
    }

    internal static void CheckLabelled(Tensor images, Tensor labels, int classes)
    {
        if (images.dim() != 4) throw new ArgumentException($"Expected labelled images (L, C, H, W), got [{string.Join(", ", images.shape)}].", nameof(images));
        if (labels.dim() != 1 || labels.shape[0] != images.shape[0])
            throw new ArgumentException($"{images.shape[0]} labelled images but labels of shape [{string.Join(", ", labels.shape)}].", nameof(labels));
        if (images.shape[0] == 0) throw new ArgumentException("No labelled images: pass at least one per class.", nameof(images));
        var max = labels.max().item<long>();
        var min = labels.min().item<long>();
        if (min < 0 || max >= classes) throw new ArgumentException($"Labels must be in 0..{classes - 1}, got {min}..{max}.", nameof(labels));
    }
}
