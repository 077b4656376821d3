using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// BiGAN's generator G: z → x for MNIST, fully connected as in Donahue et al. (2017)'s permutation-invariant model:
/// z → Linear h → BatchNorm → ReLU → Linear h → BatchNorm → ReLU → Linear C·H·W → Tanh, viewed as (N, C, H, W) in [−1, 1].
/// </summary>
public sealed class BiganGenerator : Module<Tensor, Tensor>
{
    readonly Sequential model;
    readonly long[] imageShape;
    public int LatentDim { get; }

    public BiganGenerator(int latentDim = 50, int hidden = 512, int imageSize = 28, int channels = 1) : base(nameof(BiganGenerator))
    {
        if (latentDim < 1) throw new ArgumentOutOfRangeException(nameof(latentDim), latentDim, "latentDim must be at least 1");
        if (hidden < 1) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "hidden must be at least 1");
        if (imageSize < 1 || channels < 1) throw new ArgumentOutOfRangeException(nameof(imageSize), $"imageSize ({imageSize}) and channels ({channels}) must be at least 1");
        LatentDim = latentDim;
        imageShape = [channels, imageSize, imageSize];
        model = Sequential(Linear(latentDim, hidden), BatchNorm1d(hidden), ReLU(), Linear(hidden, hidden), BatchNorm1d(hidden), ReLU(),
            Linear(hidden, channels * imageSize * imageSize), Tanh());
        RegisterComponents();
    }

    /// <summary>G(z): images (N, C, H, W) in [−1, 1] for codes (N, latentDim).</summary>
    public override Tensor forward(Tensor z)
    {
        if (z.dim() != 2 || z.shape[1] != LatentDim)
            throw new ArgumentException($"BiganGenerator expects z of shape (N, {LatentDim}), got [{string.Join(", ", z.shape)}].", nameof(z));
        return model.forward(z).view([z.shape[0], .. imageShape]);
    }
}
