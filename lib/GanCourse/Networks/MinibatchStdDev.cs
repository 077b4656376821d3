using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// Minibatch standard deviation (ProGAN, Karras et al. 2018, section 3): the standard deviation of every feature at
/// every position over a group of images, averaged into one number per group, appended as an extra feature map. The
/// discriminator can then see how varied a batch is, and a collapsed generator is easy to spot. ProGAN's and
/// StyleGAN's discriminators both use it.
/// <para>
/// Groups as in the official code: image i belongs to group i mod (N / G). The group size G is the largest divisor of
/// the batch size N that is at most <see cref="GroupSize"/> (4 in the papers): for N = 32 that is 4, for N = 6 it is 3,
/// for a prime N above 4 it is 1, where the feature is constant (a single image has no spread) and the layer
/// carries no information; <see cref="EffectiveGroupSize"/> tells which.
/// </para>
/// </summary>
public sealed class MinibatchStdDev : Module<Tensor, Tensor>
{
    public int GroupSize { get; }

    public MinibatchStdDev(int groupSize = 4) : base(nameof(MinibatchStdDev))
    {
        if (groupSize < 1) throw new ArgumentOutOfRangeException(nameof(groupSize), groupSize, "the group size must be at least 1 (the papers use 4)");
        GroupSize = groupSize;
    }

    /// <summary>The group size used for a batch of <paramref name="batchSize"/>: the largest divisor of it that is at most <see cref="GroupSize"/>.</summary>
    public int EffectiveGroupSize(long batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "the batch must hold at least one image");
        var g = (int)Math.Min(GroupSize, batchSize);
        while (batchSize % g != 0) g--;
        return g;
    }

    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 4) throw new ArgumentException($"MinibatchStdDev expects (N, C, H, W), got [{string.Join(", ", x.shape)}].", nameof(x));
        using var _ = NewDisposeScope();
        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        var g = EffectiveGroupSize(n);
        var y = x.reshape(g, n / g, c, h, w);                 // [G, M, C, H, W]: image i is in group i % M
        y = (y - y.mean([0], keepdim: true)).square().mean([0]); // variance over the group
        y = (y + 1e-8).sqrt().mean([1, 2, 3]);                  // [M]: average stddev over features and pixels
        var s = y.reshape(1, n / g, 1, 1, 1).expand(g, n / g, 1, h, w).reshape(n, 1, h, w);
        return cat([x, s], 1).MoveToOuterDisposeScope();
    }
}
