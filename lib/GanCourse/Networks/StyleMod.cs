using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>The "A" box + AdaIN's affine part: y = A w = (y_s, y_b), x ← x (y_s + 1) + y_b (eq. 1 of the
/// StyleGAN paper; the normalisation is the preceding InstanceNorm).</summary>
public sealed class StyleMod : Module<Tensor, Tensor, Tensor>
{
    readonly EqualizedLinear lin;

    public StyleMod(int latentSize, int channels, bool useWScale) : base(nameof(StyleMod))
    {
        lin = new EqualizedLinear(latentSize, channels * 2, gain: 1.0, useWScale: useWScale);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor latent)
    {
        using var scope = NewDisposeScope();
        var style = lin.forward(latent).view(-1, 2, x.size(1), 1, 1); // [batch, 2, channels, 1, 1]
        return (x * (style[.., 0] + 1.0) + style[.., 1]).MoveToOuterDisposeScope();
    }
}
