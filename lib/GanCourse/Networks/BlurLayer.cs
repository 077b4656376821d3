using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Networks;

/// <summary>The [1, 2, 1] x [1, 2, 1] / 16 low-pass filter applied per channel after each upsampling (buffer <c>kernel</c>).</summary>
public sealed class BlurLayer : Module<Tensor, Tensor>
{
    readonly Tensor kernel;
    readonly long stride;

    public BlurLayer(bool normalize = true, bool flip = false, long stride = 1) : base(nameof(BlurLayer))
    {
        var k = tensor(new float[] { 1, 2, 1 });     // the seed ignores its kernel argument and always uses [1, 2, 1]
        var k2 = (k[.., TensorIndex.None] * k[TensorIndex.None, ..])[TensorIndex.None, TensorIndex.None];
        if (normalize) k2 = k2 / k2.sum();
        if (flip) k2 = k2.flip(2, 3);
        kernel = k2.contiguous();
        this.stride = stride;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var k = kernel.expand(x.size(1), -1, -1, -1);
        var pad = (kernel.size(2) - 1) / 2;
        return F.conv2d(x, k, strides: [stride, stride], padding: [pad, pad], groups: x.size(1)).MoveToOuterDisposeScope();
    }
}
