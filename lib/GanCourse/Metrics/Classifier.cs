using GanCourse.Data;
using GanCourse.Runtime;
using GanCourse.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Metrics;

/// <summary>
/// The kit's stand-in for the Inception network of FID (Heusel et al. 2017), whose weights cannot be downloaded here:
/// a small CNN trained by the kit on the real training split of a dataset, its weights shipped in
/// <c>data/classifiers/&lt;dataset&gt;.bin</c>. Three (Conv 3x3, BatchNorm, ReLU, MaxPool 2) blocks 32 → 16 → 8 → 4, then
/// Linear → 128-d ReLU features (the penultimate layer, used by <see cref="FrechetDistance"/> and
/// <see cref="KernelDistance"/>) → Linear → 10 logits. TF-GAN's MNIST evaluation does the same with its own classifier.
/// Images: (N, 1, 28, 28) or (N, 1, 32, 32) in [-1, 1]; 28x28 images are padded with -1 (background) to 32x32 like
/// <c>ImageDataset(pad32: true)</c>.
/// <code>using var clf = FeatureClassifier.Load("mnist");
/// var acc = clf.Predict(images).eq(labels).to(float32).mean().item&lt;float&gt;();</code>
/// </summary>
public sealed class FeatureClassifier : Module<Tensor, Tensor>
{
    /// <summary>Size of the penultimate features.</summary>
    public const int FeatureDim = 128;
    /// <summary>Images per forward pass in <see cref="Features"/> and <see cref="Predict"/>.</summary>
    public const int EvalBatch = 500;

    readonly Sequential features, fc;
    readonly Linear head;
    /// <summary>
    /// A buffer saved with the weights: 1 / root mean square of the real training images' features, so that the
    /// features <see cref="Features"/> returns have mean square 1 per coordinate on real data, the scale the KID kernel
    /// (xᵀy / d + 1)³ was designed for (Inception's pool features are of order 1). Set by <see cref="Calibrate"/>.
    /// </summary>
    readonly Tensor feature_scale = ones(1);

    /// <summary>The dataset the weights were trained on ("mnist" or "fashion-mnist"), or null for a fresh network.</summary>
    public string? Dataset { get; private set; }

    public FeatureClassifier(int classes = 10) : base(nameof(FeatureClassifier))
    {
        features = Sequential(
            Conv2d(1, 16, 3, padding: 1), BatchNorm2d(16), ReLU(), MaxPool2d(2),    // 32 -> 16
            Conv2d(16, 32, 3, padding: 1), BatchNorm2d(32), ReLU(), MaxPool2d(2),   // 16 -> 8
            Conv2d(32, 64, 3, padding: 1), BatchNorm2d(64), ReLU(), MaxPool2d(2));  // 8 -> 4
        fc = Sequential(Linear(64 * 4 * 4, FeatureDim), ReLU());
        head = Linear(FeatureDim, classes);
        RegisterComponents();
    }

    /// <summary>Logits (N, 10) of a batch (no batching, gradients as usual: for training).</summary>
    public override Tensor forward(Tensor images)
    {
        using var _ = NewDisposeScope();
        var f = fc.forward(features.forward(Pad32(images)).flatten(1));
        return head.forward(Dropout(f)).MoveToOuterDisposeScope();
    }

    Tensor Dropout(Tensor f) => training ? functional.dropout(f, 0.3, training: true) : f;

    /// <summary>
    /// Penultimate features (N, 128) on the CPU, float32, computed in batches without gradients, scaled to mean square 1
    /// per coordinate on the real training images.
    /// </summary>
    public Tensor Features(Tensor images) => Batched(images, x => fc.forward(features.forward(x).flatten(1)).mul(feature_scale.to(x.device)));

    /// <summary>Sets the feature scale from the real training images (see <c>feature_scale</c>); returns the scale.</summary>
    public double Calibrate(Tensor trainImages)
    {
        using var _ = NewDisposeScope();
        using (no_grad()) feature_scale.fill_(1);
        var meanSquare = Features(trainImages).to(float64).pow(2).mean().item<double>();
        if (!(meanSquare > 0)) throw new InvalidOperationException($"The classifier's features are all zero on the training images (mean square {meanSquare}); it cannot be calibrated.");
        var scale = 1 / Math.Sqrt(meanSquare);
        using (no_grad()) feature_scale.fill_(scale);
        return scale;
    }

    /// <summary>Class ids (N), int64, on the CPU.</summary>
    public Tensor Predict(Tensor images) => Batched(images, x => head.forward(fc.forward(features.forward(x).flatten(1))).argmax(1));

    Tensor Batched(Tensor images, Func<Tensor, Tensor> f)
    {
        CheckImages(images);
        var wasTraining = training;
        eval();
        try
        {
            using var _ = NewDisposeScope();
            using var __ = no_grad();
            var device = Device;
            var parts = new List<Tensor>();
            for (long s = 0; s < images.shape[0]; s += EvalBatch)
            {
                using var inner = NewDisposeScope();
                var x = Pad32(images.narrow(0, s, Math.Min(EvalBatch, images.shape[0] - s)).detach().to(float32).to(device));
                parts.Add(f(x).cpu().MoveToOuterDisposeScope());
            }
            return (parts.Count == 1 ? parts[0] : cat(parts, 0)).MoveToOuterDisposeScope();
        }
        finally { train(wasTraining); }
    }

    Device Device => parameters().First().device;

    static void CheckImages(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != 1 || !(images.shape[2] == images.shape[3] && images.shape[2] is 28 or 32))
            throw new ArgumentException($"Expected images of shape (N, 1, 28, 28) or (N, 1, 32, 32) in [-1, 1], got [{string.Join(", ", images.shape)}].", nameof(images));
    }

    /// <summary>28x28 → 32x32 with 2 pixels of -1 (the background of [-1, 1] images) on every side, as ImageDataset's pad32.</summary>
    static Tensor Pad32(Tensor x) =>
        x.shape[^1] == 28 ? functional.pad(x, [2, 2, 2, 2], PaddingModes.Constant, -1) : x;

    // ---- shipped weights ----------------------------------------------------------------------------------------

    /// <summary>The datasets with shipped weights.</summary>
    public static readonly IReadOnlyList<string> Datasets = ["mnist", "fashion-mnist"];

    /// <summary>data/classifiers/&lt;dataset&gt;.bin.</summary>
    public static string WeightsPath(string dataset) => Path.Combine(DataPaths.Root(), "classifiers", DatasetName(dataset) + ".bin");

    /// <summary>The command that (re)creates the shipped weights.</summary>
    public static string TrainCommand(string dataset) => $"dotnet run --project tools/GanCourse.Data -- classifier {dataset}";

    /// <summary>The canonical dataset name ("mnist" or "fashion-mnist"); a clear error for any other.</summary>
    public static string DatasetName(string dataset)
    {
        var name = dataset?.Trim().ToLowerInvariant();
        return name is not null && Datasets.Contains(name) ? name
            : throw new ArgumentException($"No feature classifier for dataset '{dataset}': use {string.Join(" or ", Datasets.Select(d => $"\"{d}\""))}.", nameof(dataset));
    }

    /// <summary>Loads the shipped classifier of <paramref name="dataset"/> ("mnist" or "fashion-mnist") in eval mode.</summary>
    public static FeatureClassifier Load(string dataset, Device? device = null)
    {
        var name = DatasetName(dataset);
        return LoadFile(WeightsPath(name), name, device);
    }

    /// <summary>Loads classifier weights for <paramref name="dataset"/> from <paramref name="path"/> (see <see cref="Load"/>).</summary>
    public static FeatureClassifier LoadFile(string path, string dataset, Device? device = null)
    {
        var name = DatasetName(dataset);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The {name} feature classifier's weights {path} are missing. Restore data/classifiers from the repository or re-create them with: {TrainCommand(name)}", path);
        var model = new FeatureClassifier();
        if (CheckpointFile.PeekMagic(path) == CheckpointFile.Magic)
        {
            // the kit's checkpoint format: checksum, kind, dataset and every tensor checked before anything is copied
            try { ModelCheckpoint.Load(path, CheckpointKind, new ClassifierConfig(name), new Dictionary<string, Module> { ["classifier"] = model }); }
            catch (InvalidDataException e)
            {
                model.Dispose();
                throw new InvalidDataException($"{e.Message} For this classifier: restore data/classifiers from the repository or re-create it with: {TrainCommand(name)}", e);
            }
        }
        else
        {
            try
            {
                model.load(path, strict: true);   // the first format: TorchSharp's module format, no checksum
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                model.Dispose();
                throw new InvalidDataException($"Cannot load the {name} feature classifier from {path} ({e.Message}): the file does not match this kit's FeatureClassifier. Re-create it with: {TrainCommand(name)}", e);
            }
        }
        model.Dataset = name;
        model.eval();
        if (device is not null) model.to(device);
        return model;
    }

    /// <summary>The kind recorded in a classifier's checkpoint.</summary>
    public const string CheckpointKind = "feature-classifier";

    /// <summary>What a classifier checkpoint records as its configuration.</summary>
    public sealed record ClassifierConfig(string Dataset);

    /// <summary>
    /// Writes the weights atomically (a reader never sees a half-written file) in the kit's checkpoint format
    /// (<see cref="ModelCheckpoint"/>: version, dataset, SHA-256); the weights are the module's bytes, as before.
    /// </summary>
    public void SaveWeights(string path)
    {
        var dataset = Dataset ?? throw new InvalidOperationException("This classifier has no dataset: train or load it first.");
        ModelCheckpoint.Save(path, CheckpointKind, new ClassifierConfig(dataset), new Dictionary<string, Module> { ["classifier"] = this });
    }

    // ---- training ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Trains a fresh classifier on the training split of <paramref name="dataset"/> (Adam 1e-3, batch 64, random
    /// shifts of up to 2 pixels, dropout 0.3 before the head), deterministic for a given <paramref name="seed"/> on the CPU.
    /// Returns the model (eval mode) and its accuracy on the test split.
    /// </summary>
    public static (FeatureClassifier Model, double TestAccuracy) Train(string dataset, int epochs = 10, int seed = 1,
        int? subset = null, Action<string>? log = null)
    {
        var name = DatasetName(dataset);
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "epochs must be at least 1");
        torch.manual_seed(seed);
        var rng = new Random(seed);
        using var trainSet = ImageDataset.Load(name, "train", subset, pad32: true, folder: Path.Combine(DataPaths.Root(), name));
        using var testSet = ImageDataset.Load(name, "test", pad32: true, folder: Path.Combine(DataPaths.Root(), name));
        var model = new FeatureClassifier { Dataset = name };
        using var opt = optim.Adam(model.parameters(), lr: 1e-3);
        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            model.train();
            foreach (var g in opt.ParamGroups) g.LearningRate = epoch > epochs - 2 ? 3e-4 : 1e-3; // lower for the last two epochs
            double lossSum = 0;
            var batches = 0;
            foreach (var (x, y) in trainSet.Batches(64, random: rng))
            {
                using var _ = NewDisposeScope();
                var logits = model.forward(Shift(x, rng));
                var loss = functional.cross_entropy(logits, y);
                opt.zero_grad();
                loss.backward();
                opt.step();
                lossSum += loss.item<float>();
                batches++;
            }
            log?.Invoke($"{name} epoch {epoch}/{epochs}: train loss {lossSum / batches:F4}, test accuracy {Accuracy(model, testSet):P2}");
        }
        model.eval();
        var scale = model.Calibrate(trainSet.Images);
        log?.Invoke($"{name}: feature scale {scale:G4}");
        return (model, Accuracy(model, testSet));
    }

    /// <summary>Share of <paramref name="data"/>'s images whose predicted class is their label.</summary>
    public static double Accuracy(FeatureClassifier model, ImageDataset data)
    {
        using var _ = NewDisposeScope();
        return model.Predict(data.Images).eq(data.Labels).to(float64).mean().item<double>();
    }

    /// <summary>Random translation by up to 2 pixels (background-filled), the classic MNIST augmentation.</summary>
    static Tensor Shift(Tensor x, Random rng)
    {
        var (dy, dx) = (rng.Next(-2, 3), rng.Next(-2, 3));
        if (dy == 0 && dx == 0) return x;
        var padded = functional.pad(x, [2, 2, 2, 2], PaddingModes.Constant, -1);
        return padded.narrow(2, 2 - dy, x.shape[2]).narrow(3, 2 - dx, x.shape[3]);
    }
}
