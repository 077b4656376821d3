using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Networks;

/// <summary>
/// The discriminator of the kit's small StyleGAN: StyleGAN's (= ProGAN's) D scaled down: fromrgb 1x1, then per
/// resolution two 3x3 equalized-lr convs with lrelu 0.2 and a 2x2 average-pool, and at 4x4 the minibatch standard
/// deviation feature (ProGAN sec. 3), a conv, a dense layer and one logit. Same <see cref="EqualizedConv2d"/>/<see cref="EqualizedLinear"/>
/// layers as the generator port.
/// </summary>
public sealed class StyleGanDiscriminator : Module<Tensor, Tensor>
{
    readonly EqualizedConv2d fromrgb;
    readonly ModuleList<EqualizedConv2d> convs;
    readonly EqualizedConv2d conv4;
    readonly EqualizedLinear dense0, dense1;
    readonly MinibatchStdDev mbstd;

    /// <param name="channels">Feature maps at each resolution from the input down to 8x8, e.g. [32, 64, 128] for 32 px.</param>
    public StyleGanDiscriminator(int resolution = 32, int imageChannels = 1, int[]? channels = null, int mbstdGroup = 4)
        : base(nameof(StyleGanDiscriminator))
    {
        channels ??= [32, 64, 128];
        var blocks = (int)Math.Round(Math.Log2(resolution)) - 2;
        if (channels.Length != blocks)
            throw new ArgumentException($"{blocks} channel counts needed for {resolution} px (one per resolution down to 8x8), got {channels.Length}", nameof(channels));
        mbstd = new MinibatchStdDev(mbstdGroup);
        fromrgb = new EqualizedConv2d(imageChannels, channels[0], 1, useWScale: true);
        var list = new List<EqualizedConv2d>();
        for (var i = 0; i < blocks; i++)
        {
            var next = i + 1 < blocks ? channels[i + 1] : channels[i];
            list.Add(new EqualizedConv2d(channels[i], channels[i], 3, useWScale: true));
            list.Add(new EqualizedConv2d(channels[i], next, 3, useWScale: true));
        }
        convs = ModuleList(list.ToArray());
        var last = channels[^1];
        conv4 = new EqualizedConv2d(last + 1, last, 3, useWScale: true);
        dense0 = new EqualizedLinear(last * 16, last, useWScale: true);
        dense1 = new EqualizedLinear(last, 1, gain: 1, useWScale: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = F.leaky_relu(fromrgb.forward(x), 0.2);
        for (var i = 0; i < convs.Count; i += 2)
        {
            h = F.leaky_relu(convs[i].forward(h), 0.2);
            h = F.leaky_relu(convs[i + 1].forward(h), 0.2);
            h = F.avg_pool2d(h, 2);
        }
        h = mbstd.forward(h);
        h = F.leaky_relu(conv4.forward(h), 0.2);
        h = F.leaky_relu(dense0.forward(h.flatten(1)), 0.2);
        return dense1.forward(h).MoveToOuterDisposeScope();
    }
}
