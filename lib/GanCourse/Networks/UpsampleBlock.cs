using static TorchSharp.torch;

namespace GanCourse.Networks;

/// <summary>2^res x 2^res: conv0_up (upscale, 3x3 conv, blur), epi1, conv1, epi2.</summary>
public sealed class UpsampleBlock : SynthesisBlock
{
    readonly EqualizedConv2d conv0_up, conv1;
    readonly LayerEpilogue epi1, epi2;

    public UpsampleBlock(int inChannels, int outChannels, bool blur, int dlatentSize, double gain, bool useWScale) : base(nameof(UpsampleBlock))
    {
        conv0_up = new EqualizedConv2d(inChannels, outChannels, 3, gain: gain, useWScale: useWScale,
            intermediate: blur ? new BlurLayer() : null, upscale: true);
        epi1 = new LayerEpilogue(outChannels, dlatentSize, useWScale);
        conv1 = new EqualizedConv2d(outChannels, outChannels, 3, gain: gain, useWScale: useWScale);
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
