using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// The convolutional autoencoder of lecture 000 ("Минутка кода", after Udacity's Convolutional_Autoencoder_Solution),
/// layer for layer, with its PyTorch parameter names (<c>conv1.weight</c>, <c>t_conv2.bias</c>, ...):
/// <code>
/// encoder: Conv2d(1, 16, 3, padding=1) -> ReLU -> MaxPool2d(2, 2) -> Conv2d(16, 4, 3, padding=1) -> ReLU -> MaxPool2d(2, 2)
/// decoder: ConvTranspose2d(4, 16, 2, stride=2) -> ReLU -> ConvTranspose2d(16, 1, 2, stride=2) -> sigmoid
/// </code>
/// A 1x28x28 image in [0, 1] becomes a 4x7x7 code (196 numbers, a quarter of the 784 pixels) and back.
/// </summary>
public sealed class LectureConvAutoencoder : Module<Tensor, Tensor>
{
    readonly Conv2d conv1, conv2;
    readonly MaxPool2d pool;
    readonly ConvTranspose2d t_conv1, t_conv2;

    public LectureConvAutoencoder() : base(nameof(LectureConvAutoencoder))
    {
        conv1 = Conv2d(1, 16, 3, padding: 1);           // depth 1 -> 16, 3x3 kernels
        conv2 = Conv2d(16, 4, 3, padding: 1);           // depth 16 -> 4, 3x3 kernels
        pool = MaxPool2d(2, 2);                         // halves height and width
        t_conv1 = ConvTranspose2d(4, 16, 2, stride: 2); // kernel 2, stride 2: doubles height and width
        t_conv2 = ConvTranspose2d(16, 1, 2, stride: 2);
        RegisterComponents();
    }

    /// <summary>The compressed representation: (B, 1, H, W) -> (B, 4, H/4, W/4).</summary>
    public Tensor Encode(Tensor x)
    {
        using var _ = NewDisposeScope();
        x = pool.forward(functional.relu(conv1.forward(x)));
        return pool.forward(functional.relu(conv2.forward(x))).MoveToOuterDisposeScope();
    }

    /// <summary>Code (B, 4, h, w) -> image (B, 1, 4h, 4w) in [0, 1].</summary>
    public Tensor Decode(Tensor code)
    {
        using var _ = NewDisposeScope();
        var x = functional.relu(t_conv1.forward(code));
        return sigmoid(t_conv2.forward(x)).MoveToOuterDisposeScope(); // sigmoid scales the output to [0, 1]
    }

    public override Tensor forward(Tensor x)
    {
        using var _ = NewDisposeScope();
        return Decode(Encode(x)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The lecture's "fully connected with a narrow bottleneck" (undercomplete) autoencoder: 784 -> hidden -> code -> hidden
/// -> 784 with ReLU in between and a sigmoid output. With <c>codeDim</c> much smaller than the number of pixels the
/// network cannot copy its input and must learn what the images have in common.
/// Parameter names: <c>encoder.1.weight</c>, <c>encoder.3.weight</c>, <c>decoder.0.weight</c>, <c>decoder.2.weight</c>.
/// </summary>
public sealed class BottleneckAutoencoder : Module<Tensor, Tensor>
{
    readonly Sequential encoder, decoder;
    readonly long[] imageShape;

    public int CodeDim { get; }

    public BottleneckAutoencoder(int codeDim, int hidden = 256, int height = 28, int width = 28) : base(nameof(BottleneckAutoencoder))
    {
        if (codeDim < 1) throw new ArgumentOutOfRangeException(nameof(codeDim), codeDim, "The code needs at least one dimension.");
        if (hidden < 1) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "The hidden layer needs at least one unit.");
        CodeDim = codeDim;
        imageShape = [1, height, width];
        var pixels = height * width;
        encoder = Sequential(Flatten(), Linear(pixels, hidden), ReLU(), Linear(hidden, codeDim));
        decoder = Sequential(Linear(codeDim, hidden), ReLU(), Linear(hidden, pixels), Sigmoid());
        RegisterComponents();
    }

    /// <summary>(B, 1, H, W) -> (B, codeDim).</summary>
    public Tensor Encode(Tensor x) => encoder.forward(x);

    /// <summary>(B, codeDim) -> (B, 1, H, W) in [0, 1].</summary>
    public Tensor Decode(Tensor code)
    {
        using var _ = NewDisposeScope();
        return decoder.forward(code).view([code.shape[0], .. imageShape]).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor x)
    {
        using var _ = NewDisposeScope();
        return Decode(Encode(x)).MoveToOuterDisposeScope();
    }
}
