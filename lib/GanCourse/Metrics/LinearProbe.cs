using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Metrics;

/// <summary>
/// A linear classifier on fixed features (multinomial logistic regression): how the BiGAN paper (Donahue et al. 2017,
/// section 4) and the representation-learning literature judge a feature map: the better the features, the more of
/// the classes a linear read-out finds with few labels. The features are standardised with the training set's mean
/// and standard deviation; the weights start at zero (the problem is convex, so a run is deterministic) and are fitted
/// by full-batch Adam on the cross-entropy with an L2 penalty.
/// </summary>
public sealed class LinearProbe : IDisposable
{
    readonly Tensor mean, std, weight, bias;
    public int Classes { get; }
    public int FeatureDim { get; }
    /// <summary>Accuracy on the training features after fitting.</summary>
    public double TrainAccuracy { get; }

    LinearProbe(Tensor mean, Tensor std, Tensor weight, Tensor bias, int classes, double trainAccuracy)
    {
        (this.mean, this.std, this.weight, this.bias) = (mean, std, weight, bias);
        (Classes, FeatureDim, TrainAccuracy) = (classes, (int)weight.shape[0], trainAccuracy);
    }

    /// <summary>Fits the probe on features (N, F) (any shape (N, ...) is flattened) and int64 labels (N) in 0..classes−1.</summary>
    /// <param name="weightDecay">λ of the penalty λ‖W‖²; a little keeps 100 labels in 784 dimensions from a wild fit.</param>
    public static LinearProbe Fit(Tensor features, Tensor labels, int classes = 10, int steps = 300, double lr = 0.05, double weightDecay = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "A classifier needs at least 2 classes.");
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be at least 1");
        if (!(lr > 0) || !double.IsFinite(lr)) throw new ArgumentOutOfRangeException(nameof(lr), lr, "lr must be a positive number, e.g. 0.05");
        if (!(weightDecay >= 0) || !double.IsFinite(weightDecay)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weightDecay must be >= 0");
        if (features.dim() < 2 || labels.dim() != 1 || labels.shape[0] != features.shape[0])
            throw new ArgumentException($"Expected features (N, F) and one label per row, got features [{string.Join(", ", features.shape)}] and labels [{string.Join(", ", labels.shape)}].");
        if (features.shape[0] == 0) throw new ArgumentException("No training examples: pass at least one per class.", nameof(features));
        var (lo, hi) = (labels.min().item<long>(), labels.max().item<long>());
        if (lo < 0 || hi >= classes) throw new ArgumentException($"Labels must be in 0..{classes - 1}, got {lo}..{hi}.", nameof(labels));

        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var x = features.detach().flatten(1).to(float32).cpu();
        var y = labels.cpu();
        var mean = x.mean([0], keepdim: true);
        var std = x.std(0, keepdim: true).clamp_min(1e-6);
        var xs = (x - mean) / std;
        var w = new TorchSharp.Modules.Parameter(zeros(x.shape[1], classes));
        var b = new TorchSharp.Modules.Parameter(zeros(classes));
        using (var opt = optim.Adam([w, b], lr))
            for (var i = 0; i < steps; i++)
            {
                using var step = NewDisposeScope();
                opt.zero_grad();
                var loss = F.cross_entropy(xs.matmul(w) + b, y) + weightDecay * w.pow(2).sum();
                NonFiniteGuard.Loss(loss, "linear probe loss", i);
                loss.backward();
                opt.step();
            }
        double trainAcc;
        using (no_grad()) trainAcc = (xs.matmul(w) + b).argmax(1).eq(y).to(float32).mean().item<float>();
        return new LinearProbe(mean.MoveToOuterDisposeScope(), std.MoveToOuterDisposeScope(), w.detach().MoveToOuterDisposeScope(),
            b.detach().MoveToOuterDisposeScope(), classes, trainAcc);
    }

    /// <summary>Predicted classes (N) of features (N, F).</summary>
    public Tensor Predict(Tensor features)
    {
        if (features.dim() < 2 || features.flatten(1).shape[1] != FeatureDim)
            throw new ArgumentException($"This probe was fitted on {FeatureDim} features per example, got [{string.Join(", ", features.shape)}].", nameof(features));
        using var _ = NewDisposeScope();
        using var ng = no_grad();
        var x = (features.flatten(1).to(float32).cpu() - mean) / std;
        return (x.matmul(weight) + bias).argmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>Share of rows whose predicted class equals the label.</summary>
    public double Accuracy(Tensor features, Tensor labels)
    {
        if (labels.dim() != 1 || labels.shape[0] != features.shape[0])
            throw new ArgumentException($"{features.shape[0]} feature rows but labels of shape [{string.Join(", ", labels.shape)}].", nameof(labels));
        using var _ = NewDisposeScope();
        return Predict(features).eq(labels.cpu()).to(float32).mean().item<float>();
    }

    public void Dispose()
    {
        mean.Dispose(); std.Dispose(); weight.Dispose(); bias.Dispose();
    }
}
