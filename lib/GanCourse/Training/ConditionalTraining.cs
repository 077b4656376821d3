using GanCourse.Networks;
using GanCourse.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Training;

/// <summary>Settings of a <see cref="ConditionalTrainer"/>.</summary>
/// <param name="LatentDim">Size of z ~ N(0, I).</param>
/// <param name="Classes">K: the requested labels of the generated batches are drawn uniformly from 0..K-1.</param>
/// <param name="BatchSize">Generated samples per generator step.</param>
public sealed record ConditionalConfig(int LatentDim, int Classes, int BatchSize)
{
    /// <summary>Weight of the auxiliary classification loss L_C (AC-GAN only; ignored when D takes the label as input).</summary>
    public double AuxWeight { get; init; } = 1.0;
    /// <summary>Call <see cref="ConditionalTrainer.OnSnapshot"/> every this many steps (and before the first); 0 = never.</summary>
    public int SnapshotEvery { get; init; }
    /// <summary>Check every gradient for NaN/Inf after each backward pass.</summary>
    public bool CheckGradients { get; init; } = true;
}

/// <summary>
/// One conditional step: the adversarial losses, mean raw scores, and for AC-GAN the auxiliary losses and the
/// auxiliary classifier's accuracy on the real batch (NaN without an auxiliary classifier).
/// </summary>
public readonly record struct ConditionalStep(long Step, float DLoss, float GLoss, float RealScore, float FakeScore,
    float AuxLoss, float AuxAccuracy, int Samples)
{
    public IReadOnlyDictionary<string, float> Losses => float.IsNaN(AuxLoss)
        ? new Dictionary<string, float> { ["D"] = DLoss, ["G"] = GLoss }
        : new Dictionary<string, float> { ["D"] = DLoss, ["G"] = GLoss, ["aux CE"] = AuxLoss };
}

/// <summary>
/// The conditional GAN loop (Mirza &amp; Osindero 2014; lecture 000: min_G max_D E log D(x|y) + E log(1 − D(G(z|y)))).
/// Like <see cref="AdversarialTrainer"/>, with labels: each step draws a real batch (x, y), requested labels
/// y' ~ U{0..K-1} and z ~ N(0, I), updates D on (x, y) vs (G(z, y'), y'), then G on fresh (z, y').
/// <para>With an AC-GAN discriminator (<see cref="IConditionalDiscriminator.Judge"/> returns class logits) the
/// objective is Odena et al.'s: L_S = the adversarial loss, L_C = CE(C(x), y) + CE(C(G(z, y')), y');
/// D minimises its adversarial loss + λ L_C, G minimises its adversarial loss + λ CE(C(G(z, y')), y').</para>
/// The adversarial loss is any <see cref="IGanLoss"/> (non-saturating BCE as in lecture 004). Every step runs in its
/// own dispose scope; NaN/Inf stops the run with <see cref="NonFiniteException"/>; one seed gives one run on CPU.
/// </summary>
public sealed class ConditionalTrainer : IDisposable
{
    readonly Func<(Tensor Images, Tensor Labels)> realBatch;
    readonly IConditionalDiscriminator judge;
    readonly optim.Optimizer optG, optD;
    readonly List<ConditionalStep> history = [];

    public nn.Module<Tensor, Tensor, Tensor> Generator { get; }
    public nn.Module Discriminator { get; }
    public IGanLoss Loss { get; }
    public ConditionalConfig Config { get; }
    public Device Device { get; }
    public long Step { get; private set; }
    public IReadOnlyList<ConditionalStep> History => history;
    public Action<ConditionalStep>? OnStep { get; set; }
    public Action<ConditionalTrainer>? OnSnapshot { get; set; }

    /// <param name="generator">G(z, y): images for the requested labels.</param>
    /// <param name="discriminator">A module implementing <see cref="IConditionalDiscriminator"/>.</param>
    /// <param name="realBatch">Returns the next real batch (images, int64 labels), on any device.</param>
    public ConditionalTrainer(nn.Module<Tensor, Tensor, Tensor> generator, IConditionalDiscriminator discriminator, IGanLoss loss,
        Func<(Tensor Images, Tensor Labels)> realBatch, ConditionalConfig config,
        Func<IEnumerable<Parameter>, optim.Optimizer> generatorOptimizer,
        Func<IEnumerable<Parameter>, optim.Optimizer> discriminatorOptimizer, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (discriminator is not nn.Module dModule)
            throw new ArgumentException($"The discriminator must be a TorchSharp module, got {discriminator?.GetType().Name ?? "null"}.", nameof(discriminator));
        Loss = loss ?? throw new ArgumentNullException(nameof(loss));
        this.realBatch = realBatch ?? throw new ArgumentNullException(nameof(realBatch));
        Config = config ?? throw new ArgumentNullException(nameof(config));
        if (config.LatentDim < 1) throw new ArgumentOutOfRangeException(nameof(config), config.LatentDim, "LatentDim must be at least 1");
        if (config.Classes < 1) throw new ArgumentOutOfRangeException(nameof(config), config.Classes, "Classes must be at least 1");
        if (config.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(config), config.BatchSize, "BatchSize must be at least 1");
        if (config.SnapshotEvery < 0) throw new ArgumentOutOfRangeException(nameof(config), config.SnapshotEvery, "SnapshotEvery must be >= 0");
        if (!double.IsFinite(config.AuxWeight) || config.AuxWeight < 0)
            throw new ArgumentOutOfRangeException(nameof(config), config.AuxWeight, "AuxWeight must be a finite number >= 0");
        Device = device ?? Course.Device;
        Generator = generator.to(Device);
        Discriminator = dModule.to(Device);
        judge = discriminator;
        optG = generatorOptimizer(Generator.parameters());
        optD = discriminatorOptimizer(Discriminator.parameters());
    }

    /// <summary>n requested labels drawn uniformly from 0..K-1.</summary>
    public Tensor RandomLabels(long n) => randint(0, Config.Classes, [n], dtype: int64, device: Device);

    /// <summary>One discriminator update, then one generator update.</summary>
    public ConditionalStep TrainStep()
    {
        using var scope = NewDisposeScope();
        Generator.train();
        Discriminator.train();

        // Discriminator: real (x, y) -> real, (G(z, y'), y') -> fake; AC-GAN: also classify both.
        var (x, y) = realBatch();
        x = x.to(Device);
        y = y.to(Device);
        var n = x.shape[0];
        if (y.dim() != 1 || y.shape[0] != n)
            throw new ArgumentException($"The real batch has {n} images but labels of shape [{string.Join(", ", y.shape)}].");
        var yFake = RandomLabels(n);
        Tensor fake;
        using (no_grad()) fake = Generator.forward(randn(n, Config.LatentDim, device: Device), yFake);
        optD.zero_grad();
        var (realOut, realCls) = judge.Judge(x, y);
        var (fakeOut, fakeCls) = judge.Judge(fake, yFake);
        var dLossT = Loss.Discriminator(realOut, fakeOut);
        float aux = float.NaN, auxAcc = float.NaN;
        if (realCls is not null && fakeCls is not null)
        {
            var lc = F.cross_entropy(realCls, y) + F.cross_entropy(fakeCls, yFake);   // L_C (Odena et al. 2017, eq. 2)
            dLossT = dLossT + Config.AuxWeight * lc;
            aux = lc.item<float>() / 2;
            auxAcc = realCls.argmax(1).eq(y).to(float32).mean().item<float>();
        }
        var dLoss = NonFiniteGuard.Loss(dLossT, "D loss", Step);
        dLossT.backward();
        if (Config.CheckGradients) NonFiniteGuard.Gradients(Discriminator, "discriminator", Step);
        optD.step();
        var realScore = realOut.mean().item<float>();
        var fakeScore = fakeOut.mean().item<float>();

        // Generator: fool D for the requested labels; AC-GAN: and be classified as the requested label.
        optG.zero_grad();
        var yG = RandomLabels(Config.BatchSize);
        var (gOut, gCls) = judge.Judge(Generator.forward(randn(Config.BatchSize, Config.LatentDim, device: Device), yG), yG);
        var gLossT = Loss.Generator(gOut);
        if (gCls is not null) gLossT = gLossT + Config.AuxWeight * F.cross_entropy(gCls, yG);
        var gLoss = NonFiniteGuard.Loss(gLossT, "G loss", Step);
        gLossT.backward();
        if (Config.CheckGradients) NonFiniteGuard.Gradients(Generator, "generator", Step);
        optG.step();

        var result = new ConditionalStep(Step, dLoss, gLoss, realScore, fakeScore, aux, auxAcc, (int)n);
        Step++;
        history.Add(result);
        return result;
    }

    /// <summary>Runs <paramref name="steps"/> steps with the callbacks and snapshots; returns this call's steps.</summary>
    public IReadOnlyList<ConditionalStep> Train(long steps)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be >= 0");
        var done = new List<ConditionalStep>();
        if (Config.SnapshotEvery > 0 && Step == 0) OnSnapshot?.Invoke(this);
        for (long i = 0; i < steps; i++)
        {
            var s = TrainStep();
            done.Add(s);
            OnStep?.Invoke(s);
            if (Config.SnapshotEvery > 0 && Step % Config.SnapshotEvery == 0) OnSnapshot?.Invoke(this);
        }
        return done;
    }

    /// <summary>G(z, y) for the given latents and labels, without gradients, in eval mode, on the CPU.</summary>
    public Tensor Generate(Tensor z, Tensor labels) => ConditionalSampling.Generate(Generator, z, labels, Device);

    /// <summary>One sample per requested label (fresh noise).</summary>
    public Tensor Sample(Tensor labels)
    {
        using var _ = NewDisposeScope();
        return Generate(randn(labels.shape[0], Config.LatentDim), labels).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        optG.Dispose();
        optD.Dispose();
    }
}

/// <summary>Sampling helpers for conditional generators: class grids, interpolations, class switching.</summary>
public static class ConditionalSampling
{
    /// <summary>G(z, y) without gradients, in eval mode (BatchNorm uses its running statistics), on the CPU.</summary>
    public static Tensor Generate(nn.Module<Tensor, Tensor, Tensor> generator, Tensor z, Tensor labels, Device? device = null)
    {
        if (labels.numel() > 0 && z.shape[0] != labels.shape[0])   // no labels: an unconditional generator (classes: 0)
            throw new ArgumentException($"{z.shape[0]} latent vectors but {labels.shape[0]} labels: pass one label per z.");
        using var _ = NewDisposeScope();
        var dev = device ?? z.device;
        var wasTraining = generator.training;
        generator.eval();
        try
        {
            using (no_grad()) return generator.forward(z.to(dev), labels.to(dev)).cpu().MoveToOuterDisposeScope();
        }
        finally { if (wasTraining) generator.train(); }
    }

    /// <summary>Labels for a grid with one row per class: 0 repeated <paramref name="perClass"/> times, then 1, ... (K·perClass).</summary>
    public static Tensor RowLabels(int classes, int perClass) => arange(classes, dtype: int64).repeat_interleave(perClass);

    /// <summary>
    /// Latents along a straight line from z0 to z1 (steps points, ends included): (steps, d). Both ends should come
    /// from the prior; a straight line between two Gaussian samples passes closer to the origin than typical z
    /// (their norm dips by up to 1/√2), which the generator handles well at this size.
    /// </summary>
    public static Tensor Interpolate(Tensor z0, Tensor z1, int steps)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "an interpolation needs at least 2 points");
        using var _ = NewDisposeScope();
        var t = linspace(0, 1, steps, dtype: z0.dtype).unsqueeze(1);
        return (z0.reshape(1, -1) * (1 - t) + z1.reshape(1, -1) * t).MoveToOuterDisposeScope();
    }
}

/// <summary>Endless streams of mini-batches for the training loops, one epoch after another.</summary>
public static class LabelledBatches
{
    /// <summary>
    /// Returns a function that gives the next (images, labels) batch of <paramref name="data"/> on
    /// <paramref name="device"/>, reshuffling (with <see cref="Course.Random"/>) at each epoch and skipping the last
    /// incomplete batch. Each batch is a copy: it stays valid until its owner (e.g. the step's dispose scope) frees it.
    /// </summary>
    public static Func<(Tensor Images, Tensor Labels)> Forever(Data.ImageDataset data, int batchSize, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (batchSize < 1 || batchSize > data.Count)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be between 1 and the dataset's {data.Count} images");
        IEnumerable<(Tensor, Tensor)> Epochs()
        {
            while (true)
                foreach (var b in data.Batches(batchSize, device: device, dropLast: true)) yield return b;
        }
        var it = Epochs().GetEnumerator();
        return () =>
        {
            it.MoveNext();
            return (it.Current.Item1.clone(), it.Current.Item2.clone());
        };
    }

    /// <summary>Images only (the labels are not used), e.g. the unlabelled stream of the semi-supervised GAN.</summary>
    public static Func<Tensor> ImagesForever(Data.ImageDataset data, int batchSize, Device? device = null)
    {
        var next = Forever(data, batchSize, device);
        return () =>
        {
            var (x, y) = next();
            y.Dispose();
            return x;
        };
    }
}
