using System.Text.Json.Nodes;
using GanCourse.Data;
using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Visuals;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// Progressive growing training (Karras et al., 2018) on the course's one training core: an
/// <see cref="AdversarialTrainer"/> with the WGAN-GP loss plus the drift penalty, Adam(lr, β₁ 0, β₂ 0.99, ε 1e-8),
/// the <see cref="ProGanGrowth"/> hook (resolution and α from the schedule; Adam reset when a resolution starts
/// fading in) with its real-batch transform, and an <see cref="Ema"/> of G. This class only builds those parts and
/// keeps the typed networks at hand: the discriminator and generator steps are the core's.
/// </summary>
public sealed class ProGanTraining : IDisposable
{
    public const string CheckpointKind = "progan";
    readonly BatchStream? stream;

    public ProGanTrainingConfig Config { get; }
    public ProGanGenerator Generator { get; }
    public ProGanDiscriminator Discriminator { get; }
    /// <summary>Exponential moving average of the generator's weights: what samples are drawn from.</summary>
    public ProGanGenerator GeneratorEma { get; }
    public ProGanSchedule Schedule { get; }
    /// <summary>The loop that trains them (its <see cref="AdversarialTrainer.Hooks"/> hold <see cref="Growth"/> and <see cref="Ema"/>).</summary>
    public AdversarialTrainer Trainer { get; }
    public ProGanGrowth Growth { get; }
    public Ema Ema { get; }
    public Device Device => Trainer.Device;
    public long Steps => Trainer.Step;
    /// <summary>Real images shown to the critic so far (the schedule's clock).</summary>
    public long Images => Trainer.Images;

    public int Resolution => Schedule.At(Images).Resolution;
    public double Alpha => Schedule.At(Images).Alpha;
    public ProGanPhase Phase => Schedule.At(Images).Phase;
    public bool Done => Images >= Schedule.TotalImages;
    /// <summary>Steps until the schedule ends (each step shows <see cref="ProGanTrainingConfig.BatchSize"/> real images).</summary>
    public long StepsLeft => Done ? 0 : (Schedule.TotalImages - Images + Config.BatchSize - 1) / Config.BatchSize;

    /// <summary>Trains on <paramref name="data"/> (full-size images in [-1, 1]), in epochs shuffled with seed, seed + 1, ...</summary>
    public ProGanTraining(ProGanTrainingConfig config, ImageDataset data, int seed = 0, Device? device = null)
        : this(config, CheckData(config, data, seed, out var s), device) => stream = s;

    /// <summary>Trains on the batches <paramref name="realBatch"/> returns: (B, C, S, S) full-size images in [-1, 1], B = BatchSize.</summary>
    public ProGanTraining(ProGanTrainingConfig config, Func<Tensor> realBatch, Device? device = null)
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
        ArgumentNullException.ThrowIfNull(realBatch);
        if (config.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(config), config.BatchSize, "BatchSize must be at least 1.");
        Schedule = config.Schedule;
        Schedule.Phases();   // validates the image counts
        Generator = new ProGanGenerator(config.Model);
        Discriminator = new ProGanDiscriminator(config.Model);
        GeneratorEma = new ProGanGenerator(config.Model);
        Growth = new ProGanGrowth(Schedule, Generator, Discriminator);
        Trainer = new AdversarialTrainer(GanModel.Unconditional(Generator, Discriminator),
            new WganGpLoss(config.GpWeight),                      // L_D = D(G(z)) − D(x) + λ·GP (WGAN-GP eq. 3), L_G = −D(G(z))
            () => new RealBatch(realBatch()),
            new AdversarialConfig(config.Model.LatentDim, config.BatchSize)
            {
                Penalties = [new DriftPenalty(config.DriftWeight)],  // + ε_drift·D(x)² (ProGAN A.1)
                RealTransform = Growth.Real,
            },
            p => optim.Adam(p, config.Lr, config.Beta1, config.Beta2, eps: 1e-8),
            p => optim.Adam(p, config.Lr, config.Beta1, config.Beta2, eps: 1e-8), device);
        GeneratorEma.to(Trainer.Device);
        Ema = new Ema(Generator, GeneratorEma, decay: config.EmaDecay);
        Trainer.Hooks.Add(Growth);
        Trainer.Hooks.Add(Ema);
    }

    static Func<Tensor> CheckData(ProGanTrainingConfig config, ImageDataset data, int seed, out BatchStream stream)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Height != config.Model.MaxResolution || data.Width != config.Model.MaxResolution)
            throw new ArgumentException($"The data set's images are {data.Height}x{data.Width} but the model grows to {config.Model.MaxResolution}x{config.Model.MaxResolution}. Load it with pad32: true or change MaxResolution.");
        if (data.Count < config.BatchSize)
            throw new ArgumentException($"The data set has {data.Count} images, fewer than one batch of {config.BatchSize}.");
        stream = new BatchStream(data, config.BatchSize, seed);
        return stream.Next;
    }

    /// <summary>
    /// Trains until the schedule ends (or for <paramref name="maxSteps"/> steps), reporting to <paramref name="view"/>;
    /// <see cref="AdversarialTrainer.OnStep"/> of <see cref="Trainer"/> is called after every step.
    /// </summary>
    public TrainingRun Train(TrainingView? view = null, long? maxSteps = null) =>
        Trainer.Run(Math.Min(StepsLeft, maxSteps ?? long.MaxValue), view);

    /// <summary>Samples of the averaged generator at the current (or given) resolution and alpha, on the CPU.</summary>
    public Tensor Generate(Tensor z, int? resolution = null, double? alpha = null)
    {
        using var _ = NewDisposeScope();
        using var __ = no_grad();
        return GeneratorEma.Synthesize(z.to(Device), resolution ?? Resolution, alpha ?? Alpha).cpu().MoveToOuterDisposeScope();
    }

    /// <summary>Saves G, G_ema and D with the training config and the given notes (command, settings, timing).</summary>
    public string Save(string path, IReadOnlyDictionary<string, string>? notes = null)
    {
        var all = new Dictionary<string, string>(notes ?? new Dictionary<string, string>())
        {
            ["training"] = System.Text.Json.JsonSerializer.Serialize(Config),
            ["steps"] = Steps.ToString(),
            ["images"] = Images.ToString(),
        };
        return ModelCheckpoint.Save(path, CheckpointKind, Config.Model,
            new Dictionary<string, nn.Module> { ["G_ema"] = GeneratorEma, ["G"] = Generator, ["D"] = Discriminator }, all);
    }

    /// <summary>The kind of a resumable ProGAN training state (<see cref="SaveState"/>).</summary>
    public const string StateKind = "progan-training";

    /// <summary>
    /// Saves everything needed to resume this training exactly (<see cref="TrainingState"/>): G, D, G_ema, both Adam
    /// states, the step and image counters, the schedule's optimizer phase, the data stream's position and torch's random
    /// state, atomically. <see cref="Resume"/> continues from it: on the CPU the weights then equal those of an uninterrupted run.
    /// </summary>
    public string SaveState(string path, IReadOnlyDictionary<string, string>? notes = null) =>
        TrainingState.Save(Trainer, path, StateKind, TrainingState.ToJson(Config), stream, EmaModules(),
            new JsonObject { ["optimizerPhase"] = Growth.OptimizerPhase, ["optimizerResets"] = Growth.OptimizerResets }, notes);

    /// <summary>Continues from a state written by <see cref="SaveState"/> with the same configuration and data; a bad or mismatched file changes nothing.</summary>
    public void Resume(string path)
    {
        var own = TrainingState.Resume(Trainer, path, StateKind, TrainingState.ToJson(Config), stream, EmaModules());
        Growth.Restore(own?["optimizerPhase"]?.GetValue<int>() ?? 0, own?["optimizerResets"]?.GetValue<int>() ?? 0, Images);
    }

    Dictionary<string, nn.Module> EmaModules() => new() { ["G_ema"] = GeneratorEma };

    /// <summary>
    /// Loads the averaged generator of a ProGAN checkpoint, built from the architecture the checkpoint records.
    /// Pass <paramref name="expected"/> to insist on an architecture: a mismatch throws naming the field.
    /// </summary>
    /// <param name="module">"G_ema" (the averaged weights, default) or "G" (the last training weights).</param>
    public static (ProGanGenerator Generator, CheckpointInfo Info) LoadGenerator(string path, ProGanConfig? expected = null,
        Device? device = null, string module = "G_ema")
    {
        var config = expected ?? ModelCheckpoint.ReadConfig<ProGanConfig>(path, CheckpointKind);
        var g = new ProGanGenerator(config);
        var info = ModelCheckpoint.Load(path, CheckpointKind, config, new Dictionary<string, nn.Module> { [module] = g });
        g.to(device ?? Course.Device);
        g.eval();
        return (g, info);
    }

    public void Dispose()
    {
        Trainer.Dispose();
        stream?.Dispose();
        Generator.Dispose();
        Discriminator.Dispose();
        GeneratorEma.Dispose();
    }
}
