using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// BiGAN's encoder E: x → z (Donahue et al. 2017, "Adversarial Feature Learning", section 3; the "inference network"
/// of ALI, Dumoulin et al. 2017). A fully connected network as in the paper's permutation-invariant MNIST model:
/// flatten(x) → Linear h → LeakyReLU 0.2 → Linear h → BatchNorm → LeakyReLU 0.2 → Linear latentDim (no output
/// activation: z lives in the prior's whole range, N(0, I) here).
/// </summary>
public sealed class BiganEncoder : Module<Tensor, Tensor>
{
    readonly Sequential model;
    public int InputDim { get; }
    public int LatentDim { get; }

    /// <param name="inputDim">Pixels per image (784 for MNIST); images (N, C, H, W) are flattened.</param>
    public BiganEncoder(int latentDim = 50, int inputDim = 28 * 28, int hidden = 512) : base(nameof(BiganEncoder))
    {
        if (latentDim < 1) throw new ArgumentOutOfRangeException(nameof(latentDim), latentDim, "latentDim must be at least 1");
        if (inputDim < 1) throw new ArgumentOutOfRangeException(nameof(inputDim), inputDim, "inputDim must be at least 1 (784 for 28x28 images)");
        if (hidden < 1) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "hidden must be at least 1");
        (InputDim, LatentDim) = (inputDim, latentDim);
        model = Sequential(Linear(inputDim, hidden), LeakyReLU(0.2), Linear(hidden, hidden), BatchNorm1d(hidden), LeakyReLU(0.2), Linear(hidden, latentDim));
        RegisterComponents();
    }

    /// <summary>E(x): (N, latentDim) codes of images (N, ...) with InputDim values each.</summary>
    public override Tensor forward(Tensor x)
    {
        var flat = x.flatten(1);
        if (flat.shape[1] != InputDim)
            throw new ArgumentException($"BiganEncoder expects {InputDim} values per image, got [{string.Join(", ", x.shape)}]. Build it with inputDim: {flat.shape[1]}.", nameof(x));
        return model.forward(flat);
    }
}
