using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// A PixelCNN for binary images (van den Oord et al. 2016, "Pixel Recurrent Neural Networks", section 3.4 and Table 4;
/// the binarised-MNIST model of their section 5): an autoregressive model that writes the density exactly as a
/// product of conditionals in raster order,
/// <code>p(x) = Π_i p(x_i | x_1, ..., x_(i-1)),     p(x_i = 1 | x_&lt;i) = σ(logit_i(x_&lt;i))</code>
/// (a Bernoulli per pixel: the 2-way softmax of the paper's 256-way one). Layers:
/// <code>
/// x (B, 1, H, W) -> 7x7 masked conv, mask A, 1 -> h                        ("conv1")
///   -> residual blocks: ReLU, 1x1 h -> h/2, ReLU, 3x3 mask B h/2 -> h/2, ReLU, 1x1 h/2 -> h, + input   (paper Figure 5)
///   -> ReLU, 1x1 h -> h, ReLU, 1x1 h -> 1: one logit per pixel          ("out1", "out2")
/// </code>
/// Mask A in the first layer keeps x_i out of its own logit; masks B and 1x1 convolutions never look further ahead,
/// so the whole stack is causal and one forward pass gives all D conditionals at once (training is parallel).
/// Sampling is not: pixel i can only be drawn once pixels 1..i-1 are, D forward passes per image (<see cref="Sample"/>).
/// </summary>
public sealed class PixelCnn : Module<Tensor, Tensor>
{
    readonly MaskedConv2d conv1;
    readonly ModuleList<Module<Tensor, Tensor>> blocks;
    readonly Conv2d out1, out2;

    public int Hidden { get; }
    public int ResidualBlocks { get; }

    /// <param name="hidden">h: feature maps between the layers (the paper uses 2·128 for MNIST; 32 to 64 train on a CPU).</param>
    /// <param name="residualBlocks">Residual blocks with a 3x3 mask-B convolution each (the paper stacks 15 layers).</param>
    public PixelCnn(int hidden = 32, int residualBlocks = 4) : base(nameof(PixelCnn))
    {
        if (hidden < 2 || hidden % 2 != 0) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "hidden must be an even number of at least 2 (the residual blocks halve it)");
        if (residualBlocks < 0) throw new ArgumentOutOfRangeException(nameof(residualBlocks), residualBlocks, "residualBlocks must be 0 or more");
        (Hidden, ResidualBlocks) = (hidden, residualBlocks);
        conv1 = new MaskedConv2d(MaskType.A, 1, hidden, 7);
        blocks = new ModuleList<Module<Tensor, Tensor>>(Enumerable.Range(0, residualBlocks).Select(_ => (Module<Tensor, Tensor>)new PixelCnnResidualBlock(hidden)).ToArray());
        out1 = Conv2d(hidden, hidden, 1);
        out2 = Conv2d(hidden, 1, 1);
        RegisterComponents();
    }

    /// <summary>Logits (B, 1, H, W) of p(x_ij = 1 | pixels before (i, j)) for binary images x (B, 1, H, W) in {0, 1}.</summary>
    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != 1)
            throw new ArgumentException($"PixelCnn expects binary images of shape (B, 1, H, W), got [{string.Join(", ", x.shape)}].", nameof(x));
        using var scope = NewDisposeScope();
        var h = conv1.forward(x);
        foreach (var b in blocks) h = b.forward(h);
        h = out1.forward(functional.relu(h));
        return out2.forward(functional.relu(h)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// −log p(x) in nats per image, averaged over the batch: the exact negative log-likelihood, the sum over the D pixels
    /// of −log p(x_i | x_&lt;i) = BCE(σ(logit_i), x_i).
    /// </summary>
    public Tensor NegativeLogLikelihood(Tensor x)
    {
        using var scope = NewDisposeScope();
        var sum = functional.binary_cross_entropy_with_logits(forward(x), x, reduction: Reduction.Sum);
        return (sum / x.shape[0]).MoveToOuterDisposeScope();
    }

    /// <summary>Bits per dimension of a negative log-likelihood in nats per image of <paramref name="dimensions"/> values: nats / (D ln 2).</summary>
    public static double BitsPerDim(double natsPerImage, int dimensions) =>
        dimensions >= 1 ? natsPerImage / (dimensions * Math.Log(2))
            : throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "an image has at least one dimension (pixel)");

    /// <summary>
    /// Draws <paramref name="n"/> binary images pixel by pixel in raster order: for each of the H·W pixels a full forward
    /// pass, then x_ij ~ Bernoulli(σ(logit_ij)). <paramref name="onRow"/> sees the batch after each finished row (a live view).
    /// </summary>
    public Tensor Sample(int n, int height, int width, Generator? generator = null, Action<int, Tensor>? onRow = null)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "draw at least one sample");
        if (height < 1 || width < 1) throw new ArgumentException($"The image size must be positive, got {height}x{width}.");
        var device = parameters().First().device;
        using var _ = no_grad();
        var x = zeros([n, 1, height, width], device: device);
        for (var i = 0; i < height; i++)
        {
            for (var j = 0; j < width; j++)
            {
                using var scope = NewDisposeScope();
                var p = sigmoid(forward(x)[.., .., i, j]);
                x[.., .., i, j] = bernoulli(p, generator: generator);
            }
            onRow?.Invoke(i, x);
        }
        return x;
    }

    /// <summary>
    /// |∂ y_(row, col) / ∂ x| summed over channels, (H, W) on the CPU: which input pixels the output of <paramref name="net"/>
    /// at one position depends on (at a random input, so no weight is hidden by a zero activation; ReLU networks may
    /// still show an exact 0 where a unit is off). For a causal stack every non-zero lies before (row, col) in raster order.
    /// </summary>
    public static Tensor ReceptiveField(Func<Tensor, Tensor> net, int height, int width, int row, int col, int channels = 1, int seed = 0)
    {
        if (row < 0 || row >= height || col < 0 || col >= width)
            throw new ArgumentOutOfRangeException(nameof(row), $"({row}, {col}) is outside the {height}x{width} image.");
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var x = rand([1, channels, height, width], generator: new Generator((ulong)seed)).requires_grad_(true);
        var y = net(x);
        var g = autograd.grad([y[0, .., row, col].sum()], [x])[0];
        return g[0].abs().sum(dim: 0).detach().MoveToOuterDisposeScope();
    }
}
