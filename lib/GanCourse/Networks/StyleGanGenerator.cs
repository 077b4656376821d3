using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

// The StyleGAN v1 generator of lecture 004 ("run StyleGAN" cell, itself the lernapparat port of NVIDIA's
// TensorFlow code), class for class. Field names are the PyTorch attribute names, so a state dict saved by the
// seed's model (g_mapping.dense0.weight, g_synthesis.blocks.8x8.conv0_up.intermediate.kernel, ...) loads
// unchanged. Every size the seed hard-codes (512, 8 mapping layers, 18 broadcast styles) is a parameter whose
// default is the seed's value, so the same classes also build the small StyleGAN the kit trains.

/// <summary>The seed's <c>nn.Sequential(OrderedDict([('g_mapping', MappingNetwork()), ('g_synthesis', SynthesisNetwork())]))</c>:
/// z -> w (broadcast) -> image in about [-1, 1].</summary>
public sealed class StyleGanGenerator : Module<Tensor, Tensor>
{
    readonly MappingNetwork g_mapping;
    readonly SynthesisNetwork g_synthesis;

    public StyleGanConfig Config { get; }

    public StyleGanGenerator(StyleGanConfig? config = null) : base(nameof(StyleGanGenerator))
    {
        Config = config ?? StyleGanConfig.Seed1024;
        var c = Config;
        g_mapping = new MappingNetwork(c.LatentSize, c.DlatentSize, c.MappingLayers, c.Broadcast ?? c.NumLayers, c.MappingLrMul);
        g_synthesis = new SynthesisNetwork(c.DlatentSize, c.Channels, c.Resolution, c.FmapBase, fmapMax: c.FmapMax);
        RegisterComponents();
    }

    public MappingNetwork Mapping => g_mapping;
    public SynthesisNetwork Synthesis => g_synthesis;
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
