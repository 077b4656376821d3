using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Networks;

/// <summary>
/// A fully connected layer with equalized learning rate (ProGAN, Karras et al. 2018, section 4.1) and a learning-rate
/// multiplier (StyleGAN's mapping network, lrmul = 0.01): with <c>useWScale</c> the weight is stored as N(0, 1/lrmul)
/// and multiplied at run time by w_mul = lrmul · gain/√fan_in (He's constant), the bias by lrmul. Adam's update is
/// invariant to a parameter's scale, so every layer then learns at the same speed whatever its fan-in, and the
/// multiplier slows a whole layer down by lrmul. Without <c>useWScale</c> the He scale is baked into the initial weights
/// instead (the lecture's option, unused by the kit). ProGAN and StyleGAN both use this one class; the field names
/// <c>weight</c> and <c>bias</c> are the lecture's (<c>MyLinear</c>), so its state dicts load unchanged.
/// </summary>
public sealed class EqualizedLinear : Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Parameter? bias;
    readonly double w_mul, b_mul;

    public EqualizedLinear(int inputSize, int outputSize, double gain = 1.4142135623730951, bool useWScale = true,
        double lrmul = 1, bool hasBias = true) : base(nameof(EqualizedLinear))
    {
        var heStd = gain * Math.Pow(inputSize, -0.5); // He init
        double initStd;
        if (useWScale) { initStd = 1.0 / lrmul; w_mul = heStd * lrmul; }
        else { initStd = heStd / lrmul; w_mul = lrmul; }
        weight = Parameter(randn(outputSize, inputSize) * initStd);
        if (hasBias) { bias = Parameter(zeros(outputSize)); b_mul = lrmul; }
        RegisterComponents();
    }

    /// <summary>The run-time multiplier of the weight (He's constant times lrmul with <c>useWScale</c>).</summary>
    public double Scale => w_mul;
    public Parameter Weight => weight;
    public Parameter? Bias => bias;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b = bias is null ? null : bias * b_mul;
        return F.linear(x, weight * w_mul, b).MoveToOuterDisposeScope();
    }
}
