using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// The input of an image-to-image GAN: a batch of images from domain X and, for pix2pix (<c>paired</c>), the matching
/// images of domain Y as <see cref="Latents.Target"/>; for CycleGAN (unpaired), an independent batch of domain Y, the
/// two stacked as (N, 2, C, H, W) in <see cref="Latents.Z"/>. Indices come from torch's generator, so
/// <see cref="Runtime.Course.Seed"/> fixes them. <see cref="RealBatch"/> draws what D is shown as real.
/// </summary>
public sealed class PairedImageSampler : ILatentSampler
{
    readonly Tensor x, y;

    public bool Paired { get; }
    public long CountX => x.shape[0];
    public long CountY => y.shape[0];

    /// <param name="x">(N, C, H, W): domain X (the inputs: edge maps, sneakers).</param>
    /// <param name="y">(M, C, H, W): domain Y (garments, ankle boots); M = N and y[i] belongs to x[i] when paired.</param>
    public PairedImageSampler(Tensor x, Tensor y, bool paired)
    {
        if (x.dim() != 4 || y.dim() != 4 || !x.shape[2..].SequenceEqual(y.shape[2..]))
            throw new ArgumentException($"PairedImageSampler needs two image batches (N, C, H, W) of the same size, got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}].");
        if (paired && x.shape[0] != y.shape[0])
            throw new ArgumentException($"Paired data needs one target per input: {x.shape[0]} inputs but {y.shape[0]} targets.");
        if (!paired && x.shape[1] != y.shape[1])
            throw new ArgumentException($"Unpaired domains are stacked, so they need the same channels: {x.shape[1]} and {y.shape[1]}.");
        if (x.shape[0] == 0 || y.shape[0] == 0) throw new ArgumentException("PairedImageSampler needs at least one image in each domain.");
        (this.x, this.y, Paired) = (x, y, paired);
    }

    /// <summary>pix2pix: Z = inputs, Target = their targets. CycleGAN: Z = (x, y) stacked on dim 1, no target.</summary>
    public Latents Sample(long n, Device device)
    {
        var (xs, ys) = Draw(n, device);
        return Paired ? new Latents(xs) { Target = ys } : new Latents(stack([xs, ys], 1));
    }

    /// <summary>A real batch for D: pix2pix (input, target) stacked along the channels; CycleGAN (x, y) stacked on dim 1.</summary>
    public RealBatch RealBatch(long n, Device device)
    {
        using var scope = NewDisposeScope();
        var (xs, ys) = Draw(n, device);
        return new RealBatch((Paired ? cat([xs, ys], 1) : stack([xs, ys], 1)).MoveToOuterDisposeScope());
    }

    (Tensor X, Tensor Y) Draw(long n, Device device)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "a batch has at least one image");
        var i = randint(0, CountX, [n], dtype: int64);
        var j = Paired ? i : randint(0, CountY, [n], dtype: int64);
        return (x.index_select(0, i.to(x.device)).to(device), y.index_select(0, j.to(y.device)).to(device));
    }
}
