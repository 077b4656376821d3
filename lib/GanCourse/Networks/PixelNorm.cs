using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// Pixelwise feature vector normalization (ProGAN, Karras et al. 2018, section 4.2):
/// b_{x,y} = a_{x,y} / √(1/N Σ_j (a^j_{x,y})² + ε) over the N channels (dimension 1), ε = 1e-8. ProGAN's generator
/// applies it after every conv; StyleGAN's mapping network to z (the lecture's <c>PixelNormLayer</c>).
/// </summary>
public sealed class PixelNorm(double epsilon = 1e-8) : Module<Tensor, Tensor>(nameof(PixelNorm))
{
    public double Epsilon { get; } = epsilon;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return (x * rsqrt(x.pow(2).mean([1], keepdim: true) + Epsilon)).MoveToOuterDisposeScope();
    }
}
