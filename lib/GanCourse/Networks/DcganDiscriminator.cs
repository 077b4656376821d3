using GanCourse.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// A DCGAN-style image discriminator (Radford et al. 2015: strided 4x4 convolutions, LeakyReLU 0.2, no pooling) with a
/// last hidden layer f(x) exposed for feature matching (<see cref="IFeatureDiscriminator"/>) and, optionally,
/// minibatch discrimination on f (Salimans et al. 2016, section 3.2) before the output: 1 x s x s -> b x s/2 -> 2b x s/4
/// -> 4b x s/8 -> Linear to <c>hidden</c> features -> [minibatch features] -> 1 logit. There is no BatchNorm: batch
/// statistics would normalise each batch's mean features away, and feature matching compares exactly those means
/// (and minibatch discrimination should be the only place where samples see each other).
/// </summary>
public sealed class DcganDiscriminator : Module<Tensor, Tensor>, IFeatureDiscriminator
{
    readonly Sequential body;
    readonly MinibatchDiscrimination? minibatch;
    readonly Linear head;

    public int ImgSize { get; }
    public int Channels { get; }
    public int Hidden { get; }
    public int MinibatchKernels { get; }

    public DcganDiscriminator(int imgSize = 32, int channels = 1, int baseChannels = 32, int hidden = 128, int minibatchKernels = 0, int kernelDim = 5)
        : base(nameof(DcganDiscriminator))
    {
        if (imgSize < 8 || imgSize % 8 != 0) throw new ArgumentOutOfRangeException(nameof(imgSize), imgSize, "imgSize must be a multiple of 8 (three stride-2 layers), e.g. 32");
        if (channels < 1 || baseChannels < 1 || hidden < 1) throw new ArgumentOutOfRangeException(nameof(baseChannels), "channels, baseChannels and hidden must be at least 1");
        if (minibatchKernels < 0) throw new ArgumentOutOfRangeException(nameof(minibatchKernels), minibatchKernels, "minibatchKernels must be >= 0 (0 = no minibatch discrimination)");
        (ImgSize, Channels, Hidden, MinibatchKernels) = (imgSize, channels, hidden, minibatchKernels);
        var s = imgSize / 8;
        body = Sequential(
            Conv2d(channels, baseChannels, 4, stride: 2, padding: 1), LeakyReLU(0.2),
            Conv2d(baseChannels, 2 * baseChannels, 4, stride: 2, padding: 1), LeakyReLU(0.2),
            Conv2d(2 * baseChannels, 4 * baseChannels, 4, stride: 2, padding: 1), LeakyReLU(0.2),
            Flatten(),
            Linear(4 * baseChannels * s * s, hidden), LeakyReLU(0.2));
        if (minibatchKernels > 0) minibatch = new MinibatchDiscrimination(hidden, minibatchKernels, kernelDim);
        head = Linear(hidden + minibatchKernels, 1);
        RegisterComponents();
    }

    /// <summary>f(x): the last hidden layer, (N, hidden).</summary>
    public Tensor Features(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != Channels || x.shape[2] != ImgSize || x.shape[3] != ImgSize)
            throw new ArgumentException($"DcganDiscriminator expects (N, {Channels}, {ImgSize}, {ImgSize}), got [{string.Join(", ", x.shape)}].", nameof(x));
        return body.forward(x);
    }

    /// <returns>(N, 1) logits.</returns>
    public override Tensor forward(Tensor x)
    {
        var f = Features(x);
        return head.forward(minibatch is null ? f : minibatch.forward(f));
    }
}
