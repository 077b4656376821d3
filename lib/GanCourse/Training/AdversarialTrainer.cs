using System.Diagnostics;
using System.Text.Json.Nodes;
using GanCourse.Runtime;
using GanCourse.Visuals;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Training;

/// <summary>What <see cref="AdversarialTrainer.Run"/> did: its steps and wall time.</summary>
public sealed record TrainingRun(IReadOnlyList<GanStep> Steps, double Seconds)
{
    public double MillisecondsPerStep => Steps.Count == 0 ? double.NaN : 1000 * Seconds / Steps.Count;
    public override string ToString() => $"{Steps.Count:N0} steps in {Seconds:F1} s ({MillisecondsPerStep:F0} ms per step)";
}

/// <summary>
/// The course's one adversarial training loop (Goodfellow et al. 2014, Algorithm 1): each step makes
/// <c>CriticSteps</c> discriminator updates, each on a real batch and a generated one, then one generator update on
/// fresh latents. Every GAN of the course is this loop with other parts:
/// <list type="bullet">
/// <item>the networks and how they are called (<see cref="GanModel"/>: unconditional, conditional, AC-GAN, K+1 classes, ProGAN, StyleGAN, BiGAN's pairs);</item>
/// <item>the latent sampler (<see cref="ILatentSampler"/>: N(0, I), requested labels, style mixing);</item>
/// <item>the loss (<see cref="IGanLoss"/>: minimax, non-saturating, LSGAN, WGAN, WGAN-GP);</item>
/// <item>discriminator penalties (<see cref="IDiscriminatorPenalty"/>: gradient penalty, R1 lazily every k updates, drift, labelled CE) and a critic constraint (weight clipping);</item>
/// <item>a real-batch transform (ProGAN's fade-in of the reals) and hooks around each step (<see cref="ITrainingHook"/>: EMA of G, ProGAN's schedule and optimizer reset).</item>
/// </list>
/// The discriminator step and the generator step are <see cref="DiscriminatorStep"/> and <see cref="GeneratorStep"/>,
/// below. Every step runs in its own dispose scope (memory stays flat), a NaN/Inf loss or gradient stops training with
/// <see cref="NonFiniteException"/>, and on the CPU one seed gives the same run twice.
/// </summary>
public sealed class AdversarialTrainer : IDisposable
{
    const string Magic = "GanCourse.AdversarialTrainer/1";
    readonly Func<RealBatch> realBatch;
    readonly ILatentSampler sampler;
    readonly IReadOnlyList<IDiscriminatorPenalty> penalties;
    readonly ICriticConstraint? constraint;
    readonly Func<IEnumerable<Parameter>, optim.Optimizer> makeOptG, makeOptD;
    readonly List<GanStep> history = [];
    optim.Optimizer optG, optD;

    public GanModel Model { get; }
    public nn.Module Generator => Model.Generator;
    public nn.Module Discriminator => Model.Discriminator;
    public IGanLoss Loss { get; }
    public AdversarialConfig Config { get; }
    public Device Device { get; }
    public ILatentSampler Sampler => sampler;
    public optim.Optimizer GeneratorOptimizer => optG;
    public optim.Optimizer DiscriminatorOptimizer => optD;
    /// <summary>Completed steps (generator updates).</summary>
    public long Step { get; private set; }
    /// <summary>Discriminator updates done so far (CriticSteps per step).</summary>
    public long CriticUpdates { get; private set; }
    /// <summary>Real samples shown to the discriminator so far (ProGAN's schedule counts in these).</summary>
    public long Images { get; private set; }
    public IReadOnlyList<GanStep> History => history;
    /// <summary>Run before and after every step, in order (add an <see cref="Ema"/> here).</summary>
    public List<ITrainingHook> Hooks { get; } = [];

    /// <summary>The hook of type <typeparamref name="T"/> (e.g. the <see cref="Ema"/> of G); a clear error if there is none.</summary>
    public T Hook<T>() where T : ITrainingHook =>
        Hooks.OfType<T>().FirstOrDefault() ?? throw new InvalidOperationException(
            $"This trainer has no {typeof(T).Name} hook (it has: {(Hooks.Count == 0 ? "none" : string.Join(", ", Hooks.Select(h => h.GetType().Name)))}). Add one to Hooks.");

    /// <summary>Called after every step.</summary>
    public Action<GanStep>? OnStep { get; set; }
    /// <summary>Called by <see cref="Train"/> before the first step and every <see cref="AdversarialConfig.SnapshotEvery"/> steps.</summary>
    public Action<AdversarialTrainer>? OnSnapshot { get; set; }

    /// <summary>An unconditional GAN G(z), D(x).</summary>
    /// <param name="realBatch">Returns the next batch of real samples (B, ...), on any device (e.g. <see cref="Data.BatchStream.Next"/>).</param>
    /// <param name="generatorOptimizer">Builds G's optimizer, e.g. <c>p => optim.Adam(p, 3e-4)</c>.</param>
    /// <param name="discriminatorOptimizer">Builds D's optimizer.</param>
    /// <param name="device">Where to train; default <see cref="Course.Device"/>.</param>
    /// <param name="latent">Samples n latent vectors on <see cref="Device"/>; default z ~ N(0, I) of size LatentDim.</param>
    public AdversarialTrainer(nn.Module<Tensor, Tensor> generator, nn.Module<Tensor, Tensor> discriminator, IGanLoss loss,
        Func<Tensor> realBatch, AdversarialConfig config,
        Func<IEnumerable<Parameter>, optim.Optimizer> generatorOptimizer,
        Func<IEnumerable<Parameter>, optim.Optimizer> discriminatorOptimizer,
        Device? device = null, Func<long, Tensor>? latent = null)
        : this(GanModel.Unconditional(generator ?? throw new ArgumentNullException(nameof(generator)), discriminator ?? throw new ArgumentNullException(nameof(discriminator))),
            loss, Wrap(realBatch), latent is null ? config : config with { Sampler = new DelegateSampler(latent) },
            generatorOptimizer, discriminatorOptimizer, device)
    { }

    /// <summary>Any GAN of the course: the networks as the loop calls them, with labels where the model uses them.</summary>
    /// <param name="realBatch">Returns the next real batch (images and, for conditional and AC-GANs, labels), on any device.</param>
    public AdversarialTrainer(GanModel model, IGanLoss loss, Func<RealBatch> realBatch, AdversarialConfig config,
        Func<IEnumerable<Parameter>, optim.Optimizer> generatorOptimizer,
        Func<IEnumerable<Parameter>, optim.Optimizer> discriminatorOptimizer, Device? device = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Loss = loss ?? throw new ArgumentNullException(nameof(loss));
        this.realBatch = realBatch ?? throw new ArgumentNullException(nameof(realBatch));
        Config = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate();
        makeOptG = generatorOptimizer ?? throw new ArgumentNullException(nameof(generatorOptimizer));
        makeOptD = discriminatorOptimizer ?? throw new ArgumentNullException(nameof(discriminatorOptimizer));
        Device = device ?? Course.Device;
        Model.Generator.to(Device);
        Model.Discriminator.to(Device);
        if (Model.EncodeReal is not null && config.Unrolling is not null)
            throw new ArgumentException("Unrolling does not work with a bidirectional GAN (GanModel.EncodeReal): its look-ahead judges raw real batches. Remove Unrolling.");
        sampler = config.ResolveSampler();
        // a loss may itself be a penalty (WGAN-GP) or a constraint (WGAN's clipping)
        penalties = loss is IDiscriminatorPenalty lp ? [lp, .. config.Penalties] : config.Penalties;
        constraint = config.Constraint ?? loss as ICriticConstraint;
        optG = makeOptG(Model.Generator.parameters());
        optD = makeOptD(Model.Discriminator.parameters());
    }

    static Func<RealBatch> Wrap(Func<Tensor> realBatch)
    {
        ArgumentNullException.ThrowIfNull(realBatch);
        return () => new RealBatch(realBatch());
    }

    sealed class DelegateSampler(Func<long, Tensor> latent) : ILatentSampler
    {
        public Latents Sample(long n, Device device) => new(latent(n).to(device));
    }

    /// <summary>One step: CriticSteps discriminator updates, then one generator update, then the hooks.</summary>
    public GanStep TrainStep()
    {
        var clock = Stopwatch.StartNew();
        foreach (var h in Hooks) h.BeforeStep(this);
        var stats = new Dictionary<string, double>();
        foreach (var h in Hooks) h.AddStats(stats);
        GanStep result;
        using (var scope = NewDisposeScope())
        {
            Model.Generator.train();
            Model.Discriminator.train();
            var losses = new Dictionary<string, float>();
            float realScore = 0, fakeScore = 0;
            var samples = 0;
            for (var i = 0; i < Config.CriticSteps; i++)
            {
                using var inner = NewDisposeScope();
                (realScore, fakeScore, var n) = DiscriminatorStep(losses, stats);
                samples += n;
            }
            GeneratorStep(losses, stats);
            result = new GanStep(Step, losses, realScore, fakeScore, samples, 0) { Stats = stats };
        }
        Step++;
        Images += result.Samples;
        foreach (var h in Hooks) h.AfterStep(this, result);
        result = result with { Seconds = clock.Elapsed.TotalSeconds };
        history.Add(result);
        return result;
    }

    /// <summary>
    /// The discriminator's update: descend the loss's D objective on a real batch and a generated batch (G fixed),
    /// plus the auxiliary classifier's cross-entropy (AC-GAN) and the penalties; then the critic constraint.
    /// </summary>
    (float RealScore, float FakeScore, int Samples) DiscriminatorStep(Dictionary<string, float> losses, Dictionary<string, double> stats)
    {
        var real = realBatch().To(Device);
        if (Config.RealTransform is { } transform) real = real with { Images = transform(real.Images) };
        if (Model.EncodeReal is { } encode)
            using (no_grad()) real = real with { Images = encode(real.Images) };   // BiGAN: D sees (x, E(x)), E fixed here
        var n = real.Count;
        var latents = sampler.Sample(n, Device);
        Tensor fake;
        using (no_grad()) fake = Model.RunGenerator(latents);
        if (Config.FakeReplay is { } pool)
        {
            if (latents.Labels is not null) throw new InvalidOperationException("FakeReplay works for unconditional GANs only: a replayed fake has no label.");
            fake = pool.Query(fake);                                   // half old fakes once the buffer is full
        }

        optD.zero_grad();
        var dReal = Model.RunDiscriminator(Noisy(real.Images), real.Labels);
        var dFake = Model.RunDiscriminator(Noisy(fake), latents.Labels);
        var loss = Loss.Discriminator(dReal.Scores, dFake.Scores);     // e.g. −[log D(x) + log(1 − D(G(z)))]
        losses["D"] = loss.item<float>();
        if (real.Labels is null && dFake.ClassLogits is { } generatorLogits && latents.Labels is { } generatorIndex)
        {
            // MGAN (Hoang et al. 2018, eq. 1): the classifier C (D's second head) learns which generator made each fake,
            // min_C −β Σ_k π_k E_{x~G_k} log C_k(x); real samples come from no generator and carry no label
            var lc = F.cross_entropy(generatorLogits, generatorIndex);
            loss = loss + Config.AuxWeight * lc;
            losses["C CE"] = lc.item<float>();
            stats["C accuracy"] = generatorLogits.argmax(1).eq(generatorIndex).to(float32).mean().item<float>();
        }
        else if (dReal.ClassLogits is { } realClasses && dFake.ClassLogits is { } fakeClasses)
        {
            // AC-GAN (Odena et al. 2017, eq. 2): L_C = CE(C(x), y) + CE(C(G(z, y')), y'), both networks maximise it
            var lc = F.cross_entropy(realClasses, real.Labels!) + F.cross_entropy(fakeClasses, latents.Labels!);
            loss = loss + Config.AuxWeight * lc;
            losses["aux CE"] = lc.item<float>() / 2;
            stats["aux accuracy"] = realClasses.argmax(1).eq(real.Labels!).to(float32).mean().item<float>();
        }
        foreach (var p in penalties)
        {
            if (CriticUpdates % p.Every != 0) continue;
            var term = p.Penalty(new PenaltyContext(x => Model.RunDiscriminator(x, real.Labels).Scores, Model.Discriminator,
                real.Images, fake, dReal.Scores, dFake.Scores, real.Labels, latents.Labels, CriticUpdates, Device));
            losses[p.Name] = term.item<float>();
            loss = loss + (p.Every == 1 ? term : term * p.Every);   // lazy regularisation: every k updates, gain k
        }
        NonFiniteGuard.Loss(loss, "D loss", Step);
        loss.backward();
        if (Config.CheckGradients) NonFiniteGuard.Gradients(Model.Discriminator, "discriminator", Step);
        optD.step();
        constraint?.Apply(Model.Discriminator);
        CriticUpdates++;
        return (dReal.Scores.mean().item<float>(), dFake.Scores.mean().item<float>(), (int)n);
    }

    // what D sees: its input with instance noise while it is annealed (both players' steps, real and fake alike)
    Tensor Noisy(Tensor x) => Config.InstanceNoise is { } noise ? noise.Apply(x, Step) : x;

    /// <summary>The generator's update: descend the loss's G objective through D (D's gradients are cleared before its next update).</summary>
    void GeneratorStep(Dictionary<string, float> losses, Dictionary<string, double> stats)
    {
        optG.zero_grad();
        var latents = sampler.Sample(Config.BatchSize, Device);
        DiscriminatorOutput judged;
        Tensor? generatedForPenalties = null;
        Tensor? featureMatching = null;
        if (Config.Unrolling is { } unroll)
        {
            // Metz et al. 2017, eq. 7: score G's fakes with θᴷ, D's weights K differentiable steps ahead
            var d = Model.Discriminator as IFunctionalDiscriminator
                ?? throw new InvalidOperationException($"Unrolling needs a discriminator that implements IFunctionalDiscriminator ({Model.Discriminator.GetType().Name} does not).");
            var theta = unroll.Unroll(d, Model.Discriminator.parameters(), Loss,
                () => Noisy(realBatch().To(Device).Images), () => Noisy(Model.RunGenerator(sampler.Sample(Config.BatchSize, Device))));
            judged = new DiscriminatorOutput(d.Forward(Noisy(Model.RunGenerator(latents)), theta));
        }
        else
        {
            generatedForPenalties = Model.RunGenerator(latents);
            var fakes = Noisy(generatedForPenalties);
            judged = Model.RunDiscriminator(fakes, latents.Labels);
            if (Config.FeatureMatching is not null)
            {
                var fd = Model.Discriminator as IFeatureDiscriminator
                    ?? throw new InvalidOperationException($"FeatureMatching needs a discriminator that implements IFeatureDiscriminator ({Model.Discriminator.GetType().Name} does not).");
                Tensor realFeatures;
                using (no_grad()) realFeatures = fd.Features(Noisy(realBatch().To(Device).Images));   // E f(x): a target, no gradient
                featureMatching = FeatureMatching.Loss(realFeatures, fd.Features(fakes));                // Salimans et al. 2016, eq. 4
            }
        }
        var scores = judged.Scores.reshape(-1);
        var k = Config.TopK?.K(Config.BatchSize, Step) ?? Config.BatchSize;
        if (k < Config.BatchSize) scores = scores.topk(k).values;     // Top-k: only the k most realistic fakes update G
        if (Config.TopK is not null) stats["k"] = k;
        var loss = Loss.Generator(scores);                              // e.g. −log D(G(z)), non-saturating
        losses["G"] = loss.item<float>();
        if (featureMatching is not null)
        {
            // G descends ‖E f(x) − E f(G(z))‖² (plus AdversarialWeight of the loss's own term); its gradient also lands
            // in D's .grad, which D's next update clears before it steps
            losses["feature matching"] = featureMatching.item<float>();
            var weight = Config.FeatureMatching!.AdversarialWeight;
            loss = weight == 0 ? featureMatching : featureMatching + weight * loss;
        }
        if (judged.ClassLogits is { } classes) loss = loss + Config.AuxWeight * F.cross_entropy(classes, latents.Labels!);
        if (Model.EncodeReal is { } encode)
        {
            // BiGAN (Donahue et al. 2017, eq. 3 with flipped labels): E's term on a real pair, the real pair judged as a
            // fake with its logit negated (σ(−l) = 1 − σ(l)); non-saturating: −log(1 − D(x, E(x))) = softplus(l)
            var real = realBatch().To(Device);
            var x = Config.RealTransform is { } transform ? transform(real.Images) : real.Images;
            var encoderLoss = Loss.Generator(Model.RunDiscriminator(Noisy(encode(x)), real.Labels).Scores.reshape(-1).neg());
            losses["E"] = encoderLoss.item<float>();
            loss = loss + encoderLoss;
        }
        if (Config.GeneratorPenalties.Count > 0)
        {
            var generated = generatedForPenalties!;                       // Validate rules out Unrolling here
            foreach (var p in Config.GeneratorPenalties)
            {
                var term = p.Penalty(new GeneratorContext(latents, generated, Step, Device));   // e.g. λ‖y − G(x)‖₁ (pix2pix)
                losses[p.Name] = term.item<float>();
                loss = loss + term;
            }
        }
        NonFiniteGuard.Loss(loss, "G loss", Step);
        loss.backward();
        if (Config.CheckGradients) NonFiniteGuard.Gradients(Model.Generator, "generator", Step);
        optG.step();
    }

    /// <summary>
    /// Trains <paramref name="steps"/> steps: shows <paramref name="view"/> and reports every step to it, calls
    /// <paramref name="onSnapshot"/> before the first step, every <paramref name="snapshotEvery"/> steps and after the
    /// last, writes the configured checkpoints, and completes the view.
    /// </summary>
    public TrainingRun Run(long steps, TrainingView? view = null, int snapshotEvery = 0, Action<AdversarialTrainer>? onSnapshot = null)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be >= 0");
        if (snapshotEvery < 0) throw new ArgumentOutOfRangeException(nameof(snapshotEvery), snapshotEvery, "snapshotEvery must be >= 0 (0 = only before and after)");
        var clock = Stopwatch.StartNew();
        view?.Show();
        onSnapshot?.Invoke(this);
        var done = new List<GanStep>();
        for (long i = 0; i < steps; i++)
        {
            var s = TrainStep();
            done.Add(s);
            OnStep?.Invoke(s);
            view?.Report(s.Step + 1, s.Losses, s.Samples);
            var last = i == steps - 1;
            if (onSnapshot is not null && (last || (snapshotEvery > 0 && Step % snapshotEvery == 0))) onSnapshot(this);
            if (Config.CheckpointEvery > 0 && (last || Step % Config.CheckpointEvery == 0)) SaveCheckpoint(Config.CheckpointPath!);
        }
        view?.Complete();
        return new TrainingRun(done, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Runs <paramref name="steps"/> steps with <see cref="OnStep"/>, <see cref="OnSnapshot"/> (before the first step,
    /// every <see cref="AdversarialConfig.SnapshotEvery"/> steps and after the last) and the checkpoints; returns this call's steps.
    /// </summary>
    public IReadOnlyList<GanStep> Train(long steps) =>
        Run(steps, snapshotEvery: Config.SnapshotEvery, onSnapshot: Config.SnapshotEvery > 0 ? OnSnapshot : null).Steps;

    /// <summary>Discards both optimizers' state (Adam's moments) and builds fresh ones: ProGAN does this when a new resolution starts.</summary>
    public void ResetOptimizers()
    {
        optG.Dispose();
        optD.Dispose();
        optG = makeOptG(Model.Generator.parameters());
        optD = makeOptD(Model.Discriminator.parameters());
    }

    /// <summary>Latents for n samples from the trainer's sampler (labels drawn as in training).</summary>
    public Latents SampleLatents(long n) => sampler.Sample(n, Device);

    /// <summary>G(z) for z from the sampler, without gradients, in eval mode, on the CPU.</summary>
    public Tensor Sample(long n)
    {
        using var _ = NewDisposeScope();
        return Generate(sampler.Sample(n, Device)).MoveToOuterDisposeScope();
    }

    /// <summary>G(z, labels) for the given latents (e.g. a fixed noise batch), without gradients, in eval mode, on the CPU.</summary>
    public Tensor Generate(Tensor z, Tensor? labels = null) => Generate(new Latents(z, labels));

    /// <summary>G(latents) without gradients, in eval mode (BatchNorm uses its running statistics), on the CPU.</summary>
    public Tensor Generate(Latents latents)
    {
        using var _ = NewDisposeScope();
        var wasTraining = Model.Generator.training;
        Model.Generator.eval();
        try
        {
            var l = new Latents(latents.Z.to(Device), latents.Labels?.to(Device)) { MixZ = latents.MixZ?.to(Device), MixCrossover = latents.MixCrossover };
            using (no_grad()) return Model.RunGenerator(l).cpu().MoveToOuterDisposeScope();
        }
        finally { if (wasTraining) Model.Generator.train(); }
    }

    /// <summary>D's raw scores of <paramref name="x"/> (judged for <paramref name="labels"/> if conditional), on <see cref="Device"/>, in the current grad mode.</summary>
    public Tensor Score(Tensor x, Tensor? labels = null) => Model.RunDiscriminator(x.to(Device), labels?.to(Device)).Scores;

    /// <summary>The kind recorded in the trainer's checkpoints (<see cref="CheckpointFile"/>).</summary>
    public const string CheckpointKind = "adversarial-trainer";
    const string CheckpointFix = "Pass a checkpoint written by SaveCheckpoint for this model (same networks and sizes), or restore the file.";

    /// <summary>
    /// Writes step, counters, G, D and both optimizers' states (plus <paramref name="extraModules"/> such as G_ema and a
    /// caller's <paramref name="extraState"/>) to one file in the kit's checkpoint format (version, SHA-256 over the
    /// content), atomically (temp file + rename: a crash never leaves a half-written checkpoint). Torch's random state
    /// is not saved here; resumable trainings (<see cref="ProGanTraining.SaveState"/>) add it as extra state.
    /// </summary>
    public string SaveCheckpoint(string path, IReadOnlyDictionary<string, nn.Module>? extraModules = null, JsonObject? extraState = null,
        IReadOnlyDictionary<string, string>? notes = null)
    {
        var state = new JsonObject { ["step"] = Step, ["criticUpdates"] = CriticUpdates, ["images"] = Images, ["extra"] = extraState?.DeepClone() };
        var sections = new List<CheckpointSection>
        {
            CheckpointFile.ModuleSection("G", Model.Generator), CheckpointFile.ModuleSection("D", Model.Discriminator),
            OptimizerSection("optG", optG), OptimizerSection("optD", optD),
            new("state", "json", System.Text.Encoding.UTF8.GetBytes(state.ToJsonString())),
        };
        foreach (var (name, m) in extraModules ?? new Dictionary<string, nn.Module>()) sections.Add(CheckpointFile.ModuleSection(name, m));
        return CheckpointFile.Write(path, CheckpointKind, CheckpointConfig(), notes, sections);
    }

    /// <summary>G, D and the caller's extra modules, by the names a trainer checkpoint stores them under.</summary>
    Dictionary<string, nn.Module> CheckpointModules(IReadOnlyDictionary<string, nn.Module>? extraModules)
    {
        var modules = new Dictionary<string, nn.Module> { ["G"] = Model.Generator, ["D"] = Model.Discriminator };
        foreach (var (name, m) in extraModules ?? new Dictionary<string, nn.Module>()) modules[name] = m;
        return modules;
    }

    JsonObject CheckpointConfig() => new()
    {
        ["generator"] = Model.Generator.GetType().Name, ["discriminator"] = Model.Discriminator.GetType().Name,
        ["latentDim"] = Config.LatentDim, ["batchSize"] = Config.BatchSize,
    };

    /// <summary>
    /// Reads and validates a checkpoint (checksum, kind, networks, every tensor's name and shape, the counters) into
    /// temporary tensors, without changing this trainer; apply it with <see cref="Restore"/>.
    /// </summary>
    /// <param name="checkExtra">Checks the caller's extra state (or its absence) before any tensor is read; throw to refuse the file.</param>
    public TrainerCheckpoint ReadCheckpoint(string path, IReadOnlyDictionary<string, nn.Module>? extraModules = null, Action<JsonObject?>? checkExtra = null)
    {
        if (File.Exists(path) && CheckpointFile.PeekMagic(path) == Magic)
            throw new InvalidDataException($"{path} is an AdversarialTrainer checkpoint of the first format (no checksum, no validation), which is no longer read. Train again, or load it with the version of the kit that wrote it.");
        CheckpointContents c;
        try { c = CheckpointFile.Read(path, CheckpointFix); }
        catch (InvalidDataException e) when (e.Message.Contains("is not a GanCourse checkpoint"))
        {
            throw new InvalidDataException($"{path} is not an AdversarialTrainer checkpoint: {e.Message}", e);
        }
        if (c.Kind != CheckpointKind)
            throw new InvalidDataException($"{path} is not an AdversarialTrainer checkpoint: it holds a '{c.Kind}' checkpoint. {CheckpointFix}");
        var mine = CheckpointConfig();
        foreach (var key in new[] { "generator", "discriminator" })
            if (!JsonNode.DeepEquals(c.Config[key], mine[key]))
                throw new InvalidDataException($"{path} was saved with {key} {c.Config[key]?.ToJsonString()} but this trainer's is {mine[key]!.ToJsonString()}. {CheckpointFix}");
        JsonObject state;
        try { state = JsonNode.Parse(c.Require("state", "json").Bytes)!.AsObject(); }
        catch (System.Text.Json.JsonException e) { throw new InvalidDataException($"{path}: the trainer state is not valid JSON ({e.Message}). {CheckpointFix}", e); }
        checkExtra?.Invoke(state["extra"]?.AsObject());
        var modules = CheckpointModules(extraModules);
        var read = new Dictionary<string, Dictionary<string, Tensor>>();
        try
        {
            foreach (var (name, m) in modules) read[name] = CheckpointFile.ReadModule(c.Require(name, "module").Bytes, m, path, name);
            return new TrainerCheckpoint(path, state["step"]!.GetValue<long>(), state["criticUpdates"]!.GetValue<long>(), state["images"]!.GetValue<long>(),
                state["extra"]?.AsObject(), read, c.Require("optG", "optimizer").Bytes, c.Require("optD", "optimizer").Bytes);
        }
        catch
        {
            foreach (var t in read.Values.SelectMany(d => d.Values)) t.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Applies a checkpoint read by <see cref="ReadCheckpoint"/>: the optimizers first (on failure both are put back
    /// as they were), then the weights (already validated) and the counters. Either all of it happens or nothing.
    /// </summary>
    public void Restore(TrainerCheckpoint checkpoint, IReadOnlyDictionary<string, nn.Module>? extraModules = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var backupG = OptimizerSection("optG", optG).Bytes;
        var backupD = OptimizerSection("optD", optD).Bytes;
        try
        {
            LoadOptimizer(checkpoint.OptimizerG, optG, checkpoint.Path, "G");
            LoadOptimizer(checkpoint.OptimizerD, optD, checkpoint.Path, "D");
        }
        catch
        {
            LoadOptimizer(backupG, optG, checkpoint.Path, "G");
            LoadOptimizer(backupD, optD, checkpoint.Path, "D");
            throw;
        }
        var modules = CheckpointModules(extraModules);
        foreach (var (name, m) in modules)
        {
            if (!checkpoint.Modules.TryGetValue(name, out var tensors))
                throw new ArgumentException($"The checkpoint was read without module '{name}': pass the same extraModules to ReadCheckpoint and Restore.");
            CheckpointFile.CopyInto(m, tensors);
        }
        (Step, CriticUpdates, Images) = (checkpoint.Step, checkpoint.CriticUpdates, checkpoint.Images);
    }

    /// <summary>Restores a checkpoint written by <see cref="SaveCheckpoint"/> for the same architectures; a bad file changes nothing.</summary>
    public void LoadCheckpoint(string path)
    {
        using var c = ReadCheckpoint(path);
        Restore(c);
    }

    static CheckpointSection OptimizerSection(string name, optim.Optimizer o)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            var helper = o as OptimizerHelper;
            w.Write(helper is not null);
            helper?.save_state_dict(w);
        }
        return new CheckpointSection(name, "optimizer", ms.ToArray());
    }

    static void LoadOptimizer(byte[] bytes, optim.Optimizer o, string path, string which)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        if (!r.ReadBoolean()) return;
        if (o is not OptimizerHelper helper)
            throw new InvalidDataException($"{path} holds a state for {which}'s optimizer but this trainer's optimizer ({o.GetType().Name}) cannot load one.");
        try { helper.load_state_dict(r); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: {which}'s optimizer state does not fit this trainer's {o.GetType().Name} ({e.Message}). {CheckpointFix}", e);
        }
    }

    public void Dispose()
    {
        optG.Dispose();
        optD.Dispose();
    }
}

/// <summary>A trainer checkpoint read and validated by <see cref="AdversarialTrainer.ReadCheckpoint"/>: weights in temporary tensors, not yet applied.</summary>
public sealed class TrainerCheckpoint : IDisposable
{
    internal TrainerCheckpoint(string path, long step, long criticUpdates, long images, JsonObject? extra,
        Dictionary<string, Dictionary<string, Tensor>> modules, byte[] optimizerG, byte[] optimizerD) =>
        (Path, Step, CriticUpdates, Images, Extra, Modules, OptimizerG, OptimizerD) = (path, step, criticUpdates, images, extra, modules, optimizerG, optimizerD);

    public string Path { get; }
    public long Step { get; }
    public long CriticUpdates { get; }
    public long Images { get; }
    /// <summary>The caller's extra state given to <see cref="AdversarialTrainer.SaveCheckpoint"/>.</summary>
    public JsonObject? Extra { get; }
    internal Dictionary<string, Dictionary<string, Tensor>> Modules { get; }
    internal byte[] OptimizerG { get; }
    internal byte[] OptimizerD { get; }

    public void Dispose()
    {
        foreach (var t in Modules.Values.SelectMany(d => d.Values)) t.Dispose();
    }
}
