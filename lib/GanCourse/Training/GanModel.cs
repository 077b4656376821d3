using GanCourse.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// The two networks and how the training loop calls them (stylegan2-ada-pytorch's <c>run_G</c> and <c>run_D</c>):
/// the loop itself never needs to know whether a GAN is conditional, grows, or mixes styles.
/// </summary>
/// <param name="Generator">G, whose parameters the generator optimizer updates.</param>
/// <param name="Discriminator">D, whose parameters the discriminator optimizer updates.</param>
/// <param name="RunGenerator">G(latents): images (or points) for a batch of latents.</param>
/// <param name="RunDiscriminator">D(x, labels): the scores of a batch, given the labels it is judged for (null if unconditional).</param>
public sealed record GanModel(nn.Module Generator, nn.Module Discriminator,
    Func<Latents, Tensor> RunGenerator, Func<Tensor, Tensor?, DiscriminatorOutput> RunDiscriminator)
{
    /// <summary>
    /// Bidirectional GANs (BiGAN, Donahue et al. 2017; ALI, Dumoulin et al. 2017): turns a real batch x into the pair
    /// (x, E(x)) that D judges as real, with E inside <see cref="Generator"/>; null = D judges the real batch itself.
    /// When set, the trainer encodes each real batch (E fixed) in D's step, and the generator step adds E's term on an
    /// encoded real batch, so G and E descend V(D, E, G) together.
    /// </summary>
    public Func<Tensor, Tensor>? EncodeReal { get; init; }

    /// <summary>
    /// BiGAN: D(x, z) judges (x, E(x)) against (G(z), z); <paramref name="pair"/> holds G and E, so the generator
    /// optimizer updates both.
    /// </summary>
    public static GanModel Bidirectional(Bigan pair, nn.Module<Tensor, Tensor> jointDiscriminator)
    {
        ArgumentNullException.ThrowIfNull(pair);
        ArgumentNullException.ThrowIfNull(jointDiscriminator);
        return new(pair, jointDiscriminator, l => pair.forward(l.Z), (x, _) => new DiscriminatorOutput(jointDiscriminator.forward(x)))
        {
            EncodeReal = pair.EncodePair,
        };
    }

    /// <summary>G(z) and D(x): the GAN of lectures 000-004, DCGAN, WGAN, ProGAN.</summary>
    public static GanModel Unconditional(nn.Module<Tensor, Tensor> generator, nn.Module<Tensor, Tensor> discriminator) =>
        new(generator, discriminator, l => generator.forward(l.Z), (x, _) => new DiscriminatorOutput(discriminator.forward(x)));

    /// <summary>
    /// pix2pix (Isola et al. 2017): G(x) for an input image x (<see cref="Latents.Z"/>; its noise is dropout) and a
    /// conditional D that judges the input and the output stacked along the channels, D(x, y) against D(x, G(x)).
    /// The real batch is (x, y) stacked the same way (<see cref="PairedImageSampler.RealBatch"/>).
    /// </summary>
    public static GanModel Paired(nn.Module<Tensor, Tensor> generator, nn.Module<Tensor, Tensor> discriminator) =>
        new(generator, discriminator, l => cat([l.Z, generator.forward(l.Z)], 1), (x, _) => new DiscriminatorOutput(discriminator.forward(x)));

    /// <summary>
    /// MGAN (Hoang et al. 2018): K generators, G(z, k) for the generator index k the sampler hands out as labels
    /// (<see cref="MixtureLatentSampler"/>; i mod K when none is given, e.g. for a fixed evaluation noise), and D with a
    /// second head C that the loop trains to name each fake's generator (D's class logits, real samples unlabelled).
    /// </summary>
    public static GanModel Mixture(MixtureGenerator generator, MganDiscriminator discriminator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(discriminator);
        if (generator.Generators != discriminator.Generators)
            throw new ArgumentException($"The mixture has {generator.Generators} generators but the classifier names {discriminator.Generators}: build both with the same K.");
        return new(generator, discriminator,
            l => generator.forward(l.Z, l.Labels ?? MixtureLatentSampler.GeneratorIndex(l.Count, generator.Generators, l.Z.device)),
            (x, _) =>
            {
                var (scores, generators) = discriminator.Judge(x);
                return new DiscriminatorOutput(scores, generators);
            });
    }

    /// <summary>
    /// G(z, y) and D(x, y) (cGAN: D takes the label as input) or D(x) → (score, class logits) (AC-GAN), through
    /// <see cref="IConditionalDiscriminator.Judge"/>.
    /// </summary>
    public static GanModel Conditional(nn.Module<Tensor, Tensor, Tensor> generator, IConditionalDiscriminator discriminator)
    {
        if (discriminator is not nn.Module d)
            throw new ArgumentException($"The discriminator must be a TorchSharp module, got {discriminator?.GetType().Name ?? "null"}.", nameof(discriminator));
        return new(generator, d,
            l => generator.forward(l.Z, l.Labels ?? throw new ArgumentException("A conditional generator needs labels: use a ConditionalLatentSampler.")),
            (x, y) =>
            {
                var (scores, cls) = discriminator.Judge(x, y ?? throw new ArgumentException("A conditional discriminator needs the labels of its batch: give the real batch its labels (BatchStream.NextLabelled)."));
                return new DiscriminatorOutput(scores, cls);
            });
    }
}
