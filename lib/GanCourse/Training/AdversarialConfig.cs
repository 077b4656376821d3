using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// Settings of an <see cref="AdversarialTrainer"/>: what makes one GAN's step differ from another's, besides the
/// networks, the loss and the optimizers. Everything but the latent size and batch size has the plain GAN's default.
/// </summary>
/// <param name="LatentDim">Size of z for the default prior z ~ N(0, I).</param>
/// <param name="BatchSize">Generated samples per generator step (the discriminator steps use as many as the real batch has).</param>
public sealed record AdversarialConfig(int LatentDim, int BatchSize)
{
    /// <summary>K for a conditional GAN: the default sampler then draws requested labels y' ~ U{0..K−1}; 0 = unconditional.</summary>
    public int Classes { get; init; }
    /// <summary>The generator's input distribution; null = N(0, I) (with uniform labels when <see cref="Classes"/> &gt; 0).</summary>
    public ILatentSampler? Sampler { get; init; }
    /// <summary>n_critic: discriminator (critic) updates per generator update, each on a fresh real batch (Goodfellow et al.'s k).</summary>
    public int CriticSteps { get; init; } = 1;
    /// <summary>Terms added to D's loss (R1, drift, ...), on top of a loss that is itself a penalty (WGAN-GP).</summary>
    public IReadOnlyList<IDiscriminatorPenalty> Penalties { get; init; } = [];
    /// <summary>Terms added to G's adversarial loss: pix2pix's L1 (<see cref="L1Reconstruction"/>), CycleGAN's cycle and identity losses.</summary>
    public IReadOnlyList<IGeneratorPenalty> GeneratorPenalties { get; init; } = [];
    /// <summary>Applied to D after each of its updates, on top of a loss that is itself a constraint (WGAN's clipping).</summary>
    public ICriticConstraint? Constraint { get; init; }
    /// <summary>Applied to every real batch before D sees it (ProGAN: shrink to the current resolution and fade in).</summary>
    public Func<Tensor, Tensor>? RealTransform { get; init; }
    /// <summary>
    /// λ of the auxiliary classifier's cross-entropy (AC-GAN, Odena et al. 2017), used when D returns class logits:
    /// D minimises its adversarial loss + λ·L_C, G its adversarial loss + λ·CE(C(G(z, y')), y').
    /// For MGAN (<see cref="GanModel.Mixture"/>) it is β: C learns on the fakes only, G adds β·CE(C(G_k(z)), k).
    /// </summary>
    public double AuxWeight { get; init; } = 1.0;
    /// <summary>Gaussian noise on every input of D, annealed to 0 (<see cref="Training.InstanceNoise"/>); null = none.</summary>
    public InstanceNoise? InstanceNoise { get; init; }
    /// <summary>
    /// Experience replay: D's generated batch comes through this buffer of past fakes (<see cref="ImagePool"/>);
    /// null = the newest fakes only. Unconditional GANs only (a replayed fake has no label). The buffer is not
    /// checkpointed, so a resumed run with replay is an equivalent run, not a bit-identical one.
    /// </summary>
    public ImagePool? FakeReplay { get; init; }
    /// <summary>
    /// Unrolled GAN (<see cref="UnrolledDiscriminator"/>): G's loss through D after K look-ahead steps; null = the
    /// plain GAN (K = 0). Unconditional GANs whose discriminator implements <see cref="IFunctionalDiscriminator"/>.
    /// </summary>
    public UnrolledDiscriminator? Unrolling { get; init; }
    /// <summary>
    /// Feature matching (Salimans et al. 2016, eq. 4; <see cref="Training.FeatureMatching"/>): G minimises
    /// ‖E f(x) − E f(G(z))‖² on D's features instead of the loss's generator term; null = the loss's own G objective.
    /// Unconditional GANs whose discriminator implements <see cref="IFeatureDiscriminator"/>.
    /// </summary>
    public FeatureMatching? FeatureMatching { get; init; }
    /// <summary>Top-k generator updates; null = use the whole batch.</summary>
    public TopK? TopK { get; init; }
    /// <summary>Call <see cref="AdversarialTrainer.OnSnapshot"/> every this many steps (and before the first); 0 = never.</summary>
    public int SnapshotEvery { get; init; }
    /// <summary>Write a checkpoint to <see cref="CheckpointPath"/> every this many steps and at the end of <see cref="AdversarialTrainer.Train"/>; 0 = never.</summary>
    public int CheckpointEvery { get; init; }
    public string? CheckpointPath { get; init; }
    /// <summary>Check every gradient for NaN/Inf after each backward pass (a few small reductions per step).</summary>
    public bool CheckGradients { get; init; } = true;

    internal void Validate()
    {
        if (LatentDim < 1) throw new ArgumentOutOfRangeException(nameof(LatentDim), LatentDim, "LatentDim must be at least 1");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1");
        if (Classes < 0) throw new ArgumentOutOfRangeException(nameof(Classes), Classes, "Classes must be >= 0 (0 = unconditional)");
        if (CriticSteps < 1) throw new ArgumentOutOfRangeException(nameof(CriticSteps), CriticSteps, "CriticSteps (n_critic) must be at least 1");
        if (CheckpointEvery < 0 || SnapshotEvery < 0) throw new ArgumentOutOfRangeException(nameof(CheckpointEvery), "CheckpointEvery and SnapshotEvery must be >= 0");
        if (CheckpointEvery > 0 && string.IsNullOrWhiteSpace(CheckpointPath))
            throw new ArgumentException($"CheckpointEvery = {CheckpointEvery} needs a CheckpointPath (a file to write).");
        if (!double.IsFinite(AuxWeight) || AuxWeight < 0) throw new ArgumentOutOfRangeException(nameof(AuxWeight), AuxWeight, "AuxWeight must be a finite number >= 0");
        InstanceNoise?.Validate();
        Unrolling?.Validate();
        if (Unrolling is not null && Classes > 0) throw new ArgumentException("Unrolling works for unconditional GANs only.");
        if (Unrolling is not null && GeneratorPenalties.Count > 0)
            throw new ArgumentException($"GeneratorPenalties ({string.Join(", ", GeneratorPenalties.Select(p => p.Name))}) and Unrolling do not combine: use one of them.");
        FeatureMatching?.Validate();
        if (FeatureMatching is not null && Classes > 0) throw new ArgumentException($"FeatureMatching works for unconditional GANs only (Classes = {Classes}).");
        if (FeatureMatching is not null && Unrolling is not null)
            throw new ArgumentException("FeatureMatching and Unrolling both replace G's objective: set one of them (feature matching uses the current D's features, unrolling D's look-ahead).");
        if (FakeReplay is not null && Classes > 0)
            throw new ArgumentException($"FakeReplay replays fakes without their labels: it works for unconditional GANs only (Classes = {Classes}).");
        foreach (var p in Penalties)
            if (p.Every < 1) throw new ArgumentOutOfRangeException(nameof(Penalties), p.Every, $"penalty {p.Name}: Every must be at least 1");
    }

    /// <summary>The sampler the trainer uses: <see cref="Sampler"/>, else N(0, I) with uniform labels for K classes.</summary>
    public ILatentSampler ResolveSampler() => Sampler
        ?? (Classes > 0 ? new ConditionalLatentSampler(LatentDim, Classes) : new GaussianLatentSampler(LatentDim));
}
