using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// pix2pix's generator (Isola et al. 2017, section 3.2.1 and appendix 6.1.1), sized for small images: an
/// encoder-decoder whose encoder halves the resolution down to 1x1 (Ck = Conv 4x4 stride 2 - BatchNorm - LeakyReLU
/// 0.2; no BatchNorm in the first and the innermost layer) and whose decoder doubles it back (CDk = ConvTranspose 4x4
/// stride 2 - BatchNorm - Dropout 0.5 - ReLU, dropout in the first <c>dropoutLayers</c> decoder layers; tanh at the
/// output). With <c>skips</c> (the U-Net) each decoder layer i also receives the encoder's layer n − i, concatenated
/// along the channels: the low-level structure the input and the output share (edges, outlines) no longer has to pass
/// through the 1x1 bottleneck. pix2pix feeds no z: "we provide noise only in the form of dropout, applied on several
/// layers of our generator at both training and test time" (section 3.2), so dropout stays on in eval mode unless
/// <see cref="DropoutAtTest"/> is false. For 32x32 and <c>baseChannels</c> = 32: 1 -> 32x16x16 -> 64x8x8 -> 128x4x4
/// -> 256x2x2 -> 256x1x1 and back.
/// </summary>
public sealed class UNetGenerator : Module<Tensor, Tensor>
{
    readonly ModuleList<Module<Tensor, Tensor>> down = new();
    readonly ModuleList<Module<Tensor, Tensor>> up = new();
    readonly int dropoutLayers;

    public int ImgSize { get; }
    public int InChannels { get; }
    public int OutChannels { get; }
    /// <summary>True: the U-Net; false: the plain encoder-decoder of the paper's Figure 5.</summary>
    public bool Skips { get; }
    public double Dropout { get; }
    /// <summary>Keep dropout on in eval mode (the paper's noise source); false makes G deterministic for measurement.</summary>
    public bool DropoutAtTest { get; set; } = true;
    /// <summary>Channels of each encoder layer's output, outermost first.</summary>
    public IReadOnlyList<int> EncoderChannels { get; }

    public UNetGenerator(int imgSize = 32, int inChannels = 1, int outChannels = 1, int baseChannels = 32, int maxChannels = 256,
        bool skips = true, double dropout = 0.5, int dropoutLayers = 3) : base(nameof(UNetGenerator))
    {
        if (imgSize < 4 || (imgSize & (imgSize - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(imgSize), imgSize, "imgSize must be a power of two, at least 4 (the encoder halves it down to 1x1), e.g. 32 (pad 28x28 images with pad32: true)");
        if (inChannels < 1 || outChannels < 1) throw new ArgumentOutOfRangeException(nameof(inChannels), "inChannels and outChannels must be at least 1");
        if (baseChannels < 1 || maxChannels < baseChannels) throw new ArgumentOutOfRangeException(nameof(baseChannels), $"need 1 <= baseChannels <= maxChannels, got {baseChannels} and {maxChannels}");
        if (dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "dropout must be in [0, 1) (the paper uses 0.5)");
        if (dropoutLayers < 0) throw new ArgumentOutOfRangeException(nameof(dropoutLayers), dropoutLayers, "dropoutLayers must be >= 0");
        (ImgSize, InChannels, OutChannels, Skips, Dropout, this.dropoutLayers) = (imgSize, inChannels, outChannels, skips, dropout, dropoutLayers);
        var depth = (int)Math.Log2(imgSize);
        var channels = Enumerable.Range(0, depth).Select(i => Math.Min(baseChannels << Math.Min(i, 20), maxChannels)).ToArray();
        EncoderChannels = channels;
        for (var i = 0; i < depth; i++)
        {
            var layers = new List<Module<Tensor, Tensor>> { Conv2d(i == 0 ? inChannels : channels[i - 1], channels[i], 4, stride: 2, padding: 1, bias: i == 0 || i == depth - 1) };
            if (i > 0 && i < depth - 1) layers.Add(BatchNorm2d(channels[i]));
            layers.Add(LeakyReLU(0.2));
            down.Add(Sequential(layers));
        }
        // decoder layer j undoes encoder layer depth-1-j; its input is the previous decoder output (+ the skip)
        for (var j = 0; j < depth; j++)
        {
            var level = depth - 1 - j;
            var input = j == 0 ? channels[depth - 1] : channels[level] * (skips ? 2 : 1);
            if (level == 0)
            {
                up.Add(Sequential(ConvTranspose2d(input, outChannels, 4, stride: 2, padding: 1), Tanh()));
                break;
            }
            up.Add(Sequential(ConvTranspose2d(input, channels[level - 1], 4, stride: 2, padding: 1, bias: false), BatchNorm2d(channels[level - 1]), ReLU()));
        }
        RegisterComponents();
    }

    /// <param name="x">(N, inChannels, imgSize, imgSize): the input image (an edge map, a sneaker, ...).</param>
    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != InChannels || x.shape[2] != ImgSize || x.shape[3] != ImgSize)
            throw new ArgumentException($"UNetGenerator expects (N, {InChannels}, {ImgSize}, {ImgSize}), got [{string.Join(", ", x.shape)}].", nameof(x));
        var skips = new List<Tensor>();
        var h = x;
        foreach (var d in down) { h = d.forward(h); skips.Add(h); }
        for (var j = 0; j < up.Count; j++)
        {
            if (j > 0 && Skips) h = cat([h, skips[skips.Count - 1 - j]], 1);   // U-Net: decoder layer j sees encoder layer n-1-j
            h = up[j].forward(h);
            if (j < Math.Min(dropoutLayers, up.Count - 1) && Dropout > 0)
                h = functional.dropout(h, Dropout, training || DropoutAtTest);
        }
        return h;
    }
}
