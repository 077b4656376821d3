using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// The two networks a BiGAN trains against its discriminator (Donahue et al. 2017, "Adversarial Feature Learning"):
/// the generator G: z → x and the encoder E: x → z, in one module so that one optimizer updates both, as the
/// paper's G/E step does. It produces the two kinds of pair the joint discriminator judges:
/// <list type="bullet">
/// <item><see cref="forward"/>(z) = (G(z), z), the generated pair ("fake");</item>
/// <item><see cref="EncodePair"/>(x) = (x, E(x)), the encoded real pair ("real").</item>
/// </list>
/// A pair is packed into one tensor [flatten(x), z] (<see cref="Pair"/>), because the training loop passes one
/// tensor per batch; <see cref="Training.GanModel.Bidirectional"/> wires it into <see cref="Training.AdversarialTrainer"/>.
/// </summary>
public sealed class Bigan : Module<Tensor, Tensor>
{
    readonly Module<Tensor, Tensor> generator;
    readonly BiganEncoder encoder;

    public Module<Tensor, Tensor> Generator => generator;
    public BiganEncoder Encoder => encoder;
    public int LatentDim => encoder.LatentDim;
    public int ImageDim => encoder.InputDim;

    public Bigan(Module<Tensor, Tensor> generator, BiganEncoder encoder) : base(nameof(Bigan))
    {
        this.generator = generator ?? throw new ArgumentNullException(nameof(generator));
        this.encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        RegisterComponents();
    }

    /// <summary>The packed pair [flatten(x), z]: (N, pixels + latent), what <see cref="JointDiscriminator"/> reads.</summary>
    public static Tensor Pair(Tensor x, Tensor z)
    {
        if (x.shape[0] != z.shape[0] || z.dim() != 2)
            throw new ArgumentException($"A pair needs one code per image: images [{string.Join(", ", x.shape)}], codes [{string.Join(", ", z.shape)}] (expected (N, latent)).");
        return cat([x.flatten(1), z], 1);
    }

    /// <summary>The generated pair (G(z), z).</summary>
    public override Tensor forward(Tensor z) => Pair(generator.forward(z), z);

    /// <summary>The real pair (x, E(x)).</summary>
    public Tensor EncodePair(Tensor x) => Pair(x, encoder.forward(x));

    /// <summary>The image part of packed pairs, as images of <paramref name="imageShape"/> (e.g. [1, 28, 28]).</summary>
    public static Tensor ImagesOf(Tensor pairs, long[] imageShape)
    {
        var pixels = imageShape.Aggregate(1L, (a, b) => a * b);
        return pairs[.., ..(int)pixels].reshape([pairs.shape[0], .. imageShape]);
    }

    /// <summary>G(z) without gradients, in eval mode, on the CPU.</summary>
    public Tensor Generate(Tensor z) => Evaluate(() => generator.forward(z.to(Device)));

    /// <summary>E(x) without gradients, in eval mode, on the CPU: the BiGAN's features of x.</summary>
    public Tensor Encode(Tensor x) => Evaluate(() => encoder.forward(x.to(Device)));

    /// <summary>G(E(x)) without gradients, in eval mode, on the CPU: a reconstruction the paper expects to be semantic, not pixel-exact.</summary>
    public Tensor Reconstruct(Tensor x) => Evaluate(() => generator.forward(encoder.forward(x.to(Device))));

    Device Device => parameters().First().device;

    Tensor Evaluate(Func<Tensor> f)
    {
        using var _ = NewDisposeScope();
        var wasTraining = training;
        eval();
        try
        {
            using (no_grad()) return f().cpu().MoveToOuterDisposeScope();
        }
        finally { if (wasTraining) train(); }
    }
}
