using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>Adds noise: one value per pixel (shared by all channels) times a learned per-channel weight.
/// Set <see cref="Noise"/> to fix the noise (the seed's "little trick"); null draws fresh N(0, 1) noise.</summary>
public sealed class NoiseLayer : Module<Tensor, Tensor>
{
    readonly Parameter weight;

    public NoiseLayer(int channels) : base(nameof(NoiseLayer))
    {
        weight = Parameter(zeros(channels));
        RegisterComponents();
    }

    /// <summary>Fixed noise, shape (N or 1, 1, H, W); null = fresh noise every call.</summary>
    public Tensor? Noise { get; set; }

    public Parameter Weight => weight;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var noise = Noise ?? randn(x.size(0), 1, x.size(2), x.size(3), device: x.device, dtype: x.dtype);
        return (x + weight.view(1, -1, 1, 1) * noise).MoveToOuterDisposeScope();
    }
}
