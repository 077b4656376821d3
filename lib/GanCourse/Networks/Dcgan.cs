using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// The all-convolutional DCGAN generator of Radford et al. (2015, Figure 1), sized for small images: z is "projected
/// and reshaped" by a ConvTranspose2d(latent, C, 4, 1, 0) to C x 4 x 4, then fractionally-strided convolutions
/// ConvTranspose2d(·, ·, 4, stride 2, padding 1) double the resolution until <c>imgSize</c>, halving the channels each
/// time; BatchNorm + ReLU after every layer but the last, tanh at the output; no fully connected or pooling layers.
/// For 32x32 and <c>baseChannels</c> = 64: 100 -> 256x4x4 -> 128x8x8 -> 64x16x16 -> 1x32x32 (the layout of PyTorch's
/// DCGAN tutorial, whose parameter names <c>main.0.weight</c>, ... it keeps).
/// </summary>
public sealed class DcganGenerator : Module<Tensor, Tensor>
{
    readonly Sequential main;
    public int LatentDim { get; }
    public int ImgSize { get; }

    /// <param name="baseChannels">ngf: channels of the last hidden layer (doubled at each lower resolution).</param>
    public DcganGenerator(int latentDim = 100, int imgSize = 32, int channels = 1, int baseChannels = 64) : base(nameof(DcganGenerator))
    {
        if (latentDim < 1) throw new ArgumentOutOfRangeException(nameof(latentDim), latentDim, "latentDim must be at least 1");
        if (imgSize < 8 || (imgSize & (imgSize - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(imgSize), imgSize, "imgSize must be a power of two, at least 8 (4x4 doubled by each layer), e.g. 32 or 64");
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be at least 1");
        if (baseChannels < 1) throw new ArgumentOutOfRangeException(nameof(baseChannels), baseChannels, "baseChannels must be at least 1");
        (LatentDim, ImgSize) = (latentDim, imgSize);
        var upsamplings = (int)Math.Log2(imgSize / 4);            // 4 -> 8 -> ... -> imgSize
        var c = baseChannels << (upsamplings - 1);
        var layers = new List<Module<Tensor, Tensor>>
        {
            ConvTranspose2d(latentDim, c, 4, stride: 1, padding: 0, bias: false),    // 1x1 -> 4x4: "project and reshape"
            BatchNorm2d(c),
            ReLU(inplace: true),
        };
        for (var i = 1; i < upsamplings; i++)
        {
            layers.AddRange([ConvTranspose2d(c, c / 2, 4, stride: 2, padding: 1, bias: false), BatchNorm2d(c / 2), ReLU(inplace: true)]);
            c /= 2;
        }
        layers.AddRange([ConvTranspose2d(c, channels, 4, stride: 2, padding: 1, bias: false), Tanh()]);
        main = Sequential(layers);
        RegisterComponents();
    }

    /// <param name="z">(N, latentDim) or (N, latentDim, 1, 1).</param>
    public override Tensor forward(Tensor z)
    {
        if (z.dim() == 2 && z.shape[1] == LatentDim) z = z.view(z.shape[0], LatentDim, 1, 1);
        else if (z.dim() != 4 || z.shape[1] != LatentDim || z.shape[2] != 1 || z.shape[3] != 1)
            throw new ArgumentException($"DcganGenerator expects z of shape (N, {LatentDim}) or (N, {LatentDim}, 1, 1), got [{string.Join(", ", z.shape)}].", nameof(z));
        return main.forward(z);
    }
}
