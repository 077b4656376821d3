using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>Things to do at the end of each layer: noise, lrelu, InstanceNorm (<c>top_epi</c>), then the style (AdaIN).</summary>
public sealed class LayerEpilogue : Module<Tensor, Tensor, Tensor>
{
    readonly Sequential top_epi;
    readonly StyleMod? style_mod;

    public LayerEpilogue(int channels, int dlatentSize, bool useWScale, bool useNoise = true, bool usePixelNorm = false,
        bool useInstanceNorm = true, bool useStyles = true) : base(nameof(LayerEpilogue))
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        if (useNoise) layers.Add(("noise", new NoiseLayer(channels)));
        layers.Add(("activation", LeakyReLU(0.2)));
        if (usePixelNorm) layers.Add(("pixel_norm", new PixelNorm()));
        if (useInstanceNorm) layers.Add(("instance_norm", InstanceNorm2d(channels)));
        top_epi = Sequential(layers.ToArray());
        if (useStyles) style_mod = new StyleMod(dlatentSize, channels, useWScale);
        RegisterComponents();
    }

    /// <summary>The noise layer of this epilogue (null when built without noise).</summary>
    public NoiseLayer? NoiseLayer => top_epi.named_children().FirstOrDefault(c => c.name == "noise").module as NoiseLayer;

    public override Tensor forward(Tensor x, Tensor dlatentsSlice)
    {
        using var scope = NewDisposeScope();
        x = top_epi.forward(x);
        if (style_mod is not null) x = style_mod.forward(x, dlatentsSlice);
        return x.MoveToOuterDisposeScope();
    }
}
