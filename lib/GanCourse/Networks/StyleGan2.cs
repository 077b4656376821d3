using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Networks;

/// <summary>
/// StyleGAN2's modulated convolution with weight demodulation (Karras et al. 2019, sec. 2.2, as in
/// stylegan2-ada-pytorch's <c>modulated_conv2d</c>). The style s = A(w) scales the weights instead of the features:
/// <list type="bullet">
/// <item>modulation (eq. 1): w'_{ijk} = s_i · w_{ijk}</item>
/// <item>demodulation (eq. 3): w''_{ijk} = w'_{ijk} / sqrt(Σ_{i,k} w'_{ijk}² + ε), so unit-variance inputs give unit-variance outputs</item>
/// </list>
/// Each sample has its own weights; the batch runs as one grouped convolution (groups = N) over a (1, N·C, H, W) input.
/// </summary>
public sealed class ModulatedConv2d : Module<Tensor, Tensor, Tensor>
{
    readonly Parameter weight;
    readonly EqualizedLinear affine;
    readonly int kernelSize, inChannels, outChannels;
    readonly double wGain;

    public bool Demodulate { get; set; }

    public ModulatedConv2d(int inChannels, int outChannels, int kernelSize, int dlatentSize, bool demodulate = true)
        : base(nameof(ModulatedConv2d))
    {
        (this.inChannels, this.outChannels, this.kernelSize, Demodulate) = (inChannels, outChannels, kernelSize, demodulate);
        weight = Parameter(randn(outChannels, inChannels, kernelSize, kernelSize));
        wGain = 1.0 / Math.Sqrt(inChannels * kernelSize * kernelSize); // equalized learning rate
        affine = new EqualizedLinear(dlatentSize, inChannels, gain: 1, useWScale: true);
        using (no_grad()) affine.Bias!.fill_(1.0);                    // styles start at s = 1 (bias_init = 1)
        RegisterComponents();
    }

    /// <summary>The styles s = A(w), (N, in channels).</summary>
    public Tensor Styles(Tensor w) => affine.forward(w);

    /// <param name="x">(N, in, H, W) features.</param>
    /// <param name="w">(N, dlatent) the layer's w.</param>
    public override Tensor forward(Tensor x, Tensor w)
    {
        using var scope = NewDisposeScope();
        var n = x.size(0);
        var s = Styles(w);                                                                 // (N, in)
        var wt = weight.unsqueeze(0) * wGain * s.view(n, 1, -1, 1, 1);                     // modulate: (N, out, in, k, k)
        if (Demodulate)
            wt = wt * rsqrt(wt.pow(2).sum([2, 3, 4], keepdim: true) + 1e-8);               // demodulate, eq. (3)
        var pad = kernelSize / 2;
        var y = F.conv2d(x.reshape(1, n * inChannels, x.size(2), x.size(3)),
            wt.reshape(n * outChannels, inChannels, kernelSize, kernelSize), padding: [pad, pad], groups: n);
        return y.reshape(n, outChannels, y.size(2), y.size(3)).MoveToOuterDisposeScope();
    }
}
