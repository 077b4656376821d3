using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>The truncation trick: w' = w_avg + psi (w - w_avg) for the first <c>maxLayer</c> styles (buffer <c>avg_latent</c>).</summary>
public sealed class Truncation : Module<Tensor, Tensor>
{
    readonly Tensor avg_latent;
    public int MaxLayer { get; }
    public double Threshold { get; }

    public Truncation(Tensor avgLatent, int maxLayer = 8, double threshold = 0.7) : base(nameof(Truncation))
    {
        avg_latent = avgLatent.detach().clone();
        (MaxLayer, Threshold) = (maxLayer, threshold);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 3) throw new ArgumentException($"Truncation expects w of shape (N, layers, dlatent), got {x.dim()} dimensions", nameof(x));
        using var scope = NewDisposeScope();
        var interp = lerp(avg_latent.to(x.device), x, Threshold);
        var doTrunc = (arange(x.size(1), device: x.device) < MaxLayer).view(1, -1, 1);
        return where(doTrunc, interp, x).MoveToOuterDisposeScope();
    }
}
