using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// A k x k convolution whose kernel is multiplied by a fixed 0/1 mask so that output (i, j) depends only on inputs at
/// raster positions before (i, j) (<see cref="MaskType.A"/>) or at and before it (<see cref="MaskType.B"/>): the
/// PixelCNN's masked convolution (van den Oord et al. 2016, Figure 2). For one-channel (binary or grey) images the
/// mask is the same for every pair of channels; the colour-channel split of the paper (R before G before B) is not
/// needed here. Padding k/2 keeps the size, stride 1.
/// <code>
/// mask of a 5x5 kernel, type A      type B
///   1 1 1 1 1                       1 1 1 1 1
///   1 1 1 1 1                       1 1 1 1 1
///   1 1 0 0 0                       1 1 1 0 0
///   0 0 0 0 0                       0 0 0 0 0
///   0 0 0 0 0                       0 0 0 0 0
/// </code>
/// </summary>
public sealed class MaskedConv2d : Module<Tensor, Tensor>
{
    readonly Conv2d conv;
    readonly Tensor mask;

    public MaskType Type { get; }
    public int KernelSize { get; }

    public MaskedConv2d(MaskType type, int inChannels, int outChannels, int kernelSize) : base(nameof(MaskedConv2d))
    {
        if (kernelSize < 1 || kernelSize % 2 == 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "A masked convolution needs an odd kernel size (1, 3, 5, 7, ...) so that it has a centre pixel.");
        if (type == MaskType.A && kernelSize == 1)
            throw new ArgumentException("A 1x1 convolution with mask A would have every weight masked out: use kernel size 3 or more for mask A.", nameof(kernelSize));
        if (inChannels < 1) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, "inChannels must be at least 1");
        if (outChannels < 1) throw new ArgumentOutOfRangeException(nameof(outChannels), outChannels, "outChannels must be at least 1");
        (Type, KernelSize) = (type, kernelSize);
        conv = Conv2d(inChannels, outChannels, kernelSize, padding: kernelSize / 2);
        mask = Mask(type, kernelSize).view(1, 1, kernelSize, kernelSize); // a buffer: moves with .to(device)
        RegisterComponents();
    }

    /// <summary>The k x k mask (float32, 1 = weight kept): rows above the centre, and the centre row left of the centre (and the centre itself for B).</summary>
    public static Tensor Mask(MaskType type, int kernelSize)
    {
        var m = new float[kernelSize * kernelSize];
        var c = kernelSize / 2;
        for (var r = 0; r < kernelSize; r++)
        for (var q = 0; q < kernelSize; q++)
            m[r * kernelSize + q] = r < c || (r == c && (q < c || (q == c && type == MaskType.B))) ? 1f : 0f;
        return tensor(m, [kernelSize, kernelSize]);
    }

    public override Tensor forward(Tensor x) =>
        functional.conv2d(x, conv.weight! * mask, conv.bias, padding: [KernelSize / 2, KernelSize / 2]);
}
