using System.Text.Json.Nodes;
using GanCourse.Data;
using GanCourse.Networks;
using GanCourse.Visuals;
using static TorchSharp.torch;
using TorchSharp;   // Module.to(Device)

namespace GanCourse.Training;

/// <summary>
/// StyleGAN's training (non-saturating logistic loss with R1, style-mixing regularization, G_ema) without progressive
/// growing, on the course's one training core: an <see cref="AdversarialTrainer"/> with
/// <list type="bullet">
/// <item>the loss <see cref="NonSaturatingGanLoss"/>: D minimises softplus(D(G(z))) + softplus(−D(x)), G softplus(−D(G(z)));</item>
/// <item>the penalty <see cref="R1Penalty"/> (γ/2)‖∇ₓD(x)‖² on the reals, lazily every R1Every updates with the gain R1Every (StyleGAN2);</item>
/// <item>the sampler <see cref="StyleMixingSampler"/> and a generator call that maps z (and z₂) to w and mixes them;</item>
/// <item>an <see cref="Ema"/> of G with a half-life in images.</item>
/// </list>
/// This class only builds those parts: the discriminator and generator steps are the core's.
/// </summary>
public sealed class StyleGanTraining : IDisposable
{
    readonly BatchStream? stream;

    public StyleGanTrainConfig Config { get; }
    public StyleGanGenerator Generator { get; }
    /// <summary>Exponential moving average of the generator's weights: the model used for pictures.</summary>
    public StyleGanGenerator GeneratorEma { get; }
    public StyleGanDiscriminator Discriminator { get; }
    /// <summary>The loop that trains them (its <see cref="AdversarialTrainer.Hooks"/> hold <see cref="Ema"/>).</summary>
    public AdversarialTrainer Trainer { get; }
    public Ema Ema { get; }
    public StyleMixingSampler Sampler { get; }
    public long Steps => Trainer.Step;

    /// <summary>Trains on <paramref name="data"/> (32x32 images in [-1, 1]); epochs shuffled with seed, seed + 1, ...; the mixing draws seeded with <paramref name="seed"/> too.</summary>
    public StyleGanTraining(StyleGanTrainConfig config, ImageDataset data, int seed = 0, Device? device = null)
        : this(config, CheckData(config, data, seed, out var s), seed, device) => stream = s;

    /// <summary>Trains on the batches <paramref name="realBatch"/> returns: (B, C, R, R) images in [-1, 1].</summary>
    public StyleGanTraining(StyleGanTrainConfig config, Func<Tensor> realBatch, int seed = 0, Device? device = null)
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
        ArgumentNullException.ThrowIfNull(realBatch);
        Generator = new StyleGanGenerator(config.Generator);
        GeneratorEma = new StyleGanGenerator(config.Generator);
        Discriminator = new StyleGanDiscriminator(config.Generator.Resolution, config.Generator.Channels, config.DiscriminatorChannels);
        Sampler = new StyleMixingSampler(config.Generator.LatentSize, Generator.NumLayers, config.MixingProb, seed);
        var g = Generator;
        var model = new GanModel(Generator, Discriminator, l =>
            {
                var w = g.Mapping.forward(l.Z);                                            // w = f(z), broadcast to every layer
                if (l.MixZ is { } z2) w = g.Mix(w, g.Mapping.forward(z2), l.MixCrossover);  // f(z₂) from the crossover on
                return g.Synthesis.forward(w);
            },
            (x, _) => new DiscriminatorOutput(Discriminator.forward(x)));
        Trainer = new AdversarialTrainer(model, new NonSaturatingGanLoss(), () => new RealBatch(realBatch()),
            new AdversarialConfig(config.Generator.LatentSize, config.BatchSize)
            {
                Sampler = Sampler,
                Penalties = config.R1Gamma > 0 ? [new R1Penalty(config.R1Gamma, config.R1Every)] : [],
            },
            p => optim.Adam(p, config.Lr, config.Beta1, config.Beta2, eps: 1e-8),
            p => optim.Adam(p, config.Lr, config.Beta1, config.Beta2, eps: 1e-8), device);
        GeneratorEma.to(Trainer.Device);
        Ema = new Ema(Generator, GeneratorEma, halfLifeImages: config.EmaHalfLifeImages);
        Trainer.Hooks.Add(Ema);
    }

    static Func<Tensor> CheckData(StyleGanTrainConfig config, ImageDataset data, int seed, out BatchStream stream)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        var r = config.Generator.Resolution;
        if (data.Height != r || data.Width != r || data.Images.shape[1] != config.Generator.Channels)
            throw new ArgumentException($"The data set's images are {data.Images.shape[1]}x{data.Height}x{data.Width} but the generator makes {config.Generator.Channels}x{r}x{r}. Load it with pad32: true or change the StyleGanConfig.");
        stream = new BatchStream(data, config.BatchSize, seed);
        return stream.Next;
    }

    /// <summary>Trains <paramref name="steps"/> steps with a live view (see <see cref="AdversarialTrainer.Run"/>).</summary>
    public TrainingRun Train(long steps, TrainingView? view = null, int snapshotEvery = 0, Action<AdversarialTrainer>? onSnapshot = null) =>
        Trainer.Run(steps, view, snapshotEvery, onSnapshot);

    /// <summary>The kind of a resumable StyleGAN training state (<see cref="SaveState"/>).</summary>
    public const string StateKind = "stylegan-training";

    /// <summary>
    /// Saves everything needed to resume this training exactly (<see cref="TrainingState"/>): G, D, G_ema, both Adam
    /// states, the counters (R1's lazy schedule counts D updates), the data stream's position, torch's random state and
    /// the style-mixing draws (seed and number of draws), atomically.
    /// </summary>
    public string SaveState(string path, IReadOnlyDictionary<string, string>? notes = null) =>
        TrainingState.Save(Trainer, path, StateKind, StateConfig(), stream, EmaModules(),
            new JsonObject { ["mixingDraws"] = Sampler.Draws }, notes);

    /// <summary>Continues from a state written by <see cref="SaveState"/> with the same configuration, seed and data; a bad or mismatched file changes nothing.</summary>
    public void Resume(string path)
    {
        var own = TrainingState.Resume(Trainer, path, StateKind, StateConfig(), stream, EmaModules());
        Sampler.Restore(own?["mixingDraws"]?.GetValue<long>() ?? 0);
    }

    JsonNode StateConfig() => new JsonObject { ["training"] = TrainingState.ToJson(Config), ["mixingSeed"] = Sampler.Seed };

    Dictionary<string, nn.Module> EmaModules() => new() { ["G_ema"] = GeneratorEma };

    /// <summary>Save G_ema (the model the demos use) as a PyTorch .pt state dict.</summary>
    public void SaveGeneratorEma(string path) => StateDictLoader.Save(GeneratorEma, path);

    public void Dispose()
    {
        Trainer.Dispose();
        stream?.Dispose();
        Generator.Dispose();
        GeneratorEma.Dispose();
        Discriminator.Dispose();
    }
}
