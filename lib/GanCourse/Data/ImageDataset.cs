using GanCourse.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Data;

/// <summary>The value range images are scaled to.</summary>
public enum PixelRange
{
    /// <summary>[-1, 1], for generators that end in tanh (the lectures' <c>Normalize([0.5], [0.5])</c>).</summary>
    Tanh,
    /// <summary>[0, 1], for sigmoid outputs and BCE reconstruction losses (<c>ToTensor()</c> alone).</summary>
    Unit,
}

/// <summary>
/// A labelled image dataset held as tensors on the CPU: <see cref="Images"/> float32 (N, 1, H, W) in the chosen
/// <see cref="PixelRange"/> and <see cref="Labels"/> int64 (N). Load with <see cref="FashionMnist"/> or
/// <see cref="Mnist"/>; draw seeded shuffled mini-batches with <see cref="Batches"/>.
/// <code>using var data = ImageDataset.FashionMnist("train", subset: Course.Profile.Pick(ci: 500, cpu: 5_000, gpu: 60_000), pad32: true);
/// foreach (var (x, y) in data.Batches(64, device: Course.Device)) trainer.Step(x);</code>
/// </summary>
public sealed class ImageDataset : IDisposable
{
    public string Name { get; }
    public string Split { get; }
    /// <summary>float32 (N, 1, H, W) on the CPU.</summary>
    public Tensor Images { get; }
    /// <summary>int64 (N) class indices on the CPU.</summary>
    public Tensor Labels { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public PixelRange Range { get; }
    /// <summary>The folder the files were read from (data/full/&lt;name&gt; or data/&lt;name&gt;).</summary>
    public string Folder { get; }
    public int Count => (int)Images.shape[0];
    public int Height => (int)Images.shape[2];
    public int Width => (int)Images.shape[3];
    public int ClassCount => ClassNames.Count;

    readonly byte[] labelBytes;
    Tensor? deviceImages, deviceLabels;

    ImageDataset(string name, string split, Tensor images, Tensor labels, byte[] labelBytes, IReadOnlyList<string> classNames,
        PixelRange range, string folder)
    {
        (Name, Split, Images, Labels, this.labelBytes, ClassNames, Range, Folder) =
            (name, split, images, labels, labelBytes, classNames, range, folder);
    }

    /// <summary>Fashion-MNIST (Zalando Research, MIT): 28x28 grey clothes in 10 classes, see <see cref="Load"/>.</summary>
    public static ImageDataset FashionMnist(string split = "train", int? subset = null, PixelRange range = PixelRange.Tanh,
        bool pad32 = false, string? folder = null) => Load(DatasetCatalog.FashionMnist.Name, split, subset, range, pad32, folder);

    /// <summary>MNIST digits (LeCun, Cortes, Burges; CC BY-SA 3.0), see <see cref="Load"/>.</summary>
    public static ImageDataset Mnist(string split = "train", int? subset = null, PixelRange range = PixelRange.Tanh,
        bool pad32 = false, string? folder = null) => Load(DatasetCatalog.Mnist.Name, split, subset, range, pad32, folder);

    /// <summary>Loads a dataset split from its IDX files.</summary>
    /// <param name="name">"fashion-mnist" or "mnist".</param>
    /// <param name="split">"train" or "test".</param>
    /// <param name="subset">Keep only this many images, balanced over classes (<see cref="Subset"/>); null keeps all.</param>
    /// <param name="range">[-1, 1] (<see cref="PixelRange.Tanh"/>, default) or [0, 1].</param>
    /// <param name="pad32">Pad 28x28 images by 2 background pixels on every side to 32x32, the size of the lectures'
    /// DCGAN. (The lecture resizes 28 to 32 with bilinear interpolation instead; padding keeps the pixels exact and the
    /// digit or garment is 28 pixels wide either way up to a 2-pixel margin.)</param>
    /// <param name="folder">Read from this folder instead of data/full/&lt;name&gt; (when fetched) or data/&lt;name&gt;.</param>
    public static ImageDataset Load(string name, string split = "train", int? subset = null, PixelRange range = PixelRange.Tanh,
        bool pad32 = false, string? folder = null)
    {
        var info = DatasetCatalog.Get(name);
        split = DatasetFiles.NormalizeSplit(split);
        var kitFolder = folder is null;
        folder ??= DataPaths.DatasetFolder(info.Name);
        var (imagesFile, labelsFile) = DatasetFiles.ForSplit(split);
        // SHA256SUMS before first use (cached per file): changed data that still parses is an error, not silently wrong
        DatasetFiles.EnsureVerified(folder, [imagesFile, labelsFile], info.Name, requireSums: kitFolder);
        var idx = Idx.ReadDataset(Path.Combine(folder, imagesFile), Path.Combine(folder, labelsFile), info.ClassCount);
        var all = FromIdx(info.Name, split, idx, info.ClassNames, range, pad32, folder);
        if (subset is not { } n || n >= all.Count) return all;
        using (all) return all.Subset(n);
    }

    /// <summary>Builds a dataset from IDX content already in memory.</summary>
    public static ImageDataset FromIdx(string name, string split, IdxDataset idx, IReadOnlyList<string> classNames,
        PixelRange range = PixelRange.Tanh, bool pad32 = false, string folder = "")
    {
        using var _ = NewDisposeScope();
        var (n, h, w) = (idx.Count, idx.Images.Rows, idx.Images.Cols);
        var x = torch.tensor(idx.Images.Pixels, [n, 1, h, w], dtype: ScalarType.Byte);
        if (pad32)
        {
            if (h > 32 || w > 32) throw new ArgumentException($"pad32 needs images of at most 32x32, {name} has {h}x{w}.", nameof(pad32));
            var (top, left) = ((32 - h) / 2, (32 - w) / 2);
            x = nn.functional.pad(x, [left, 32 - w - left, top, 32 - h - top], PaddingModes.Constant, 0);
        }
        var images = x.to(float32).div_(255f);
        if (range == PixelRange.Tanh) images = images.mul_(2f).sub_(1f);
        var labels = torch.tensor(idx.Labels, dtype: ScalarType.Byte).to(int64);
        return new ImageDataset(name, split, images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope(),
            (byte[])idx.Labels.Clone(), classNames, range, folder);
    }

    /// <summary>How many images each class has (index = label).</summary>
    public int[] ClassCounts()
    {
        var counts = new int[ClassCount];
        foreach (var l in labelBytes) counts[l]++;
        return counts;
    }

    /// <summary>
    /// The first images of each class in file order (the files are shuffled once, with a fixed seed, when they are made),
    /// <paramref name="n"/> in all, as evenly spread over classes as their sizes allow; the kept images stay in file order.
    /// The same <paramref name="n"/> always gives the same images.
    /// </summary>
    public ImageDataset Subset(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "A subset needs at least one image.");
        var quota = BalancedQuota(ClassCounts(), Math.Min(n, Count));
        var taken = new int[ClassCount];
        var keep = new List<long>(n);
        var keptLabels = new List<byte>(n);
        for (var i = 0; i < labelBytes.Length; i++)
        {
            var c = labelBytes[i];
            if (taken[c] >= quota[c]) continue;
            taken[c]++;
            keep.Add(i);
            keptLabels.Add(c);
        }
        using var _ = NewDisposeScope();
        var index = torch.tensor(keep.ToArray());
        return new ImageDataset(Name, Split, Images.index_select(0, index).MoveToOuterDisposeScope(),
            Labels.index_select(0, index).MoveToOuterDisposeScope(), [.. keptLabels], ClassNames, Range, Folder);
    }

    /// <summary>
    /// A binary copy for models of binary pixels (PixelCNN's binarised MNIST): each <paramref name="downsample"/> x
    /// <paramref name="downsample"/> block is averaged (1 = keep the size, 2 = 28x28 -> 14x14), then every pixel above
    /// <paramref name="threshold"/> becomes 1 and the rest 0. The copy is in [0, 1] (<see cref="PixelRange.Unit"/>), labels kept.
    /// </summary>
    public ImageDataset Binarize(double threshold = 0.5, int downsample = 1)
    {
        if (downsample < 1 || Height % downsample != 0 || Width % downsample != 0)
            throw new ArgumentOutOfRangeException(nameof(downsample), downsample, $"downsample must divide the image size {Height}x{Width}, e.g. 1 or 2.");
        if (!(threshold > 0 && threshold < 1)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold is a grey level in (0, 1), e.g. 0.5.");
        using var _ = NewDisposeScope();
        var x = Range == PixelRange.Tanh ? Images.add(1).div(2) : Images;
        if (downsample > 1) x = nn.functional.avg_pool2d(x, downsample);
        var binary = x.gt(threshold).to(float32);
        return new ImageDataset(Name, Split, binary.MoveToOuterDisposeScope(), Labels.clone().MoveToOuterDisposeScope(), (byte[])labelBytes.Clone(),
            ClassNames, PixelRange.Unit, Folder);
    }

    /// <summary>Water-filling: n spread as evenly as possible over classes, none above its size.</summary>
    public static int[] BalancedQuota(int[] available, int n)
    {
        var quota = new int[available.Length];
        var left = n;
        var open = Enumerable.Range(0, available.Length).Where(c => available[c] > 0).ToList();
        while (left > 0 && open.Count > 0)
        {
            var share = left / open.Count;
            if (share == 0)
            {
                foreach (var c in open.Take(left)) quota[c]++;
                break;
            }
            foreach (var c in open.ToList())
            {
                var add = Math.Min(share, available[c] - quota[c]);
                quota[c] += add;
                left -= add;
                if (quota[c] == available[c]) open.Remove(c);
            }
        }
        return quota;
    }

    /// <summary>
    /// One epoch of mini-batches (images, labels) on <paramref name="device"/>, in an order shuffled by
    /// <paramref name="seed"/> (a fixed order), else by <paramref name="random"/>, else by <see cref="Course.Random"/>
    /// (seeded by <see cref="Course.Init"/>). The dataset is copied to the device once and kept there until
    /// <see cref="Dispose"/>. Each batch is released when the next one is drawn or the loop ends:
    /// <c>clone()</c> a batch to keep it.
    /// </summary>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="seed">Shuffle with <c>new Random(seed)</c>: the same order every time.</param>
    /// <param name="random">Shuffle with this generator (when no seed is given).</param>
    /// <param name="device">Where the batches are (default CPU), e.g. <c>Course.Device</c>.</param>
    /// <param name="shuffle">False: file order.</param>
    /// <param name="dropLast">Skip the last batch when it is smaller than <paramref name="batchSize"/> (BatchNorm dislikes tiny batches).</param>
    public IEnumerable<(Tensor Images, Tensor Labels)> Batches(int batchSize, int? seed = null, Random? random = null,
        Device? device = null, bool dropLast = false, bool shuffle = true)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be at least 1");
        var order = Enumerable.Range(0, Count).ToArray();
        if (shuffle) (seed is { } s ? new Random(s) : random ?? Course.Random).Shuffle(order);
        return Iterate(order, batchSize, device ?? CPU, dropLast);
    }

    IEnumerable<(Tensor, Tensor)> Iterate(int[] order, int batchSize, Device device, bool dropLast)
    {
        var (images, labels) = OnDevice(device);
        for (var start = 0; start < order.Length; start += batchSize)
        {
            var len = Math.Min(batchSize, order.Length - start);
            if (len < batchSize && dropLast) yield break;
            Tensor x, y;
            using (var scope = NewDisposeScope())
            {
                var idx = torch.tensor(order.AsSpan(start, len).ToArray().Select(i => (long)i).ToArray(), device: device);
                x = images.index_select(0, idx).DetachFromDisposeScope();
                y = labels.index_select(0, idx).DetachFromDisposeScope();
            }
            try { yield return (x, y); }
            finally
            {
                x.Dispose();
                y.Dispose();
            }
        }
    }

    (Tensor Images, Tensor Labels) OnDevice(Device device)
    {
        if (device.type == Images.device.type && device.index == Images.device.index) return (Images, Labels);
        if (deviceImages is null || deviceImages.device.type != device.type || deviceImages.device.index != device.index)
        {
            deviceImages?.Dispose();
            deviceLabels?.Dispose();
            deviceImages = Images.to(device).DetachFromDisposeScope();
            deviceLabels = Labels.to(device).DetachFromDisposeScope();
        }
        return (deviceImages, deviceLabels!);
    }

    public override string ToString()
    {
        var (lo, hi) = Range == PixelRange.Tanh ? ("-1", "1") : ("0", "1");
        return $"{DatasetCatalog.Get(Name).DisplayName} {Split}: {Idx.N(Count)} images 1x{Height}x{Width} in [{lo}, {hi}], " +
               $"{ClassCount} classes ({string.Join(", ", ClassCounts())} per class), from {Folder}";
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
        deviceImages?.Dispose();
        deviceLabels?.Dispose();
    }
}
