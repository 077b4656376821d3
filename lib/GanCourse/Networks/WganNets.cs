using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>Normalisation inside a critic. BatchNorm is not offered: the WGAN-GP penalty is per sample and BatchNorm couples the samples of a batch.</summary>
public enum CriticNorm
{
    None,
    /// <summary>LayerNorm over (C, H, W) of each sample, as in the WGAN-GP paper's "layer norm for WGAN-GP".</summary>
    LayerNorm,
}

/// <summary>
/// A small DCGAN-style generator for 28x28 single-channel images (the shape of the WGAN-GP paper's MNIST model, at
/// a width a CPU trains in minutes): z -> Linear -> 4w x 7 x 7 -> BN, ReLU -> ConvTranspose 4x4 stride 2 -> 2w x 14 x 14
/// -> BN, ReLU -> ConvTranspose 4x4 stride 2 -> 1 x 28 x 28 -> tanh. BatchNorm is fine in the generator (WGAN-GP
/// keeps it there); only the critic must do without.
/// </summary>
public sealed class ConvGenerator28 : Module<Tensor, Tensor>
{
    readonly Sequential fc, net;
    readonly int width;
    public int LatentDim { get; }

    public ConvGenerator28(int latentDim = 64, int width = 16) : base(nameof(ConvGenerator28))
    {
        if (latentDim < 1) throw new ArgumentOutOfRangeException(nameof(latentDim), latentDim, "latentDim must be at least 1");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "width must be at least 1");
        (LatentDim, this.width) = (latentDim, width);
        fc = Sequential(Linear(latentDim, 4 * width * 7 * 7));
        net = Sequential(
            BatchNorm2d(4 * width), ReLU(),
            ConvTranspose2d(4 * width, 2 * width, 4, stride: 2, padding: 1),   // 7 -> 14
            BatchNorm2d(2 * width), ReLU(),
            ConvTranspose2d(2 * width, 1, 4, stride: 2, padding: 1),           // 14 -> 28
            Tanh());
        RegisterComponents();
    }

    public override Tensor forward(Tensor z)
    {
        using var _ = NewDisposeScope();
        return net.forward(fc.forward(z).view(z.shape[0], 4 * width, 7, 7)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// A small convolutional critic / discriminator for 28x28 images without BatchNorm: Conv 4x4 stride 2 (1 -> w,
/// 28 -> 14), LeakyReLU 0.2, Conv 4x4 stride 2 (w -> 2w, 14 -> 7), optional LayerNorm, LeakyReLU 0.2, Linear -> 1.
/// Its output is a raw score: a logit for the BCE losses, D(x) for LSGAN, f(x) for WGAN, so every loss trains the
/// same network. Inputs of 32x32 (padded data) are cropped to 28x28.
/// </summary>
public sealed class ConvCritic28 : Module<Tensor, Tensor>
{
    readonly Sequential features, head;
    public CriticNorm Norm { get; }

    public ConvCritic28(int width = 32, CriticNorm norm = CriticNorm.None) : base(nameof(ConvCritic28))
    {
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "width must be at least 1");
        Norm = norm;
        var layers = new List<Module<Tensor, Tensor>>
        {
            Conv2d(1, width, 4, stride: 2, padding: 1), LeakyReLU(0.2),
            Conv2d(width, 2 * width, 4, stride: 2, padding: 1),
        };
        if (norm == CriticNorm.LayerNorm) layers.Add(LayerNorm([2 * width, 7, 7]));
        layers.Add(LeakyReLU(0.2));
        features = Sequential(layers);
        head = Sequential(Flatten(), Linear(2 * width * 7 * 7, 1));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != 1 || !(x.shape[2] is 28 or 32) || x.shape[2] != x.shape[3])
            throw new ArgumentException($"ConvCritic28 expects images (N, 1, 28, 28) or (N, 1, 32, 32), got [{string.Join(", ", x.shape)}].", nameof(x));
        using var _ = NewDisposeScope();
        if (x.shape[2] == 32) x = x[.., .., 2..30, 2..30];
        return head.forward(features.forward(x)).MoveToOuterDisposeScope();
    }
}
