using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// pix2pix's conditional PatchGAN discriminator (Isola et al. 2017, section 3.2.2 and appendix 6.1.2): D sees the
/// input and the output image stacked along the channels and answers, convolutionally, "real or fake" for every
/// N x N patch; the loss averages the answers. A patch discriminator models the image as a Markov random field
/// (pixels further apart than a patch are independent) and leaves the low frequencies to the L1 term. The layout is
/// the reference code's <c>NLayerDiscriminator</c>: C64 (Conv 4x4 stride 2, no BatchNorm) then <c>layers</c> − 1
/// Conv 4x4 stride 2 - BatchNorm - LeakyReLU 0.2 with doubling channels, one such layer with stride 1, and a stride-1
/// Conv 4x4 to one channel. Its receptive field is the patch size: 16 for <c>layers</c> = 1, 34 for 2, 70 for 3 (the
/// paper's 70x70 PatchGAN), 142 for 4. <c>layers</c> = 0 is the paper's 1x1 PixelGAN (1x1 convolutions only).
/// </summary>
public sealed class PatchGanDiscriminator : Module<Tensor, Tensor>
{
    readonly Sequential main;

    public int Channels { get; }
    public int Layers { get; }
    /// <summary>The (kernel, stride) of every convolution, input first: what <see cref="ReceptiveField"/> is computed from.</summary>
    public IReadOnlyList<(int Kernel, int Stride)> Convolutions { get; }
    /// <summary>The side of the input patch each output score depends on (see <see cref="ReceptiveFieldOf"/>).</summary>
    public int ReceptiveField => ReceptiveFieldOf(Convolutions);

    /// <param name="channels">Input channels: the condition's and the image's together (2 for grey-to-grey).</param>
    /// <param name="layers">Stride-2 layers: 0 = PixelGAN (1x1), 1 = 16x16 patches, 2 = 34x34, 3 = 70x70.</param>
    /// <param name="baseChannels">ndf: channels of the first layer.</param>
    public PatchGanDiscriminator(int channels = 2, int layers = 1, int baseChannels = 64) : base(nameof(PatchGanDiscriminator))
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels (condition + image) must be at least 1");
        if (layers is < 0 or > 6) throw new ArgumentOutOfRangeException(nameof(layers), layers, "layers must be 0 (PixelGAN) to 6; 1 = 16x16, 2 = 34x34, 3 = 70x70 patches");
        if (baseChannels < 1) throw new ArgumentOutOfRangeException(nameof(baseChannels), baseChannels, "baseChannels must be at least 1");
        (Channels, Layers) = (channels, layers);
        var convs = new List<(int, int)>();
        var m = new List<Module<Tensor, Tensor>>();
        if (layers == 0)
        {
            m.AddRange([Conv2d(channels, baseChannels, 1), LeakyReLU(0.2),
                Conv2d(baseChannels, 2 * baseChannels, 1, bias: false), BatchNorm2d(2 * baseChannels), LeakyReLU(0.2),
                Conv2d(2 * baseChannels, 1, 1)]);
            convs.AddRange([(1, 1), (1, 1), (1, 1)]);
        }
        else
        {
            m.AddRange([Conv2d(channels, baseChannels, 4, stride: 2, padding: 1), LeakyReLU(0.2)]);
            convs.Add((4, 2));
            var c = baseChannels;
            for (var i = 1; i <= layers; i++)
            {
                var next = baseChannels * Math.Min(1 << i, 8);
                var stride = i < layers ? 2 : 1;                 // the last of these keeps the resolution
                m.AddRange([Conv2d(c, next, 4, stride: stride, padding: 1, bias: false), BatchNorm2d(next), LeakyReLU(0.2)]);
                convs.Add((4, stride));
                c = next;
            }
            m.Add(Conv2d(c, 1, 4, stride: 1, padding: 1));
            convs.Add((4, 1));
        }
        Convolutions = convs;
        main = Sequential(m);
        RegisterComponents();
    }

    /// <param name="x">(N, channels, H, W): condition and image stacked along the channels.</param>
    /// <returns>(N, 1, H', W'): one raw score (logit) per patch.</returns>
    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != Channels)
            throw new ArgumentException($"PatchGanDiscriminator expects (N, {Channels}, H, W) (condition and image stacked along the channels), got [{string.Join(", ", x.shape)}].", nameof(x));
        // each stride-2 layer halves the side, the two stride-1 4x4 layers take one pixel each: at least 3·2^layers
        if (Layers > 0 && Math.Min(x.shape[2], x.shape[3]) < 3 << Layers)
            throw new ArgumentException($"A {Layers}-layer PatchGAN needs images of at least {3 << Layers}x{3 << Layers} pixels, got {x.shape[2]}x{x.shape[3]}: use fewer layers.", nameof(x));
        return main.forward(x);
    }

    /// <summary>
    /// The receptive field of a chain of convolutions, from the output back to the input: one output pixel sees
    /// r_L = 1 pixel of the last layer's output, and each layer (kernel k, stride s) widens it to r = (r − 1)·s + k.
    /// </summary>
    public static int ReceptiveFieldOf(IEnumerable<(int Kernel, int Stride)> convolutions)
    {
        var r = 1;
        foreach (var (k, s) in convolutions.Reverse()) r = (r - 1) * s + k;
        return r;
    }
}
