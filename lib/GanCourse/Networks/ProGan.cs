using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// Sizes of a ProGAN (Karras et al., 2018, Table 2). Feature maps per resolution r are
/// <c>min(FeatureMapsMax, FeatureMapsBase / r)</c>: constant at low resolutions, halving above
/// (the paper: 512 up to 32x32, then 256, 128, ...).
/// </summary>
/// <param name="LatentDim">Length of z (the paper: 512).</param>
/// <param name="MaxResolution">Final image size, a power of two &gt;= 8 (the paper: 1024).</param>
/// <param name="ImageChannels">1 for grey images, 3 for RGB.</param>
/// <param name="MinibatchGroup">Group size of the minibatch standard deviation layer (the official code: 4).</param>
public sealed record ProGanConfig(int LatentDim = 64, int MaxResolution = 32, int ImageChannels = 1,
    int FeatureMapsBase = 512, int FeatureMapsMax = 32, int MinibatchGroup = 4)
{
    /// <summary>Feature maps at resolution r.</summary>
    public int Channels(int resolution) => Math.Min(FeatureMapsMax, FeatureMapsBase / resolution);

    /// <summary>4, 8, ..., MaxResolution.</summary>
    public int[] Resolutions()
    {
        var list = new List<int>();
        for (var r = 4; r <= MaxResolution; r *= 2) list.Add(r);
        return [.. list];
    }

    public void Validate()
    {
        if (MaxResolution < 8 || (MaxResolution & (MaxResolution - 1)) != 0)
            throw new ArgumentException($"MaxResolution = {MaxResolution}: use a power of two >= 8 (e.g. 32).");
        if (LatentDim < 1 || ImageChannels < 1 || MinibatchGroup < 1)
            throw new ArgumentException($"LatentDim ({LatentDim}), ImageChannels ({ImageChannels}) and MinibatchGroup ({MinibatchGroup}) must be positive.");
        if (Channels(MaxResolution) < 1)
            throw new ArgumentException($"FeatureMapsBase = {FeatureMapsBase} gives no feature maps at {MaxResolution}x{MaxResolution}: use at least {MaxResolution}.");
    }
}

/// <summary>
/// Equalized learning rate (ProGAN section 4.1): weights are drawn from N(0, 1) and scaled at run time by He's
/// constant c = gain / sqrt(fan_in), w_hat = c * w. Adam's update is scale-invariant per parameter, so every layer
/// then learns at the same speed whatever its fan-in.
/// </summary>
public sealed class EqualizedConv2d : Module<Tensor, Tensor>
{
    readonly Parameter weight, bias;
    readonly long padding;

    /// <summary>He's constant applied to the weights in every forward pass.</summary>
    public double Scale { get; }

    public EqualizedConv2d(long inChannels, long outChannels, long kernelSize, long padding = -1, double gain = 1.4142135623730951)
        : base(nameof(EqualizedConv2d))
    {
        this.padding = padding < 0 ? kernelSize / 2 : padding;
        Scale = gain / Math.Sqrt(inChannels * kernelSize * kernelSize);
        weight = Parameter(randn(outChannels, inChannels, kernelSize, kernelSize));
        bias = Parameter(zeros(outChannels));
        RegisterComponents();
    }

    public Parameter Weight => weight;

    public override Tensor forward(Tensor x) =>
        functional.conv2d(x, weight * Scale, bias, padding: [padding, padding]);
}

/// <summary>A fully connected layer with equalized learning rate (see <see cref="EqualizedConv2d"/>).</summary>
public sealed class EqualizedLinear : Module<Tensor, Tensor>
{
    readonly Parameter weight, bias;

    public double Scale { get; }

    public EqualizedLinear(long inFeatures, long outFeatures, double gain = 1.4142135623730951) : base(nameof(EqualizedLinear))
    {
        Scale = gain / Math.Sqrt(inFeatures);
        weight = Parameter(randn(outFeatures, inFeatures));
        bias = Parameter(zeros(outFeatures));
        RegisterComponents();
    }

    public Parameter Weight => weight;

    public override Tensor forward(Tensor x) => functional.linear(x, weight * Scale, bias);
}

/// <summary>
/// Pixelwise feature vector normalization in the generator (ProGAN eq. in section 4.2):
/// b_{x,y} = a_{x,y} / sqrt(1/N sum_j (a^j_{x,y})^2 + eps), N feature maps, eps = 1e-8.
/// </summary>
public sealed class PixelNorm : Module<Tensor, Tensor>
{
    readonly double eps;

    public PixelNorm(double eps = 1e-8) : base(nameof(PixelNorm)) => this.eps = eps;

    public override Tensor forward(Tensor x) => x * (x.square().mean([1], keepdim: true) + eps).rsqrt();
}

/// <summary>
/// Minibatch standard deviation (ProGAN section 3): the standard deviation of every feature at every position
/// over a group of images, averaged into one number per group, appended as an extra feature map. The
/// discriminator can then see how varied a batch is, and a collapsed generator is easy to spot.
/// Groups of <c>min(groupSize, N)</c> images as in the official code; the batch size must be a multiple of it.
/// </summary>
public sealed class MinibatchStdDev : Module<Tensor, Tensor>
{
    public int GroupSize { get; }

    public MinibatchStdDev(int groupSize = 4) : base(nameof(MinibatchStdDev)) => GroupSize = groupSize;

    public override Tensor forward(Tensor x)
    {
        using var _ = NewDisposeScope();
        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        var g = Math.Min(GroupSize, n);
        if (n % g != 0)
            throw new ArgumentException($"MinibatchStdDev: batch size {n} is not a multiple of the group size {g}. Use a batch size divisible by {g}.");
        var y = x.reshape(g, n / g, c, h, w);                 // [G, M, C, H, W]: image i is in group i % M
        y = (y - y.mean([0], keepdim: true)).square().mean([0]); // variance over the group
        y = (y + 1e-8).sqrt().mean([1, 2, 3]);                  // [M]: average stddev over features and pixels
        var s = y.reshape(1, n / g, 1, 1, 1).expand(g, n / g, 1, h, w).reshape(n, 1, h, w);
        return cat([x, s], 1).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The ProGAN generator (Table 2, scaled down by <see cref="ProGanConfig"/>): z -> pixel norm -> dense to 4x4
/// ("Conv 4x4") -> Conv 3x3, then per doubled resolution: nearest 2x upsampling, two Conv 3x3; every conv is
/// followed by LeakyReLU 0.2 and pixel norm. toRGB is a 1x1 conv per resolution (linear output).
/// All blocks exist from the start; <see cref="Resolution"/> and <see cref="Alpha"/> select how much is used.
/// While a resolution fades in, the output is (1 - alpha) * up(toRGB_old(h)) + alpha * toRGB_new(block(up h)).
/// </summary>
public sealed class ProGanGenerator : Module<Tensor, Tensor>
{
    readonly ModuleList<Module<Tensor, Tensor>> blocks, to_rgb;

    public ProGanConfig Config { get; }
    /// <summary>Current output resolution (4 .. MaxResolution).</summary>
    public int Resolution { get; set; }
    /// <summary>Fade-in weight of the newest block in [0, 1]; 1 = fully grown.</summary>
    public double Alpha { get; set; } = 1;

    public ProGanGenerator(ProGanConfig config) : base(nameof(ProGanGenerator))
    {
        config.Validate();
        Config = config;
        Resolution = config.MaxResolution;
        const double lrelu = 0.2;
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
                    ("act0", LeakyReLU(lrelu)), ("norm0", new PixelNorm()),
                    ("conv", new EqualizedConv2d(c, c, 3)),
                    ("act1", LeakyReLU(lrelu)), ("norm1", new PixelNorm())));
            else
                blocks.Add(Sequential(
                    ("up", Upsample(scale_factor: [2.0, 2.0], mode: UpsampleMode.Nearest)),
                    ("conv0", new EqualizedConv2d(config.Channels(r / 2), c, 3)),
                    ("act0", LeakyReLU(lrelu)), ("norm0", new PixelNorm()),
                    ("conv1", new EqualizedConv2d(c, c, 3)),
                    ("act1", LeakyReLU(lrelu)), ("norm1", new PixelNorm())));
            to_rgb.Add(new EqualizedConv2d(c, config.ImageChannels, 1, gain: 1));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor z) => Synthesize(z, Resolution, Alpha);

    /// <summary>Images (N, C, r, r) at resolution r with the newest block faded in by alpha.</summary>
    public Tensor Synthesize(Tensor z, int resolution, double alpha = 1)
    {
        var level = Level(resolution, Config);
        if (alpha is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in [0, 1].");
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

    /// <summary>Index of resolution r in 4, 8, 16, ...; a clear error for a size the network does not have.</summary>
    internal static int Level(int resolution, ProGanConfig config)
    {
        var i = Array.IndexOf(config.Resolutions(), resolution);
        if (i < 0) throw new ArgumentOutOfRangeException(nameof(resolution), resolution,
            $"Resolution must be one of {string.Join(", ", config.Resolutions())}.");
        return i;
    }
}

/// <summary>
/// The ProGAN discriminator (Table 2, mirrored generator): fromRGB 1x1 conv per resolution, then per halved
/// resolution two Conv 3x3 and 2x2 average pooling; at 4x4 the minibatch stddev layer, Conv 3x3, Conv 4x4
/// (valid, to 1x1) and a linear output (a WGAN critic score, no sigmoid). Every conv is followed by LeakyReLU 0.2.
/// While a resolution fades in, the features entering the old path are
/// (1 - alpha) * fromRGB_old(avgpool(x)) + alpha * block(fromRGB_new(x)).
/// </summary>
public sealed class ProGanDiscriminator : Module<Tensor, Tensor>
{
    readonly ModuleList<Module<Tensor, Tensor>> blocks, from_rgb;

    public ProGanConfig Config { get; }
    public int Resolution { get; set; }
    public double Alpha { get; set; } = 1;

    public ProGanDiscriminator(ProGanConfig config) : base(nameof(ProGanDiscriminator))
    {
        config.Validate();
        Config = config;
        Resolution = config.MaxResolution;
        const double lrelu = 0.2;
        blocks = new ModuleList<Module<Tensor, Tensor>>();
        from_rgb = new ModuleList<Module<Tensor, Tensor>>();
        foreach (var r in config.Resolutions())
        {
            var c = config.Channels(r);
            if (r == 4)
                blocks.Add(Sequential(
                    ("mbstd", new MinibatchStdDev(config.MinibatchGroup)),
                    ("conv", new EqualizedConv2d(c + 1, c, 3)), ("act0", LeakyReLU(lrelu)),
                    ("conv4x4", new EqualizedConv2d(c, c, 4, padding: 0)), ("act1", LeakyReLU(lrelu)),
                    ("flatten", Flatten()),
                    ("fc", new EqualizedLinear(c, 1, gain: 1))));
            else
                blocks.Add(Sequential(
                    ("conv0", new EqualizedConv2d(c, c, 3)), ("act0", LeakyReLU(lrelu)),
                    ("conv1", new EqualizedConv2d(c, config.Channels(r / 2), 3)), ("act1", LeakyReLU(lrelu)),
                    ("down", AvgPool2d(2))));
            from_rgb.Add(Sequential(new EqualizedConv2d(config.ImageChannels, c, 1), LeakyReLU(lrelu)));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Score(x, Resolution, Alpha);

    /// <summary>Critic scores (N, 1) for images (N, C, r, r) at resolution r with the newest block faded in by alpha.</summary>
    public Tensor Score(Tensor x, int resolution, double alpha = 1)
    {
        var level = ProGanGenerator.Level(resolution, Config);
        if (alpha is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in [0, 1].");
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

/// <summary>Resizing images between the resolutions of progressive growing.</summary>
public static class ProGanImages
{
    /// <summary>The fade-in of Figure 2: (1 - alpha) * old + alpha * new.</summary>
    public static Tensor Fade(Tensor old, Tensor @new, double alpha) => old * (1 - alpha) + @new * alpha;

    /// <summary>Average-pools (N, C, s, s) images down to r x r (s a multiple of r), like the paper's real images.</summary>
    public static Tensor Downsample(Tensor x, int resolution)
    {
        var s = x.shape[2];
        if (s == resolution) return x.alias();
        if (s % resolution != 0) throw new ArgumentException($"Cannot average-pool {s}x{s} images to {resolution}x{resolution}: {s} is not a multiple of {resolution}.");
        return functional.avg_pool2d(x, (int)(s / resolution));
    }

    /// <summary>Nearest-neighbour upsampling of (N, C, r, r) images to size x size.</summary>
    public static Tensor Upsample(Tensor x, int size)
    {
        var r = x.shape[2];
        if (r == size) return x.alias();
        return functional.interpolate(x, size: [size, size], mode: InterpolationMode.Nearest);
    }

    /// <summary>
    /// Real images as the discriminator sees them at resolution r during a fade-in with weight alpha:
    /// (1 - alpha) * up(down(x, r/2)) + alpha * down(x, r), the same blend the generator's output makes.
    /// </summary>
    public static Tensor Real(Tensor x, int resolution, double alpha)
    {
        using var _ = NewDisposeScope();
        var cur = Downsample(x, resolution);
        if (alpha >= 1 || resolution <= 4) return cur.MoveToOuterDisposeScope();
        var low = Upsample(Downsample(x, resolution / 2), resolution);
        return Fade(low, cur, alpha).MoveToOuterDisposeScope();
    }
}
