using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// The ProGAN discriminator (Table 2, mirrored generator): fromRGB 1x1 conv per resolution, then per halved
/// resolution two Conv 3x3 and 2x2 average pooling; at 4x4 the minibatch stddev layer, Conv 3x3, Conv 4x4
/// (valid, to 1x1) and a linear output (a WGAN critic score, no sigmoid). Every conv is followed by LeakyReLU 0.2.
/// While a resolution fades in, the features entering the old path are
/// (1 - alpha) * fromRGB_old(avgpool(x)) + alpha * block(fromRGB_new(x)).
/// </summary>
public sealed class ProGanDiscriminator : ProGanNetwork
{
    readonly ModuleList<Module<Tensor, Tensor>> blocks, from_rgb;

    public ProGanDiscriminator(ProGanConfig config) : base(nameof(ProGanDiscriminator), config)
    {
        blocks = new ModuleList<Module<Tensor, Tensor>>();
        from_rgb = new ModuleList<Module<Tensor, Tensor>>();
        foreach (var r in config.Resolutions())
        {
            var c = config.Channels(r);
            if (r == 4)
                blocks.Add(Sequential(
                    ("mbstd", new MinibatchStdDev(config.MinibatchGroup)),
                    ("conv", new EqualizedConv2d(c + 1, c, 3)), ("act0", LeakyReLU(LeakySlope)),
                    ("conv4x4", new EqualizedConv2d(c, c, 4, padding: 0)), ("act1", LeakyReLU(LeakySlope)),
                    ("flatten", Flatten()),
                    ("fc", new EqualizedLinear(c, 1, gain: 1))));
            else
                blocks.Add(Sequential(
                    ("conv0", new EqualizedConv2d(c, c, 3)), ("act0", LeakyReLU(LeakySlope)),
                    ("conv1", new EqualizedConv2d(c, config.Channels(r / 2), 3)), ("act1", LeakyReLU(LeakySlope)),
                    ("down", AvgPool2d(2))));
            from_rgb.Add(Sequential(new EqualizedConv2d(config.ImageChannels, c, 1), LeakyReLU(LeakySlope)));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Score(x, Resolution, Alpha);

    /// <summary>Critic scores (N, 1) for images (N, C, r, r) at resolution r with the newest block faded in by alpha.</summary>
    public Tensor Score(Tensor x, int resolution, double alpha = 1)
    {
        var level = Level(resolution, alpha);
        if (x.dim() != 4 || x.shape[1] != Config.ImageChannels || x.shape[2] != resolution || x.shape[3] != resolution)
            throw new ArgumentException($"images have shape [{string.Join(", ", x.shape)}]; at resolution {resolution} the discriminator expects (N, {Config.ImageChannels}, {resolution}, {resolution}).");
        using var _ = NewDisposeScope();
        var h = from_rgb[level].forward(x);
        if (level > 0)
        {
            h = blocks[level].forward(h);
            if (alpha < 1)
                h = ProGanImages.Fade(from_rgb[level - 1].forward(functional.avg_pool2d(x, 2)), h, alpha);
            for (var i = level - 1; i > 0; i--) h = blocks[i].forward(h);
        }
        return blocks[0].forward(h).MoveToOuterDisposeScope();
    }
}
