using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// The ProGAN generator (Table 2, scaled down by <see cref="ProGanConfig"/>): z -> pixel norm -> dense to 4x4
/// ("Conv 4x4") -> Conv 3x3, then per doubled resolution: nearest 2x upsampling, two Conv 3x3; every conv is
/// followed by LeakyReLU 0.2 and pixel norm. toRGB is a 1x1 conv per resolution (linear output).
/// All blocks exist from the start; <see cref="Resolution"/> and <see cref="Alpha"/> select how much is used.
/// While a resolution fades in, the output is (1 - alpha) * up(toRGB_old(h)) + alpha * toRGB_new(block(up h)).
/// </summary>
public sealed class ProGanGenerator : ProGanNetwork
{
    readonly ModuleList<Module<Tensor, Tensor>> blocks, to_rgb;

    public ProGanGenerator(ProGanConfig config) : base(nameof(ProGanGenerator), config)
    {
        blocks = new ModuleList<Module<Tensor, Tensor>>();
        to_rgb = new ModuleList<Module<Tensor, Tensor>>();
        foreach (var r in config.Resolutions())
        {
            var c = config.Channels(r);
            if (r == 4)
                blocks.Add(Sequential(
                    ("norm_z", new PixelNorm()),
                    ("dense", new EqualizedLinear(config.LatentDim, c * 16, gain: Math.Sqrt(2) / 4)), // official gain for the 4x4 dense
                    ("reshape", Unflatten(1, [c, 4, 4])),
                    ("act0", LeakyReLU(LeakySlope)), ("norm0", new PixelNorm()),
                    ("conv", new EqualizedConv2d(c, c, 3)),
                    ("act1", LeakyReLU(LeakySlope)), ("norm1", new PixelNorm())));
            else
                blocks.Add(Sequential(
                    ("up", Upsample(scale_factor: [2.0, 2.0], mode: UpsampleMode.Nearest)),
                    ("conv0", new EqualizedConv2d(config.Channels(r / 2), c, 3)),
                    ("act0", LeakyReLU(LeakySlope)), ("norm0", new PixelNorm()),
                    ("conv1", new EqualizedConv2d(c, c, 3)),
                    ("act1", LeakyReLU(LeakySlope)), ("norm1", new PixelNorm())));
            to_rgb.Add(new EqualizedConv2d(c, config.ImageChannels, 1, gain: 1));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor z) => Synthesize(z, Resolution, Alpha);

    /// <summary>Images (N, C, r, r) at resolution r with the newest block faded in by alpha.</summary>
    public Tensor Synthesize(Tensor z, int resolution, double alpha = 1)
    {
        var level = Level(resolution, alpha);
        if (z.dim() != 2 || z.shape[1] != Config.LatentDim)
            throw new ArgumentException($"z has shape [{string.Join(", ", z.shape)}]; the generator expects (N, {Config.LatentDim}).");
        using var _ = NewDisposeScope();
        var h = blocks[0].forward(z);
        for (var i = 1; i < level; i++) h = blocks[i].forward(h);
        if (level == 0) return to_rgb[0].forward(h).MoveToOuterDisposeScope();
        var hNew = blocks[level].forward(h);
        var rgbNew = to_rgb[level].forward(hNew);
        if (alpha >= 1) return rgbNew.MoveToOuterDisposeScope();
        var rgbOld = functional.interpolate(to_rgb[level - 1].forward(h), scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        return ProGanImages.Fade(rgbOld, rgbNew, alpha).MoveToOuterDisposeScope();
    }
}
