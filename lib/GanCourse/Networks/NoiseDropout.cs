using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// Dropout used as a source of noise in a generator (ganhacks tip 17; pix2pix's U-Net, Isola et al. 2017, section
/// 3.1): unlike <c>nn.Dropout</c> it stays on in eval mode, so sampling draws a new mask every time, as in training.
/// </summary>
public sealed class NoiseDropout : Module<Tensor, Tensor>
{
    public double P { get; }

    public NoiseDropout(double p) : base(nameof(NoiseDropout))
    {
        if (!(p >= 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "The dropout probability must be in [0, 1).");
        P = p;
    }

    public override Tensor forward(Tensor x) => functional.dropout(x, P, training: true);
}
