using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// BiGAN's discriminator D(x, z) (Donahue et al. 2017, Figure 1; ALI's joint discriminator, Dumoulin et al. 2017): it
/// judges a pair, an image together with a code. An x-branch (flatten → Linear h → LeakyReLU 0.2) and a z-branch
/// (Linear h → LeakyReLU 0.2) are joined by concatenation and read by Linear h → LeakyReLU 0.2 → Linear 1, the logit
/// of "this pair is (x, E(x)) of a real image" against "(G(z), z) of a generated one".
/// <para>
/// The training loop passes one tensor per batch, so a pair travels packed: <see cref="Bigan.Pair"/> = [flatten(x), z]
/// of shape (N, ImageDim + LatentDim); <see cref="forward"/> splits it. With <c>useLatent: false</c> the z-branch is
/// left out and D judges the image alone: a plain GAN's D, for the experiment "train without the z-branch".
/// </para>
/// </summary>
public sealed class JointDiscriminator : Module<Tensor, Tensor>
{
    readonly Sequential x_branch;
    readonly Sequential? z_branch;
    readonly Sequential joint;
    public int ImageDim { get; }
    public int LatentDim { get; }
    public bool UseLatent { get; }

    public JointDiscriminator(int latentDim = 50, int imageDim = 28 * 28, int hidden = 512, bool useLatent = true, double dropout = 0.2)
        : base(nameof(JointDiscriminator))
    {
        if (latentDim < 1) throw new ArgumentOutOfRangeException(nameof(latentDim), latentDim, "latentDim must be at least 1");
        if (imageDim < 1) throw new ArgumentOutOfRangeException(nameof(imageDim), imageDim, "imageDim must be at least 1 (784 for 28x28 images)");
        if (hidden < 1) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "hidden must be at least 1");
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "dropout must be in [0, 1)");
        (ImageDim, LatentDim, UseLatent) = (imageDim, latentDim, useLatent);
        x_branch = Sequential(Linear(imageDim, hidden), LeakyReLU(0.2), Dropout(dropout));
        if (useLatent) z_branch = Sequential(Linear(latentDim, hidden), LeakyReLU(0.2), Dropout(dropout));
        joint = Sequential(Linear(useLatent ? 2 * hidden : hidden, hidden), LeakyReLU(0.2), Dropout(dropout), Linear(hidden, 1));
        RegisterComponents();
    }

    /// <summary>The logit of D(x, z) for packed pairs (N, ImageDim + LatentDim).</summary>
    public override Tensor forward(Tensor pair)
    {
        if (pair.dim() != 2 || pair.shape[1] != ImageDim + LatentDim)
            throw new ArgumentException($"JointDiscriminator expects packed pairs (N, {ImageDim} + {LatentDim}), got [{string.Join(", ", pair.shape)}]: " +
                "build them with Bigan.Pair(x, z).", nameof(pair));
        var hx = x_branch.forward(pair[.., ..(int)ImageDim]);
        if (z_branch is null) return joint.forward(hx);
        var hz = z_branch.forward(pair[.., (int)ImageDim..]);
        return joint.forward(cat([hx, hz], 1));
    }
}
