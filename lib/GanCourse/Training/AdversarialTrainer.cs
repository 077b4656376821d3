using GanCourse.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// Top-k training (Sinha et al. 2020, "Top-k Training of GANs: Improving GAN Performance by Throwing Away Bad
/// Samples"; lecture 004's tips): the generator update uses only the k generated samples of the batch that the
/// discriminator scores as most realistic, the others' gradients are zeroed. k starts at the batch size B and
/// decays: k = max(⌈ν·B⌉, ⌊B·γ^⌊t / DecayEvery⌋⌋), t = generator step (the paper decays once per epoch).
/// </summary>
/// <param name="Gamma">γ, the decay factor per period.</param>
/// <param name="MinFraction">ν, the smallest k as a fraction of the batch.</param>
/// <param name="DecayEvery">Generator steps per decay period (an "epoch" of a stream of toy batches).</param>
public sealed record TopK(double Gamma = 0.99, double MinFraction = 0.5, int DecayEvery = 100)
{
    public int K(int batch, long generatorStep)
    {
        if (Gamma is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(Gamma), Gamma, "γ must be in (0, 1]");
        if (MinFraction is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(MinFraction), MinFraction, "ν must be in (0, 1]");
        if (DecayEvery < 1) throw new ArgumentOutOfRangeException(nameof(DecayEvery), DecayEvery, "DecayEvery must be at least 1");
        var min = (int)Math.Ceiling(MinFraction * batch);
        var k = (int)Math.Floor(batch * Math.Pow(Gamma, generatorStep / DecayEvery));
        return Math.Clamp(k, Math.Max(1, min), batch);
    }
}

/// <summary>Settings of an <see cref="AdversarialTrainer"/> (the networks, loss, data and optimizers are passed separately).</summary>
/// <param name="LatentDim">Size of z for the default prior z ~ N(0, I).</param>
/// <param name="BatchSize">Generated samples per generator step (the discriminator steps use as many as the real batch has).</param>
public sealed record AdversarialConfig(int LatentDim, int BatchSize)
{
    /// <summary>n_critic: discriminator (critic) updates per generator update, each on a fresh real batch (Goodfellow et al.'s k).</summary>
    public int CriticSteps { get; init; } = 1;
    /// <summary>Top-k generator updates; null = use the whole batch.</summary>
    public TopK? TopK { get; init; }
    /// <summary>Call <see cref="AdversarialTrainer.OnSnapshot"/> every this many steps (and before the first); 0 = never.</summary>
    public int SnapshotEvery { get; init; }
    /// <summary>Write a checkpoint to <see cref="CheckpointPath"/> every this many steps and at the end of <see cref="AdversarialTrainer.Train"/>; 0 = never.</summary>
    public int CheckpointEvery { get; init; }
    public string? CheckpointPath { get; init; }
    /// <summary>Check every gradient for NaN/Inf after each backward pass (a few small reductions per step).</summary>
    public bool CheckGradients { get; init; } = true;
}

/// <summary>What one training step did: losses (of the last critic update for D), mean raw scores, k of Top-k.</summary>
/// <param name="Samples">Real samples the step consumed (for a samples-per-second rate).</param>
public readonly record struct AdversarialStep(long Step, float DLoss, float GLoss, float RealScore, float FakeScore, int K, int Samples)
{
    /// <summary>The losses as a dictionary, the form <see cref="Visuals.TrainingView.Report"/> takes.</summary>
    public IReadOnlyDictionary<string, float> Losses => new Dictionary<string, float> { ["D"] = DLoss, ["G"] = GLoss };
}

/// <summary>
/// The course's one adversarial training loop (Goodfellow et al. 2014, Algorithm 1): for each step, <c>CriticSteps</c>
/// discriminator updates on a real batch and a generated batch, then one generator update on fresh noise.
/// The loss is pluggable (<see cref="IGanLoss"/>: minimax, non-saturating, later LSGAN/WGAN/WGAN-GP), so are the
/// optimizers (one factory per network), the data (a function returning the next real batch: toy points or images)
/// and the prior. Every step runs in its own dispose scope (memory stays flat), a NaN/Inf loss or gradient stops
/// training with <see cref="NonFiniteException"/>, and on CPU one seed gives the same run twice.
/// </summary>
public sealed class AdversarialTrainer : IDisposable
{
    const string Magic = "GanCourse.AdversarialTrainer/1";
    readonly Func<Tensor> realBatch;
    readonly Func<long, Tensor> latent;
    readonly optim.Optimizer optG, optD;
    readonly List<AdversarialStep> history = [];

    public nn.Module<Tensor, Tensor> Generator { get; }
    public nn.Module<Tensor, Tensor> Discriminator { get; }
    public IGanLoss Loss { get; }
    public AdversarialConfig Config { get; }
    public Device Device { get; }
    /// <summary>Completed steps (generator updates).</summary>
    public long Step { get; private set; }
    /// <summary>Discriminator updates done so far (CriticSteps per step).</summary>
    public long CriticUpdates { get; private set; }
    public IReadOnlyList<AdversarialStep> History => history;

    /// <summary>Called after every step, e.g. <c>s => view.Report(s.Step, s.Losses, s.Samples)</c>.</summary>
    public Action<AdversarialStep>? OnStep { get; set; }
    /// <summary>Called before the first step and every <see cref="AdversarialConfig.SnapshotEvery"/> steps.</summary>
    public Action<AdversarialTrainer>? OnSnapshot { get; set; }

    /// <param name="realBatch">Returns the next batch of real samples (B, ...), on any device.</param>
    /// <param name="generatorOptimizer">Builds G's optimizer, e.g. <c>p => optim.Adam(p, 3e-4)</c>.</param>
    /// <param name="discriminatorOptimizer">Builds D's optimizer.</param>
    /// <param name="latent">Samples n latent vectors on <see cref="Device"/>; default z ~ N(0, I) of size LatentDim.</param>
    public AdversarialTrainer(nn.Module<Tensor, Tensor> generator, nn.Module<Tensor, Tensor> discriminator, IGanLoss loss,
        Func<Tensor> realBatch, AdversarialConfig config,
        Func<IEnumerable<Parameter>, optim.Optimizer> generatorOptimizer,
        Func<IEnumerable<Parameter>, optim.Optimizer> discriminatorOptimizer,
        Device? device = null, Func<long, Tensor>? latent = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(discriminator);
        Loss = loss ?? throw new ArgumentNullException(nameof(loss));
        this.realBatch = realBatch ?? throw new ArgumentNullException(nameof(realBatch));
        Config = config ?? throw new ArgumentNullException(nameof(config));
        if (config.LatentDim < 1) throw new ArgumentOutOfRangeException(nameof(config), config.LatentDim, "LatentDim must be at least 1");
        if (config.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(config), config.BatchSize, "BatchSize must be at least 1");
        if (config.CriticSteps < 1) throw new ArgumentOutOfRangeException(nameof(config), config.CriticSteps, "CriticSteps (n_critic) must be at least 1");
        if (config.CheckpointEvery < 0 || config.SnapshotEvery < 0) throw new ArgumentOutOfRangeException(nameof(config), "CheckpointEvery and SnapshotEvery must be >= 0");
        if (config.CheckpointEvery > 0 && string.IsNullOrWhiteSpace(config.CheckpointPath))
            throw new ArgumentException($"CheckpointEvery = {config.CheckpointEvery} needs a CheckpointPath (a file to write).", nameof(config));
        Device = device ?? Course.Device;
        Generator = generator.to(Device);
        Discriminator = discriminator.to(Device);
        optG = generatorOptimizer(Generator.parameters());
        optD = discriminatorOptimizer(Discriminator.parameters());
        this.latent = latent ?? (n => randn(n, Config.LatentDim, device: Device));
    }

    /// <summary>One step: CriticSteps discriminator updates, then one generator update.</summary>
    public AdversarialStep TrainStep()
    {
        using var scope = NewDisposeScope();
        Generator.train();
        Discriminator.train();
        float dLoss = 0, realScore = 0, fakeScore = 0;
        var samples = 0;

        // Discriminator: descend −[log D(x) + log(1 − D(G(z)))] (or the loss's own objective), G fixed.
        for (var i = 0; i < Config.CriticSteps; i++)
        {
            using var inner = NewDisposeScope();
            var real = realBatch().to(Device);
            var n = real.shape[0];
            samples += (int)n;
            Tensor fake;
            using (no_grad()) fake = Generator.forward(latent(n));
            optD.zero_grad();
            var realOut = Discriminator.forward(real);
            var fakeOut = Discriminator.forward(fake);
            var loss = Loss.Discriminator(realOut, fakeOut);
            if (Loss is IDiscriminatorPenalty p) loss = loss + p.Penalty(Discriminator, real, fake);
            dLoss = NonFiniteGuard.Loss(loss, "D loss", Step);
            loss.backward();
            if (Config.CheckGradients) NonFiniteGuard.Gradients(Discriminator, "discriminator", Step);
            optD.step();
            if (Loss is ICriticConstraint c) c.Apply(Discriminator);
            CriticUpdates++;
            realScore = realOut.mean().item<float>();
            fakeScore = fakeOut.mean().item<float>();
        }

        // Generator: descend the generator loss through D (D's gradients are cleared before its next update).
        optG.zero_grad();
        var scores = Discriminator.forward(Generator.forward(latent(Config.BatchSize))).reshape(-1);
        var k = Config.TopK?.K(Config.BatchSize, Step) ?? Config.BatchSize;
        if (k < Config.BatchSize) scores = scores.topk(k).values; // Top-k: only the k most realistic fakes update G
        var gLossT = Loss.Generator(scores);
        var gLoss = NonFiniteGuard.Loss(gLossT, "G loss", Step);
        gLossT.backward();
        if (Config.CheckGradients) NonFiniteGuard.Gradients(Generator, "generator", Step);
        optG.step();

        var result = new AdversarialStep(Step, dLoss, gLoss, realScore, fakeScore, k, samples);
        Step++;
        history.Add(result);
        return result;
    }

    /// <summary>
    /// Runs <paramref name="steps"/> steps with the callbacks, snapshots and checkpoints of <see cref="Config"/>;
    /// returns this call's steps.
    /// </summary>
    public IReadOnlyList<AdversarialStep> Train(long steps)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be >= 0");
        var done = new List<AdversarialStep>();
        if (Config.SnapshotEvery > 0 && Step == 0) OnSnapshot?.Invoke(this);
        for (long i = 0; i < steps; i++)
        {
            var s = TrainStep();
            done.Add(s);
            OnStep?.Invoke(s);
            if (Config.SnapshotEvery > 0 && Step % Config.SnapshotEvery == 0) OnSnapshot?.Invoke(this);
            if (Config.CheckpointEvery > 0 && Step % Config.CheckpointEvery == 0) SaveCheckpoint(Config.CheckpointPath!);
        }
        if (Config.CheckpointEvery > 0 && steps > 0 && Step % Config.CheckpointEvery != 0) SaveCheckpoint(Config.CheckpointPath!);
        return done;
    }

    /// <summary>G(z) for z from the prior, without gradients, in eval mode, on the CPU.</summary>
    public Tensor Sample(long n)
    {
        using var _ = NewDisposeScope();
        return Generate(latent(n)).MoveToOuterDisposeScope();
    }

    /// <summary>G(z) for the given latents (e.g. a fixed noise batch), without gradients, in eval mode, on the CPU.</summary>
    public Tensor Generate(Tensor z)
    {
        using var _ = NewDisposeScope();
        Generator.eval();
        try
        {
            using (no_grad()) return Generator.forward(z.to(Device)).cpu().MoveToOuterDisposeScope();
        }
        finally { Generator.train(); }
    }

    /// <summary>
    /// Writes step, G, D and both optimizers' states to one file, atomically (temp file + rename: a crash never
    /// leaves a half-written checkpoint). The random number generator state is not saved.
    /// </summary>
    public string SaveCheckpoint(string path)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(Step);
            w.Write(CriticUpdates);
            Generator.save(w);
            Discriminator.save(w);
            SaveOptimizer(w, optG);
            SaveOptimizer(w, optD);
        }
        return AtomicFile.WriteAllBytes(path, ms.ToArray());
    }

    /// <summary>Restores a checkpoint written by <see cref="SaveCheckpoint"/> for the same architectures.</summary>
    public void LoadCheckpoint(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No checkpoint at {Path.GetFullPath(path)}.", path);
        using var r = new BinaryReader(File.OpenRead(path));
        string magic;
        try { magic = r.ReadString(); }
        catch (Exception e) when (e is EndOfStreamException or IOException) { magic = ""; }
        if (magic != Magic)
            throw new InvalidDataException($"{path} is not an AdversarialTrainer checkpoint (header '{magic}'). Pass a file written by SaveCheckpoint.");
        Step = r.ReadInt64();
        CriticUpdates = r.ReadInt64();
        Generator.load(r);
        Discriminator.load(r);
        LoadOptimizer(r, optG);
        LoadOptimizer(r, optD);
    }

    static void SaveOptimizer(BinaryWriter w, optim.Optimizer o)
    {
        var helper = o as OptimizerHelper;
        w.Write(helper is not null);
        helper?.save_state_dict(w);
    }

    static void LoadOptimizer(BinaryReader r, optim.Optimizer o)
    {
        if (!r.ReadBoolean()) return;
        if (o is OptimizerHelper helper) helper.load_state_dict(r);
        else throw new InvalidDataException("The checkpoint holds an optimizer state but this trainer's optimizer cannot load one.");
    }

    public void Dispose()
    {
        optG.Dispose();
        optD.Dispose();
    }
}
