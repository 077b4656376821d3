using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>The mapping network f: Z -> W: PixelNorm, then <c>layers</c> (dense, lrelu 0.2) with lrmul 0.01;
/// the output w is broadcast to one copy per synthesis layer: (N, broadcast, dlatent). Seed: 512 -> 8 x 512, 18 copies.</summary>
public sealed class MappingNetwork : Module<Tensor, Tensor>
{
    readonly PixelNorm pixel_norm = new();
    readonly List<EqualizedLinear> dense = [];
    readonly LeakyReLU act = LeakyReLU(0.2);

    public int LatentSize { get; }
    public int DlatentSize { get; }
    public int Broadcast { get; }

    public MappingNetwork(int latentSize = 512, int dlatentSize = 512, int layers = 8, int broadcast = 18,
        double lrmul = 0.01, bool useWScale = true) : base(nameof(MappingNetwork))
    {
        (LatentSize, DlatentSize, Broadcast) = (latentSize, dlatentSize, broadcast);
        for (var i = 0; i < layers; i++)
        {
            var layer = new EqualizedLinear(i == 0 ? latentSize : dlatentSize, dlatentSize, gain: Math.Sqrt(2), lrmul: lrmul, useWScale: useWScale);
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
