using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

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
