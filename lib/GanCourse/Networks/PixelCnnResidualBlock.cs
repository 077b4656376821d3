using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// PixelCNN's residual block (van den Oord et al. 2016, Figure 5): ReLU, 1x1 conv h -> h/2, ReLU, 3x3 masked conv
/// (mask B) h/2 -> h/2, ReLU, 1x1 conv h/2 -> h, added to the input. Only the 3x3 convolution sees other positions,
/// and its mask B lets it see the current one and those before it, so the block keeps the stack causal.
/// </summary>
public sealed class PixelCnnResidualBlock : Module<Tensor, Tensor>
{
    readonly Conv2d reduce, expand;
    readonly MaskedConv2d conv;

    public PixelCnnResidualBlock(int hidden) : base(nameof(PixelCnnResidualBlock))
    {
        if (hidden < 2 || hidden % 2 != 0) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "hidden must be an even number of at least 2");
        reduce = Conv2d(hidden, hidden / 2, 1);
        conv = new MaskedConv2d(MaskType.B, hidden / 2, hidden / 2, 3);
        expand = Conv2d(hidden / 2, hidden, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = reduce.forward(functional.relu(x));
        h = conv.forward(functional.relu(h));
        h = expand.forward(functional.relu(h));
        return (x + h).MoveToOuterDisposeScope();
    }
}
