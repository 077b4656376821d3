using GanCourse.Training;
using static TorchSharp.torch;

namespace GanCourse.Data;

/// <summary>
/// The one endless stream of shuffled mini-batches for every training loop of the course, which count steps, not
/// epochs: <c>new AdversarialTrainer(..., realBatch: stream.Next, ...)</c> for images, <see cref="NextLabelled"/> for
/// images with labels (conditional GANs, AC-GAN). Epoch e is shuffled with seed + e, so one seed gives the same batches
/// every run whatever else draws random numbers; incomplete last batches are dropped (BatchNorm dislikes tiny batches).
/// </summary>
public sealed class BatchStream : IDisposable
{
    readonly ImageDataset data;
    readonly int batchSize, seed;
    readonly Device device;
    IEnumerator<(Tensor Images, Tensor Labels)>? batches;

    /// <summary>Completed passes over the data.</summary>
    public int Epoch { get; private set; }
    /// <summary>Batches drawn so far from the current epoch: with <see cref="Epoch"/>, the stream's position (<see cref="Seek"/>).</summary>
    public int BatchInEpoch { get; private set; }
    public int Seed => seed;
    public int BatchSize => batchSize;
    public int BatchesPerEpoch => data.Count / batchSize;
    public ImageDataset Data => data;

    public BatchStream(ImageDataset data, int batchSize, int seed = 0, Device? device = null)
    {
        this.data = data ?? throw new ArgumentNullException(nameof(data));
        if (batchSize < 1 || batchSize > data.Count)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be between 1 and the data set's {data.Count} images");
        (this.batchSize, this.seed, this.device) = (batchSize, seed, device ?? CPU);
    }

    /// <summary>The next batch of images (B, C, H, W), a new tensor owned by the caller's dispose scope.</summary>
    public Tensor Next()
    {
        var (images, _) = Advance();
        return images.clone();
    }

    /// <summary>The next batch of images with their int64 labels, new tensors owned by the caller's dispose scope.</summary>
    public RealBatch NextLabelled()
    {
        var (images, labels) = Advance();
        return new RealBatch(images.clone(), labels.clone());
    }

    (Tensor Images, Tensor Labels) Advance()
    {
        batches ??= data.Batches(batchSize, seed: seed, device: device, dropLast: true).GetEnumerator();
        while (!batches.MoveNext())
        {
            batches.Dispose();
            Epoch++;
            BatchInEpoch = 0;
            batches = data.Batches(batchSize, seed: seed + Epoch, device: device, dropLast: true).GetEnumerator();
        }
        BatchInEpoch++;
        return batches.Current;
    }

    /// <summary>
    /// Moves to a position recorded from <see cref="Epoch"/> and <see cref="BatchInEpoch"/> (a resumed training): the
    /// next batch is the one that would have followed there. Epoch e's order depends only on seed + e, so this replays nothing but the shuffle.
    /// </summary>
    public void Seek(int epoch, int batchInEpoch)
    {
        if (epoch < 0 || batchInEpoch < 0 || batchInEpoch > BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(batchInEpoch), $"position epoch {epoch}, batch {batchInEpoch} is outside this stream ({BatchesPerEpoch} batches per epoch).");
        batches?.Dispose();
        batches = data.Batches(batchSize, seed: seed + epoch, device: device, dropLast: true).GetEnumerator();
        for (var i = 0; i < batchInEpoch; i++) batches.MoveNext();
        (Epoch, BatchInEpoch) = (epoch, batchInEpoch);
    }

    public void Dispose() => batches?.Dispose();
}
