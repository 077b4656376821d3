using System.Globalization;
using GanCourse.Data;
using GanCourse.Visuals;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Metrics;

/// <summary>
/// Quality of one run's generated images, measured on the penultimate features of the kit's classifier for the dataset
/// (<see cref="FeatureClassifier"/>) against the real training split.
/// </summary>
/// <param name="Run">A name for the run (a table row).</param>
/// <param name="Dataset">"mnist" or "fashion-mnist".</param>
/// <param name="Samples">Number of generated images measured.</param>
/// <param name="FD">Fréchet distance of the generated images' features to the real training features (lower is better; not comparable to Inception FID).</param>
/// <param name="KID">Kernel distance (unbiased MMD², cubic polynomial kernel), mean over subsets (lower is better; ≈ 0 for real data).</param>
/// <param name="KIDStd">Standard deviation of KID over the subsets.</param>
/// <param name="FDFloor">FD of the real test split to the real training split: the best a generator can hope for with this many real images.</param>
/// <param name="Accuracy">For conditional samples: share of images the classifier assigns to the requested class; null otherwise.</param>
public sealed record QualityReport(string Run, string Dataset, int Samples, double FD, double KID, double KIDStd,
    double FDFloor, double? Accuracy)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Run} ({Dataset}, {Samples} samples): FD {FD:F2} (real test data {FDFloor:F2}), KID {KID * 1000:F2}±{KIDStd * 1000:F2} ×10⁻³") +
        (Accuracy is { } a ? string.Create(CultureInfo.InvariantCulture, $", class accuracy {a:P1}") : "");
}

/// <summary>
/// FD, KID and conditional accuracy of generated images (FID and KID, Heusel et al. 2017, Bińkowski et al. 2018, with
/// the kit's small classifier in place of Inception, as TF-GAN's MNIST evaluation does).
/// <code>var report = ImageQuality.Evaluate("fashion-mnist", generator.forward(z), "DCGAN 5 epochs");
/// ImageQuality.ToTable([report])</code>
/// The classifier and the real features are computed once per dataset and kept in memory.
/// </summary>
public static class ImageQuality
{
    /// <summary>The real reference of a dataset: its classifier, the training split's features and the FD floor.</summary>
    public sealed class Reference
    {
        public required string Dataset { get; init; }
        public required FeatureClassifier Classifier { get; init; }
        /// <summary>Features (N, 128) of the training split, float32 on the CPU.</summary>
        public required Tensor TrainFeatures { get; init; }
        public required GaussianStats Train { get; init; }
        /// <summary>FD of the test split's features to <see cref="Train"/>.</summary>
        public required double FDFloor { get; init; }
        public required int TestCount { get; init; }
    }

    static readonly Dictionary<string, Reference> cache = new();
    static readonly object gate = new();

    /// <summary>The cached reference of <paramref name="dataset"/> (built on first use: a few seconds).</summary>
    public static Reference ReferenceFor(string dataset)
    {
        var name = FeatureClassifier.DatasetName(dataset);
        lock (gate)
        {
            if (cache.TryGetValue(name, out var r)) return r;
            var clf = FeatureClassifier.Load(name);
            using var _ = NewDisposeScope();
            using var train = ImageDataset.Load(name, "train");
            using var test = ImageDataset.Load(name, "test");
            var trainFeatures = clf.Features(train.Images).DetachFromDisposeScope();
            var stats = GaussianStats.Of(trainFeatures);
            using var testStats = GaussianStats.Of(clf.Features(test.Images));
            r = new Reference
            {
                Dataset = name, Classifier = clf, TrainFeatures = trainFeatures, Train = stats,
                FDFloor = FrechetDistance.Between(testStats, stats), TestCount = test.Count,
            };
            cache[name] = r;
            return r;
        }
    }

    /// <summary>
    /// Measures generated images <paramref name="fakes"/> (N, 1, 28|32, 28|32) in [-1, 1] (map [0, 1] outputs with
    /// x·2 − 1 first) against the real training split of <paramref name="dataset"/>. With <paramref name="requestedLabels"/>
    /// (N class ids a conditional generator was asked for) the report includes the classifier's accuracy on them.
    /// FD is biased upwards for small N: compare runs with the same N (2,000, the test split's size, matches the floor).
    /// </summary>
    public static QualityReport Evaluate(string dataset, Tensor fakes, string run, Tensor? requestedLabels = null)
    {
        ArgumentNullException.ThrowIfNull(fakes);
        if (fakes.dim() != 4 || fakes.shape[1] != 1 || !(fakes.shape[2] == fakes.shape[3] && fakes.shape[2] is 28 or 32))
            throw new ArgumentException($"Expected generated images of shape (N, 1, 28, 28) or (N, 1, 32, 32) in [-1, 1], got [{string.Join(", ", fakes.shape)}].", nameof(fakes));
        var n = (int)fakes.shape[0];
        if (n < 2) throw new ArgumentException($"FD and KID need at least 2 generated images, got {n}.", nameof(fakes));
        if (requestedLabels is not null && (requestedLabels.dim() != 1 || requestedLabels.shape[0] != n))
            throw new ArgumentException($"requestedLabels must hold one class id per image ({n}), got shape [{string.Join(", ", requestedLabels.shape)}].", nameof(requestedLabels));
        var reference = ReferenceFor(dataset);
        using var _ = NewDisposeScope();
        var features = reference.Classifier.Features(fakes);
        using var stats = GaussianStats.Of(features);
        var fd = FrechetDistance.Between(stats, reference.Train);
        var (kid, kidStd) = KernelDistance.Between(features, reference.TrainFeatures);
        double? accuracy = null;
        if (requestedLabels is not null)
            accuracy = reference.Classifier.Predict(fakes).eq(requestedLabels.detach().cpu().to(int64)).to(float64).mean().item<double>();
        return new QualityReport(run, reference.Dataset, n, fd, kid, kidStd, reference.FDFloor, accuracy);
    }

    /// <summary>
    /// The reports as a table (one row per run): FD with the real-data floor next to it, KID ×10³ ± std, and the class
    /// accuracy where there is one.
    /// </summary>
    public static Table ToTable(IEnumerable<QualityReport> reports, string? title = null)
    {
        var list = reports.ToList();
        var withAcc = list.Any(r => r.Accuracy is not null);
        string[] columns = withAcc
            ? ["Run", "Dataset", "Samples", "FD ↓", "FD real test", "KID×10³ ↓", "Class accuracy ↑"]
            : ["Run", "Dataset", "Samples", "FD ↓", "FD real test", "KID×10³ ↓"];
        var rows = list.Select(r =>
        {
            var cells = new List<string>
            {
                r.Run, r.Dataset, r.Samples.ToString(CultureInfo.InvariantCulture), MetricFormat.Number(r.FD), MetricFormat.Number(r.FDFloor),
                MetricFormat.PlusMinus(r.KID * 1000, r.KIDStd * 1000),
            };
            if (withAcc) cells.Add(r.Accuracy is { } a ? MetricFormat.Percent(a) : "");
            return (IReadOnlyList<string>)cells;
        });
        return new Table(columns, rows, title ?? "Image quality on the kit's classifier features (FD and KID: lower is better; not comparable to Inception FID/KID)");
    }
}

/// <summary>One number format for every metric table of the kit.</summary>
public static class MetricFormat
{
    /// <summary>At least 3 significant digits, no exponent above 0.001: "1234", "12.3", "4.57", "0.457", "0.00123".</summary>
    public static string Number(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsInfinity(v) ? (v > 0 ? "∞" : "-∞")
        : Math.Abs(v) >= 100 ? v.ToString("F0", CultureInfo.InvariantCulture)
        : Math.Abs(v) >= 10 ? v.ToString("F1", CultureInfo.InvariantCulture)
        : Math.Abs(v) >= 1 || v == 0 ? v.ToString("F2", CultureInfo.InvariantCulture)
        : Math.Abs(v) >= 1e-4 ? v.ToString("F" + (2 - (int)Math.Floor(Math.Log10(Math.Abs(v)))), CultureInfo.InvariantCulture)
        : v.ToString("G3", CultureInfo.InvariantCulture);

    public static string PlusMinus(double mean, double std) => $"{Number(mean)} ± {Number(std)}";

    public static string Percent(double share) => share.ToString("P1", CultureInfo.InvariantCulture);
}
