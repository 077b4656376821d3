using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>The synthesis network g: W -> image. Feature maps per resolution 2^res: nf(res - 1) with
/// nf(stage) = min(fmap_base / 2^(stage * fmap_decay), fmap_max); torgb is a 1x1 conv on the last block only
/// (no skip connections, no progressive growing at inference).</summary>
public sealed class SynthesisNetwork : Module<Tensor, Tensor>
{
    readonly EqualizedConv2d torgb;
    readonly ModuleDict<SynthesisBlock> blocks;
    readonly List<(string, SynthesisBlock)> ordered;

    public int Resolution { get; }
    public int NumLayers { get; }
    public int DlatentSize { get; }

    public SynthesisNetwork(int dlatentSize = 512, int numChannels = 3, int resolution = 1024, int fmapBase = 8192,
        double fmapDecay = 1.0, int fmapMax = 512, bool blurFilter = true, bool useWScale = true) : base(nameof(SynthesisNetwork))
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
                : new UpsampleBlock(last, channels, blurFilter, dlatentSize, gain, useWScale)));
            last = channels;
        }
        torgb = new EqualizedConv2d(channels, numChannels, 1, gain: 1, useWScale: useWScale);
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
            throw new ArgumentException($"SynthesisNetwork expects dlatents of shape (N, >= {NumLayers}, {DlatentSize}), got [{string.Join(", ", dlatentsIn.shape)}]", nameof(dlatentsIn));
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
