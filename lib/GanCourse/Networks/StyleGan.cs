using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Networks;

// The StyleGAN v1 generator of lecture 004 ("run StyleGAN" cell, itself the lernapparat port of NVIDIA's
// TensorFlow code), class for class. Field names are the PyTorch attribute names, so a state dict saved by the
// seed's model (g_mapping.dense0.weight, g_synthesis.blocks.8x8.conv0_up.intermediate.kernel, ...) loads
// unchanged. Every size the seed hard-codes (512, 8 mapping layers, 18 broadcast styles) is a parameter whose
// default is the seed's value, so the same classes also build the small StyleGAN the kit trains.

/// <summary>Linear layer with equalized learning rate and a learning-rate multiplier (Karras et al. 2018, sec. 4.1):
/// the weight is stored as N(0, 1/lrmul) and scaled at run time by w_mul = he_std * lrmul.</summary>
public sealed class MyLinear : Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Parameter? bias;
    readonly double w_mul, b_mul;

    public MyLinear(int inputSize, int outputSize, double gain = 1.4142135623730951, bool useWScale = false,
        double lrmul = 1, bool hasBias = true) : base(nameof(MyLinear))
    {
        var heStd = gain * Math.Pow(inputSize, -0.5); // He init
        double initStd;
        if (useWScale) { initStd = 1.0 / lrmul; w_mul = heStd * lrmul; }
        else { initStd = heStd / lrmul; w_mul = lrmul; }
        weight = Parameter(randn(outputSize, inputSize) * initStd);
        if (hasBias) { bias = Parameter(zeros(outputSize)); b_mul = lrmul; }
        RegisterComponents();
    }

    public Parameter Weight => weight;
    public Parameter? Bias => bias;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b = bias is null ? null : bias * b_mul;
        return F.linear(x, weight * w_mul, b).MoveToOuterDisposeScope();
    }
}

/// <summary>Conv layer with equalized learning rate; optionally preceded by a 2x nearest-neighbour upscale and
/// followed by an intermediate layer (the blur) before the bias. From 128 px on the upscale and the conv are
/// fused into one transposed convolution with a 4x4 box-summed kernel, exactly as the seed (and NVIDIA) do.</summary>
public sealed class MyConv2d : Module<Tensor, Tensor>
{
    readonly Upscale2d? upscale;
    readonly Parameter weight;
    readonly Parameter? bias;
    readonly Module<Tensor, Tensor>? intermediate;
    readonly int kernel_size;
    readonly double w_mul, b_mul;

    public MyConv2d(int inputChannels, int outputChannels, int kernelSize, double gain = 1.4142135623730951,
        bool useWScale = false, double lrmul = 1, bool hasBias = true, Module<Tensor, Tensor>? intermediate = null,
        bool upscale = false) : base(nameof(MyConv2d))
    {
        if (upscale) this.upscale = new Upscale2d();
        var heStd = gain * Math.Pow(inputChannels * kernelSize * kernelSize, -0.5); // He init
        kernel_size = kernelSize;
        double initStd;
        if (useWScale) { initStd = 1.0 / lrmul; w_mul = heStd * lrmul; }
        else { initStd = heStd / lrmul; w_mul = lrmul; }
        weight = Parameter(randn(outputChannels, inputChannels, kernelSize, kernelSize) * initStd);
        if (hasBias) { bias = Parameter(zeros(outputChannels)); b_mul = lrmul; }
        this.intermediate = intermediate;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b = bias is null ? null : bias * b_mul;
        var haveConvolution = false;
        if (upscale is not null && Math.Min(x.shape[2], x.shape[3]) * 2 >= 128)
        {
            // Fused upscale + conv (StyleGAN's official code for >= 128 px): a transposed conv with stride 2 whose
            // kernel is the 3x3 kernel padded to 5x5 and box-summed to 4x4 (this quadruples the weight: the sum of
            // the four copies that nearest-neighbour upsampling would have multiplied).
            var w = (weight * w_mul).permute(1, 0, 2, 3);
            w = F.pad(w, [1, 1, 1, 1]);
            w = w[.., .., 1.., 1..] + w[.., .., ..^1, 1..] + w[.., .., 1.., ..^1] + w[.., .., ..^1, ..^1];
            x = F.conv_transpose2d(x, w, strides: [2, 2], padding: [(w.size(-1) - 1) / 2, (w.size(-1) - 1) / 2]);
            haveConvolution = true;
        }
        else if (upscale is not null)
        {
            x = upscale.forward(x);
        }

        var pad = kernel_size / 2;
        if (!haveConvolution && intermediate is null)
            return F.conv2d(x, weight * w_mul, b, padding: [pad, pad]).MoveToOuterDisposeScope();
        if (!haveConvolution)
            x = F.conv2d(x, weight * w_mul, null, padding: [pad, pad]);
        if (intermediate is not null) x = intermediate.forward(x);
        if (b is not null) x = x + b.view(1, -1, 1, 1);
        return x.MoveToOuterDisposeScope();
    }
}

/// <summary>Adds noise: one value per pixel (shared by all channels) times a learned per-channel weight.
/// Set <see cref="Noise"/> to fix the noise (the seed's "little trick"); null draws fresh N(0, 1) noise.</summary>
public sealed class NoiseLayer : Module<Tensor, Tensor>
{
    readonly Parameter weight;

    public NoiseLayer(int channels) : base(nameof(NoiseLayer))
    {
        weight = Parameter(zeros(channels));
        RegisterComponents();
    }

    /// <summary>Fixed noise, shape (N or 1, 1, H, W); null = fresh noise every call.</summary>
    public Tensor? Noise { get; set; }

    public Parameter Weight => weight;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var noise = Noise ?? randn(x.size(0), 1, x.size(2), x.size(3), device: x.device, dtype: x.dtype);
        return (x + weight.view(1, -1, 1, 1) * noise).MoveToOuterDisposeScope();
    }
}

/// <summary>The "A" box + AdaIN's affine part: y = A w = (y_s, y_b), x ← x (y_s + 1) + y_b (eq. 1 of the
/// StyleGAN paper; the normalisation is the preceding InstanceNorm).</summary>
public sealed class StyleMod : Module<Tensor, Tensor, Tensor>
{
    readonly MyLinear lin;

    public StyleMod(int latentSize, int channels, bool useWScale) : base(nameof(StyleMod))
    {
        lin = new MyLinear(latentSize, channels * 2, gain: 1.0, useWScale: useWScale);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor latent)
    {
        using var scope = NewDisposeScope();
        var style = lin.forward(latent).view(-1, 2, x.size(1), 1, 1); // [batch, 2, channels, 1, 1]
        return (x * (style[.., 0] + 1.0) + style[.., 1]).MoveToOuterDisposeScope();
    }
}

/// <summary>x / sqrt(mean over channels of x^2 + eps): the mapping network's input normalisation.</summary>
public sealed class PixelNormLayer(double epsilon = 1e-8) : Module<Tensor, Tensor>(nameof(PixelNormLayer))
{
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return (x * rsqrt(x.pow(2).mean([1], keepdim: true) + epsilon)).MoveToOuterDisposeScope();
    }
}

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

/// <summary>Nearest-neighbour upscaling by an integer factor (view + expand, as the seed's upscale2d).</summary>
public sealed class Upscale2d(int factor = 2, double gain = 1) : Module<Tensor, Tensor>(nameof(Upscale2d))
{
    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 4) throw new ArgumentException($"Upscale2d expects (N, C, H, W), got {x.dim()} dimensions", nameof(x));
        using var scope = NewDisposeScope();
        if (gain != 1) x = x * gain;
        if (factor != 1)
        {
            var s = x.shape;
            x = x.view(s[0], s[1], s[2], 1, s[3], 1).expand(-1, -1, -1, factor, -1, factor)
                .contiguous().view(s[0], s[1], factor * s[2], factor * s[3]);
        }
        return x.MoveToOuterDisposeScope();
    }
}

/// <summary>The mapping network f: Z -> W: PixelNorm, then <c>layers</c> (dense, lrelu 0.2) with lrmul 0.01;
/// the output w is broadcast to one copy per synthesis layer: (N, broadcast, dlatent). Seed: 512 -> 8 x 512, 18 copies.</summary>
public sealed class G_mapping : Module<Tensor, Tensor>
{
    readonly PixelNormLayer pixel_norm = new();
    readonly List<MyLinear> dense = [];
    readonly LeakyReLU act = LeakyReLU(0.2);

    public int LatentSize { get; }
    public int DlatentSize { get; }
    public int Broadcast { get; }

    public G_mapping(int latentSize = 512, int dlatentSize = 512, int layers = 8, int broadcast = 18,
        double lrmul = 0.01, bool useWScale = true) : base(nameof(G_mapping))
    {
        (LatentSize, DlatentSize, Broadcast) = (latentSize, dlatentSize, broadcast);
        for (var i = 0; i < layers; i++)
        {
            var layer = new MyLinear(i == 0 ? latentSize : dlatentSize, dlatentSize, gain: Math.Sqrt(2), lrmul: lrmul, useWScale: useWScale);
            dense.Add(layer);
            register_module($"dense{i}", layer);
        }
        RegisterComponents();
    }

    /// <summary>w for each z, not yet broadcast: (N, dlatent).</summary>
    public Tensor MapOne(Tensor z)
    {
        using var scope = NewDisposeScope();
        var x = pixel_norm.forward(z);
        foreach (var d in dense) x = act.forward(d.forward(x));
        return x.MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        return MapOne(z).unsqueeze(1).expand(-1, Broadcast, -1).MoveToOuterDisposeScope(); // Broadcast
    }
}

/// <summary>The truncation trick: w' = w_avg + psi (w - w_avg) for the first <c>maxLayer</c> styles (buffer <c>avg_latent</c>).</summary>
public sealed class Truncation : Module<Tensor, Tensor>
{
    readonly Tensor avg_latent;
    public int MaxLayer { get; }
    public double Threshold { get; }

    public Truncation(Tensor avgLatent, int maxLayer = 8, double threshold = 0.7) : base(nameof(Truncation))
    {
        avg_latent = avgLatent.detach().clone();
        (MaxLayer, Threshold) = (maxLayer, threshold);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 3) throw new ArgumentException($"Truncation expects w of shape (N, layers, dlatent), got {x.dim()} dimensions", nameof(x));
        using var scope = NewDisposeScope();
        var interp = lerp(avg_latent.to(x.device), x, Threshold);
        var doTrunc = (arange(x.size(1), device: x.device) < MaxLayer).view(1, -1, 1);
        return where(doTrunc, interp, x).MoveToOuterDisposeScope();
    }
}

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
        if (usePixelNorm) layers.Add(("pixel_norm", new PixelNormLayer()));
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

/// <summary>A synthesis block: (Input block: learned constant 4x4) or (upscale + conv + blur), epilogue, conv, epilogue.</summary>
public abstract class SynthesisBlock(string name) : Module<Tensor?, Tensor, Tensor>(name)
{
    public abstract IEnumerable<LayerEpilogue> Epilogues { get; }
}

/// <summary>4x4: the learned constant <c>const</c> plus <c>bias</c>, epi1, 3x3 conv, epi2 (styles 0 and 1).</summary>
public sealed class InputBlock : SynthesisBlock
{
    readonly Parameter @const, bias;
    readonly LayerEpilogue epi1, epi2;
    readonly MyConv2d conv;

    public InputBlock(int nf, int dlatentSize, double gain, bool useWScale) : base(nameof(InputBlock))
    {
        @const = Parameter(ones(1, nf, 4, 4)); // called 'const' in tf
        bias = Parameter(ones(nf));
        epi1 = new LayerEpilogue(nf, dlatentSize, useWScale);
        conv = new MyConv2d(nf, nf, 3, gain: gain, useWScale: useWScale);
        epi2 = new LayerEpilogue(nf, dlatentSize, useWScale);
        RegisterComponents();
    }

    public override IEnumerable<LayerEpilogue> Epilogues => [epi1, epi2];

    public override Tensor forward(Tensor? _, Tensor dlatentsInRange)
    {
        using var scope = NewDisposeScope();
        var batch = dlatentsInRange.size(0);
        var x = @const.expand(batch, -1, -1, -1) + bias.view(1, -1, 1, 1);
        x = epi1.forward(x, dlatentsInRange[.., 0]);
        x = conv.forward(x);
        x = epi2.forward(x, dlatentsInRange[.., 1]);
        return x.MoveToOuterDisposeScope();
    }
}

/// <summary>2^res x 2^res: conv0_up (upscale, 3x3 conv, blur), epi1, conv1, epi2.</summary>
public sealed class GSynthesisBlock : SynthesisBlock
{
    readonly MyConv2d conv0_up, conv1;
    readonly LayerEpilogue epi1, epi2;

    public GSynthesisBlock(int inChannels, int outChannels, bool blur, int dlatentSize, double gain, bool useWScale) : base(nameof(GSynthesisBlock))
    {
        conv0_up = new MyConv2d(inChannels, outChannels, 3, gain: gain, useWScale: useWScale,
            intermediate: blur ? new BlurLayer() : null, upscale: true);
        epi1 = new LayerEpilogue(outChannels, dlatentSize, useWScale);
        conv1 = new MyConv2d(outChannels, outChannels, 3, gain: gain, useWScale: useWScale);
        epi2 = new LayerEpilogue(outChannels, dlatentSize, useWScale);
        RegisterComponents();
    }

    public override IEnumerable<LayerEpilogue> Epilogues => [epi1, epi2];

    public override Tensor forward(Tensor? x, Tensor dlatentsInRange)
    {
        using var scope = NewDisposeScope();
        var h = conv0_up.forward(x!);
        h = epi1.forward(h, dlatentsInRange[.., 0]);
        h = conv1.forward(h);
        h = epi2.forward(h, dlatentsInRange[.., 1]);
        return h.MoveToOuterDisposeScope();
    }
}

/// <summary>The synthesis network g: W -> image. Feature maps per resolution 2^res: nf(res - 1) with
/// nf(stage) = min(fmap_base / 2^(stage * fmap_decay), fmap_max); torgb is a 1x1 conv on the last block only
/// (no skip connections, no progressive growing at inference).</summary>
public sealed class G_synthesis : Module<Tensor, Tensor>
{
    readonly MyConv2d torgb;
    readonly ModuleDict<SynthesisBlock> blocks;
    readonly List<(string, SynthesisBlock)> ordered;

    public int Resolution { get; }
    public int NumLayers { get; }
    public int DlatentSize { get; }

    public G_synthesis(int dlatentSize = 512, int numChannels = 3, int resolution = 1024, int fmapBase = 8192,
        double fmapDecay = 1.0, int fmapMax = 512, bool blurFilter = true, bool useWScale = true) : base(nameof(G_synthesis))
    {
        int Nf(int stage) => Math.Min((int)(fmapBase / Math.Pow(2.0, stage * fmapDecay)), fmapMax);
        var log2 = (int)Math.Round(Math.Log2(resolution));
        if (resolution != 1 << log2 || resolution < 4)
            throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "resolution must be a power of 2, at least 4");
        (Resolution, DlatentSize, NumLayers) = (resolution, dlatentSize, log2 * 2 - 2);
        var gain = Math.Sqrt(2);
        var list = new List<(string, SynthesisBlock)>();
        var last = 0;
        var channels = 0;
        for (var res = 2; res <= log2; res++)
        {
            channels = Nf(res - 1);
            var name = $"{1 << res}x{1 << res}";
            list.Add((name, res == 2
                ? new InputBlock(channels, dlatentSize, gain, useWScale)
                : new GSynthesisBlock(last, channels, blurFilter, dlatentSize, gain, useWScale)));
            last = channels;
        }
        torgb = new MyConv2d(channels, numChannels, 1, gain: 1, useWScale: useWScale);
        blocks = ModuleDict(list.ToArray());
        ordered = list;
        RegisterComponents();
    }

    /// <summary>The blocks in order, keyed "4x4", "8x8", ...</summary>
    public IEnumerable<(string Name, SynthesisBlock Block)> Blocks => ordered;

    /// <summary>The noise layers from 4x4 to the output resolution (two per block).</summary>
    public IReadOnlyList<NoiseLayer> NoiseLayers =>
        Blocks.SelectMany(b => b.Block.Epilogues).Select(e => e.NoiseLayer).OfType<NoiseLayer>().ToList();

    /// <summary>dlatents: (N, >= NumLayers, dlatent); block i reads styles 2i and 2i + 1.</summary>
    public override Tensor forward(Tensor dlatentsIn)
    {
        if (dlatentsIn.dim() != 3 || dlatentsIn.size(1) < NumLayers || dlatentsIn.size(2) != DlatentSize)
            throw new ArgumentException($"G_synthesis expects dlatents of shape (N, >= {NumLayers}, {DlatentSize}), got [{string.Join(", ", dlatentsIn.shape)}]", nameof(dlatentsIn));
        using var scope = NewDisposeScope();
        Tensor? x = null;
        var i = 0;
        foreach (var (_, block) in Blocks)
        {
            x = block.forward(x, dlatentsIn[.., (2 * i)..(2 * i + 2)]);
            i++;
        }
        return torgb.forward(x!).MoveToOuterDisposeScope();
    }
}

/// <summary>Sizes of a StyleGAN v1 generator. <see cref="Seed1024"/> is lecture 004's FFHQ model.</summary>
public sealed record StyleGanConfig(int LatentSize = 512, int DlatentSize = 512, int MappingLayers = 8,
    int Resolution = 1024, int Channels = 3, int FmapBase = 8192, int FmapMax = 512, double MappingLrMul = 0.01,
    int? Broadcast = null)
{
    public static StyleGanConfig Seed1024 => new();
    /// <summary>Number of styles (two per resolution from 4x4): 18 at 1024 px, 8 at 32 px.</summary>
    public int NumLayers => 2 * (int)Math.Round(Math.Log2(Resolution)) - 2;
    /// <summary>The kit's small StyleGAN: 32x32 grey images, 4 mapping layers of 64, feature maps 64, 32, 16, 8 (4x4 to 32x32).</summary>
    public static StyleGanConfig Small32 => new(LatentSize: 64, DlatentSize: 64, MappingLayers: 4, Resolution: 32,
        Channels: 1, FmapBase: 128, FmapMax: 64);
}

/// <summary>The seed's <c>nn.Sequential(OrderedDict([('g_mapping', G_mapping()), ('g_synthesis', G_synthesis())]))</c>:
/// z -> w (broadcast) -> image in about [-1, 1].</summary>
public sealed class StyleGanGenerator : Module<Tensor, Tensor>
{
    readonly G_mapping g_mapping;
    readonly G_synthesis g_synthesis;

    public StyleGanConfig Config { get; }

    public StyleGanGenerator(StyleGanConfig? config = null) : base(nameof(StyleGanGenerator))
    {
        Config = config ?? StyleGanConfig.Seed1024;
        var c = Config;
        g_mapping = new G_mapping(c.LatentSize, c.DlatentSize, c.MappingLayers, c.Broadcast ?? c.NumLayers, c.MappingLrMul);
        g_synthesis = new G_synthesis(c.DlatentSize, c.Channels, c.Resolution, c.FmapBase, fmapMax: c.FmapMax);
        RegisterComponents();
    }

    public G_mapping Mapping => g_mapping;
    public G_synthesis Synthesis => g_synthesis;
    public int NumLayers => g_synthesis.NumLayers;

    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        return g_synthesis.forward(g_mapping.forward(z)).MoveToOuterDisposeScope();
    }

    /// <summary>Broadcast w (N, dlatent) to every layer: (N, NumLayers, dlatent).</summary>
    public Tensor Broadcast(Tensor w) => w.unsqueeze(1).expand(-1, NumLayers, -1);

    /// <summary>Style mixing: layers [0, crossover) take w1, the rest w2 (both (N, dlatent) or (N, L, dlatent)).</summary>
    public Tensor Mix(Tensor w1, Tensor w2, int crossover) => MixRange(w1, w2, crossover, NumLayers);

    /// <summary>Layers [from, to) take w2, the others w1.</summary>
    public Tensor MixRange(Tensor w1, Tensor w2, int from, int to)
    {
        using var scope = NewDisposeScope();
        var a = w1.dim() == 2 ? Broadcast(w1) : w1;
        var b = w2.dim() == 2 ? Broadcast(w2) : w2;
        var layer = arange(NumLayers, device: a.device).view(1, -1, 1);
        return where((layer >= from) & (layer < to), b, a).MoveToOuterDisposeScope();
    }

    /// <summary>Average w over <paramref name="samples"/> random z (the truncation centre w_avg).</summary>
    public Tensor AverageW(int samples = 10_000, int batch = 1000, Generator? generator = null)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var device = g_mapping.parameters().First().device;
        var sum = zeros(Config.DlatentSize, device: device);
        for (var done = 0; done < samples; done += batch)
        {
            var n = Math.Min(batch, samples - done);
            sum += g_mapping.MapOne(randn(n, Config.LatentSize, generator: generator).to(device)).sum(0);
        }
        return (sum / samples).MoveToOuterDisposeScope();
    }

    /// <summary>Fix (or, with null, release) every noise input.</summary>
    public void SetNoise(IReadOnlyList<Tensor>? noise)
    {
        var layers = g_synthesis.NoiseLayers;
        if (noise is not null && noise.Count != layers.Count)
            throw new ArgumentException($"{layers.Count} noise tensors needed (two per resolution), got {noise.Count}", nameof(noise));
        for (var i = 0; i < layers.Count; i++) layers[i].Noise = noise?[i];
    }

    /// <summary>Draw one noise tensor per noise layer, (n, 1, H, W) each (drawn on the CPU, so a seeded CPU generator works on any device).</summary>
    public List<Tensor> DrawNoise(long n, Generator? generator = null)
    {
        var device = g_mapping.parameters().First().device;
        var list = new List<Tensor>();
        var res = 4;
        foreach (var _ in g_synthesis.NoiseLayers.Chunk(2))
        {
            list.Add(randn(n, 1, res, res, generator: generator).to(device));
            list.Add(randn(n, 1, res, res, generator: generator).to(device));
            res *= 2;
        }
        return list;
    }
}
