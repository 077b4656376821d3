using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>4x4: the learned constant <c>const</c> plus <c>bias</c>, epi1, 3x3 conv, epi2 (styles 0 and 1).</summary>
public sealed class InputBlock : SynthesisBlock
{
    readonly Parameter @const, bias;
    readonly LayerEpilogue epi1, epi2;
    readonly EqualizedConv2d conv;

    public InputBlock(int nf, int dlatentSize, double gain, bool useWScale) : base(nameof(InputBlock))
    {
        @const = Parameter(ones(1, nf, 4, 4)); // called 'const' in tf
        bias = Parameter(ones(nf));
        epi1 = new LayerEpilogue(nf, dlatentSize, useWScale);
        conv = new EqualizedConv2d(nf, nf, 3, gain: gain, useWScale: useWScale);
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
