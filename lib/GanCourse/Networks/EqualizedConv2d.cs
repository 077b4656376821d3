using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Networks;

/// <summary>
/// A convolution with equalized learning rate (see <see cref="EqualizedLinear"/>: weight N(0, 1/lrmul) times
/// lrmul · gain/√(in · k · k) at run time), shared by ProGAN and StyleGAN. Optionally preceded by a 2x
/// nearest-neighbour upscale and followed by an intermediate layer (StyleGAN's blur) before the bias. From 128 px on,
/// the upscale and the conv are fused into one transposed convolution with a 4x4 box-summed kernel, exactly as the
/// lecture (and NVIDIA) do. Padding is k/2 ("same") unless given (ProGAN's last 4x4 conv is "valid": 0).
/// </summary>
public sealed class EqualizedConv2d : Module<Tensor, Tensor>
{
    readonly Upscale2d? upscale;
    readonly Parameter weight;
    readonly Parameter? bias;
    readonly Module<Tensor, Tensor>? intermediate;
    readonly int kernel_size, padding;
    readonly double w_mul, b_mul;

    public EqualizedConv2d(int inputChannels, int outputChannels, int kernelSize, double gain = 1.4142135623730951,
        bool useWScale = true, double lrmul = 1, bool hasBias = true, Module<Tensor, Tensor>? intermediate = null,
        bool upscale = false, int padding = -1) : base(nameof(EqualizedConv2d))
    {
        if (upscale) this.upscale = new Upscale2d();
        var heStd = gain * Math.Pow(inputChannels * kernelSize * kernelSize, -0.5); // He init
        kernel_size = kernelSize;
        this.padding = padding < 0 ? kernelSize / 2 : padding;
        double initStd;
        if (useWScale) { initStd = 1.0 / lrmul; w_mul = heStd * lrmul; }
        else { initStd = heStd / lrmul; w_mul = lrmul; }
        weight = Parameter(randn(outputChannels, inputChannels, kernelSize, kernelSize) * initStd);
        if (hasBias) { bias = Parameter(zeros(outputChannels)); b_mul = lrmul; }
        this.intermediate = intermediate;
        RegisterComponents();
    }

    public Parameter Weight => weight;
    /// <summary>The run-time multiplier of the weight (He's constant times lrmul with <c>useWScale</c>).</summary>
    public double Scale => w_mul;

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

        var pad = padding;
        if (!haveConvolution && intermediate is null)
            return F.conv2d(x, weight * w_mul, b, padding: [pad, pad]).MoveToOuterDisposeScope();
        if (!haveConvolution)
            x = F.conv2d(x, weight * w_mul, null, padding: [pad, pad]);
        if (intermediate is not null) x = intermediate.forward(x);
        if (b is not null) x = x + b.view(1, -1, 1, 1);
        return x.MoveToOuterDisposeScope();
    }
}
