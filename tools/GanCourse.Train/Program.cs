using System.Diagnostics;
using System.Globalization;
using GanCourse.Data;
using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Training;
using GanCourse.Visuals;
using static TorchSharp.torch;

// Trains the checkpoints shipped in data/ with the kit's own training core, one verb per model:
//   dotnet run --project tools/GanCourse.Train -c Release -- progan   [--option value ...]   (data/progan/)
//   dotnet run --project tools/GanCourse.Train -c Release -- stylegan [--option value ...]   (data/stylegan/)
//   dotnet run --project tools/GanCourse.Train -c Release -- pix2pix  [--option value ...]   (data/translation/)
//   dotnet run --project tools/GanCourse.Train -c Release -- cyclegan [--option value ...]   (data/translation/)
// `<verb> --help` prints every option and its default; each checkpoint's README records the command that made it.
var verbs = new Dictionary<string, (string Usage, Func<Options, int> Run)>
{
    ["progan"] = ("""
        progan [--dataset fashion-mnist|mnist] [--out data/progan/fashion-mnist-32.bin] [--fade-images 60000]
               [--stable-images 60000] [--batch 32] [--latent 64] [--fmaps-base 512] [--fmaps-max 32] [--ema 0.999]
               [--subset N] [--seed 42] [--threads 1] [--max-steps N] [--max-images N]
               [--state <out>.state] [--state-every 250] [--resume PATH]
          G_ema, G and D with the architecture and the command, saved at every phase end and at the end (ModelCheckpoint).
          The full training state (G, D, G_ema, Adam, counters, data position, random state) is saved atomically to
          --state every --state-every steps (0: never); --resume PATH continues from one, to the same weights as an
          uninterrupted run (same options required; --max-steps and --max-images count from the start).
        """, TrainProGan),
    ["stylegan"] = ("""
        stylegan [--dataset mnist|fashion-mnist] [--out data/stylegan/small32-mnist.pt] [--steps 3000] [--batch 32]
                 [--seed 42] [--threads 1] [--every 250] [--state <out>.state] [--state-every 250] [--resume PATH]
          G_ema as a PyTorch state dict and a grid of 64 fixed samples (.png), every --every steps and at the end.
          The full training state is saved to --state every --state-every steps (0: never); --resume PATH continues
          from one to --steps in all.
        """, TrainStyleGan),
    ["pix2pix"] = ("""
        pix2pix [--out data/translation/pix2pix-edges2garments.bin] [--steps 3000] [--batch 32] [--lambda 100]
                [--patch-layers 1] [--gen-channels 16] [--gen-max 64] [--disc-channels 32] [--subset N] [--seed 42] [--threads 2]
          The U-Net generator of edges -> garment (Fashion-MNIST train split, Sobel edges), with its setup and the command.
        """, TrainPix2Pix),
    ["cyclegan"] = ("""
        cyclegan [--out data/translation/cyclegan-sneaker2boot.bin] [--steps 3000] [--batch 16] [--lambda 10] [--identity 0.5]
                 [--pool 50] [--gen-channels 16] [--gen-max 64] [--disc-channels 32] [--seed 42] [--threads 2]
          G (sneaker -> ankle boot) and F (ankle boot -> sneaker), Fashion-MNIST train split, with their setup and the command.
        """, TrainCycleGan),
};
if (args is ["upgrade-checkpoint", .. var files] && files.Length > 0)
{
    // format 1 (no checksum) -> format 2: same header, the weight blocks copied byte for byte, plus a SHA-256
    NativeRuntime.EnsureLoaded();   // the kit's libtorch, before any tensor
    foreach (var f in files)
        if (Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(f))) == "classifiers" && CheckpointFile.PeekMagic(f) != CheckpointFile.Magic)
        {
            // a feature classifier in TorchSharp's module format: load it and save it in the checkpoint format (same tensor bytes)
            using var clf = GanCourse.Metrics.FeatureClassifier.LoadFile(f, Path.GetFileNameWithoutExtension(f));
            clf.SaveWeights(f);
            Console.WriteLine($"{f}: rewritten in checkpoint format {CheckpointFile.Format} ({new FileInfo(f).Length:N0} bytes, SHA-256 {GanCourse.Data.DatasetFiles.Sha256(f)})");
        }
        else Console.WriteLine(ModelCheckpoint.Upgrade(f) ? $"{f}: rewritten in checkpoint format {CheckpointFile.Format} ({new FileInfo(f).Length:N0} bytes, SHA-256 {GanCourse.Data.DatasetFiles.Sha256(f)})" : $"{f}: already format {CheckpointFile.Format}");
    return 0;
}
if (args.Length == 0 || !verbs.TryGetValue(args[0], out var verb))
{
    Console.Error.WriteLine($"{(args.Length == 0 ? "No verb given" : $"Unknown verb '{args[0]}'")}. Usage: GanCourse.Train <verb> [--option value ...]\n");
    foreach (var (_, v) in verbs) Console.Error.WriteLine(v.Usage);
    Console.Error.WriteLine("upgrade-checkpoint FILE...\n  rewrites format-1 checkpoints and data/classifiers/*.bin in checkpoint format 2 (same weights, plus a SHA-256)");
    return 2;
}
Options opts;
try { opts = Options.Parse(args); }
catch (ArgumentException e) { Console.Error.WriteLine($"{e.Message}\n\n{verb.Usage}"); return 2; }
if (opts.Help) { Console.WriteLine(verb.Usage); return 0; }
try { return verb.Run(opts); }
catch (ArgumentException e) { Console.Error.WriteLine($"{e.Message}\n\n{verb.Usage}"); return 2; }

static int TrainProGan(Options o)
{
    var dataset = o.Get("dataset", "fashion-mnist");
    var outPath = o.Get("out", $"data/progan/{dataset}-32.bin");
    var model = new ProGanConfig(LatentDim: o.Int("latent", 64), MaxResolution: 32, ImageChannels: 1,
        FeatureMapsBase: o.Int("fmaps-base", 512), FeatureMapsMax: o.Int("fmaps-max", 32));
    var config = new ProGanTrainingConfig(model, BatchSize: o.Int("batch", 32),
        FadeImages: o.Long("fade-images", 60_000), StableImages: o.Long("stable-images", 60_000), EmaDecay: o.Double("ema", 0.999));
    var seed = o.Int("seed", 42);
    Course.Init(profile: "cpu", seed: seed, threads: o.Int("threads", 1));
    var maxSteps = o.LongOrNull("max-steps");
    var maxImages = o.LongOrNull("max-images");   // stop early, e.g. at a phase end

    using var data = ImageDataset.Load(dataset, "train", subset: o.IntOrNull("subset"), pad32: true);
    using var training = new ProGanTraining(config, data, seed, Course.Device);
    Console.WriteLine($"{o.Command}\n{data}\n{config}\nG: {training.Generator.parameters().Sum(p => p.numel()):N0} parameters, " +
                      $"D: {training.Discriminator.parameters().Sum(p => p.numel()):N0}; {config.Schedule.TotalImages:N0} images in total");
    var clock = Stopwatch.StartNew();
    IReadOnlyDictionary<string, string> Notes(string status) => new Dictionary<string, string>
    {
        ["command"] = o.Command, ["dataset"] = $"{dataset} train, {data.Count} images padded to 32x32, [-1, 1]",
        ["seed"] = seed.ToString(), ["threads"] = Course.Settings.Threads.ToString(),
        ["wall_seconds"] = clock.Elapsed.TotalSeconds.ToString("F0"), ["status"] = status,
        ["machine"] = $"{Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
    };

    var (statePath, stateEvery) = StateOptions(o, outPath);
    if (o.GetOrNull("resume") is { } resume)
    {
        training.Resume(resume);
        Console.WriteLine($"resumed from {resume} at step {training.Steps}, {training.Images:N0} images, {training.Phase.Name}");
    }
    var steps = training.StepsLeft;
    if (maxSteps is { } ms) steps = Math.Min(steps, Math.Max(0, ms - training.Steps));
    if (maxImages is { } mi) steps = Math.Min(steps, Math.Max(0, (mi + config.BatchSize - 1) / config.BatchSize - training.Steps));
    var lastPhase = training.Phase.Index;
    var lastLog = TimeSpan.Zero;
    training.Trainer.OnStep = s =>
    {
        if (training.Phase.Index != lastPhase && !training.Done)
        {
            var path = training.Save(outPath, Notes($"in progress ({training.Phase.Name})"));
            Console.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] phase done, saved {path} ({new FileInfo(path).Length:N0} bytes)");
            lastPhase = training.Phase.Index;
        }
        if (stateEvery > 0 && training.Steps % stateEvery == 0)
            Console.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] step {training.Steps}: state saved to {training.SaveState(statePath, Notes("training state"))}");
        if (clock.Elapsed - lastLog > TimeSpan.FromSeconds(30))
        {
            lastLog = clock.Elapsed;
            Console.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] step {training.Steps} images {training.Images:N0}/{config.Schedule.TotalImages:N0} " +
                              $"{training.Phase.Name} alpha {s.Stat("alpha"):F2}  D {s.D:F3} G {s.G:F3} W {s.Wasserstein:F3} GP {s.Losses["GP"]:F3} drift {s.Losses["drift"]:F3}");
        }
    };
    training.Train(maxSteps: steps);
    var status = training.Done ? "complete"
        : maxImages is not null && training.Images >= maxImages ? $"stopped at {training.Images:N0} images (--max-images), in {training.Phase.Name}"
        : $"stopped after {training.Steps} steps (--max-steps)";
    var final = training.Save(outPath, Notes(status));
    if (stateEvery > 0) training.SaveState(statePath, Notes(status));
    Console.WriteLine($"done in {clock.Elapsed:hh\\:mm\\:ss}: {training.Steps} steps, {training.Images:N0} images, {status} -> {Path.GetFullPath(final)}");
    return 0;
}

static int TrainStyleGan(Options o)
{
    var dataset = o.Get("dataset", "mnist");
    var steps = o.Int("steps", 3000);
    var seed = o.Int("seed", 42);
    var every = o.Int("every", 250);
    var output = o.Get("out", $"data/stylegan/small32-{dataset}.pt");
    if (steps < 1 || every < 1) throw new ArgumentOutOfRangeException(nameof(steps), $"--steps ({steps}) and --every ({every}) must be at least 1.");

    Course.Init(profile: "cpu", seed: seed, threads: o.Int("threads", 1));
    using var data = ImageDataset.Load(dataset, "train", pad32: true);
    var config = StyleGanTrainConfig.Small32 with { BatchSize = o.Int("batch", 32) };
    using var training = new StyleGanTraining(config, data, seed, Course.Device);
    Console.WriteLine($"{o.Command}\n{dataset}: {data.Count} images; {config}; G {training.Generator.parameters().Sum(p => p.numel())} parameters, D {training.Discriminator.parameters().Sum(p => p.numel())}");
    var (statePath, stateEvery) = StateOptions(o, output);
    if (o.GetOrNull("resume") is { } resume)
    {
        training.Resume(resume);
        Console.WriteLine($"resumed from {resume} at step {training.Steps}");
    }
    using var fixedZ = randn(64, config.Generator.LatentSize, generator: new TorchSharp.torch.Generator(7));
    var clock = Stopwatch.StartNew();
    training.Trainer.OnStep = s =>
    {
        if (s.Step % 50 == 0)
            Console.WriteLine($"step {s.Step,5}  D {s.D:F3}  G {s.G:F3}  R1 {(s.Losses.TryGetValue("R1", out var r1) ? r1.ToString("F3") : "  -  ")}  D(x) {s.RealScore:F2}  D(G(z)) {s.FakeScore:F2}  {clock.Elapsed.TotalSeconds:F0} s");
        if (training.Steps % every == 0 || training.Steps == steps)
        {
            training.SaveGeneratorEma(output);
            // the preview's synthesis noise must not draw from the training's random stream: a run stopped with --steps
            // and resumed would otherwise differ from an uninterrupted one by the extra preview
            var rng = TrainingState.CpuRngState();
            using (no_grad())
            using (var img = training.GeneratorEma.forward(fixedZ.to(training.Trainer.Device)))
                ImageGrid.From(img.clamp(-1, 1).cpu(), nrow: 8, normalize: true, valueRange: (-1, 1)).Save(Path.ChangeExtension(output, ".png"));
            TrainingState.SetCpuRngState(rng);
            Console.WriteLine($"saved {output} at step {training.Steps} ({new FileInfo(output).Length / 1024} KiB, {clock.Elapsed.TotalMinutes:F1} min)");
        }
        if (stateEvery > 0 && (training.Steps % stateEvery == 0 || training.Steps == steps))
            training.SaveState(statePath, new Dictionary<string, string> { ["command"] = o.Command, ["step"] = training.Steps.ToString() });
    };
    training.Train(Math.Max(0, steps - training.Steps));
    return 0;
}

static int TrainPix2Pix(Options o)
{
    var seed = o.Int("seed", 42);
    var output = o.Get("out", "data/translation/pix2pix-edges2garments.bin");
    var setup = new GanCourse.Experiments.Pix2PixSetup(o.Int("steps", 3000), Batch: o.Int("batch", 32), Lambda: o.Double("lambda", 100),
        PatchLayers: o.Int("patch-layers", 1), GeneratorChannels: o.Int("gen-channels", 16), GeneratorMaxChannels: o.Int("gen-max", 64),
        DiscriminatorChannels: o.Int("disc-channels", 32));
    Course.Init(profile: "cpu", seed: seed, threads: o.Int("threads", 2));
    var (edges, garments) = TranslationData.EdgesToGarments("train", o.IntOrNull("subset"));
    var data = new PairedImageSampler(edges, garments, paired: true);
    using var t = GanCourse.Experiments.ImageTranslation.Pix2Pix(setup, data, seed);
    var g = (UNetGenerator)t.Generator;
    Console.WriteLine($"{o.Command}\n{setup}\n{edges.shape[0]} pairs; G {g.parameters().Sum(p => p.numel())} parameters, D {t.Discriminator.parameters().Sum(p => p.numel())}");
    var clock = Stopwatch.StartNew();
    t.OnStep = s => { if (s.Step % 100 == 0) Console.WriteLine($"step {s.Step,5}  D {s.D:F3}  G {s.G:F3}  L1 {s.Losses.GetValueOrDefault("L1"):F2}  {clock.Elapsed.TotalSeconds:F0} s"); };
    t.Train(setup.Steps);
    GanCourse.Experiments.ImageTranslation.SavePix2Pix(output, setup, g, new Dictionary<string, string>
    {
        ["command"] = o.Command, ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
        ["seconds"] = clock.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture), ["pairs"] = edges.shape[0].ToString(CultureInfo.InvariantCulture),
    });
    Console.WriteLine($"saved {output} ({new FileInfo(output).Length:N0} bytes, SHA-256 {DatasetFiles.Sha256(output)}) after {clock.Elapsed.TotalMinutes:F1} min");
    return 0;
}

static int TrainCycleGan(Options o)
{
    var seed = o.Int("seed", 42);
    var output = o.Get("out", "data/translation/cyclegan-sneaker2boot.bin");
    var setup = new GanCourse.Experiments.CycleGanSetup(o.Int("steps", 3000), Batch: o.Int("batch", 16), Lambda: o.Double("lambda", 10),
        IdentityWeight: o.Double("identity", 0.5), Pool: o.Int("pool", 50), GeneratorChannels: o.Int("gen-channels", 16),
        GeneratorMaxChannels: o.Int("gen-max", 64), DiscriminatorChannels: o.Int("disc-channels", 32));
    Course.Init(profile: "cpu", seed: seed, threads: o.Int("threads", 2));
    var (x, y) = TranslationData.Domains("train");
    var data = new PairedImageSampler(x, y, paired: false);
    var (t, gens) = GanCourse.Experiments.ImageTranslation.CycleGan(setup, data, seed);
    using var _ = t;
    Console.WriteLine($"{o.Command}\n{setup}\n{x.shape[0]} sneakers, {y.shape[0]} ankle boots; G+F {gens.parameters().Sum(p => p.numel())} parameters");
    var clock = Stopwatch.StartNew();
    t.OnStep = s => { if (s.Step % 100 == 0) Console.WriteLine($"step {s.Step,5}  D {s.D:F3}  G {s.G:F3}  cycle {s.Losses.GetValueOrDefault("cycle"):F3}  {clock.Elapsed.TotalSeconds:F0} s"); };
    t.Train(setup.Steps);
    GanCourse.Experiments.ImageTranslation.SaveCycleGan(output, setup, gens, new Dictionary<string, string>
    {
        ["command"] = o.Command, ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
        ["seconds"] = clock.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture),
    });
    Console.WriteLine($"saved {output} ({new FileInfo(output).Length:N0} bytes, SHA-256 {DatasetFiles.Sha256(output)}) after {clock.Elapsed.TotalMinutes:F1} min");
    return 0;
}

static (string Path, int Every) StateOptions(Options o, string output)
{
    var every = o.Int("state-every", 250);
    if (every < 0) throw new ArgumentException($"--state-every {every}: must be >= 0 (0: no training state).");
    return (o.Get("state", output + ".state"), every);
}

/// <summary>A verb's options: <c>--name value</c> pairs and <c>--help</c>; a bad number names the option.</summary>
sealed class Options
{
    readonly Dictionary<string, string> values = [];
    public bool Help { get; private set; }
    public string Command { get; private set; } = "";

    public static Options Parse(string[] args)
    {
        var o = new Options { Command = "dotnet run --project tools/GanCourse.Train -c Release -- " + string.Join(" ", args) };
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--")) throw new ArgumentException($"Unexpected argument '{args[i]}': options look like --name value (see --help).");
            var key = args[i][2..];
            if (key == "help") { o.Help = true; continue; }
            if (i + 1 >= args.Length || args[i + 1].StartsWith("--")) throw new ArgumentException($"Option --{key} needs a value.");
            o.values[key] = args[++i];
        }
        return o;
    }

    public string Get(string key, string fallback) => values.TryGetValue(key, out var v) ? v : fallback;
    public string? GetOrNull(string key) => values.TryGetValue(key, out var v) ? v : null;
    public int Int(string key, int fallback) => IntOrNull(key) ?? fallback;
    public long Long(string key, long fallback) => LongOrNull(key) ?? fallback;
    public int? IntOrNull(string key) => values.TryGetValue(key, out var v) ? Number(key, v, s => int.Parse(s, CultureInfo.InvariantCulture)) : null;
    public long? LongOrNull(string key) => values.TryGetValue(key, out var v) ? Number(key, v, s => long.Parse(s, CultureInfo.InvariantCulture)) : null;
    public double Double(string key, double fallback) =>
        values.TryGetValue(key, out var v) ? Number(key, v, s => double.Parse(s, CultureInfo.InvariantCulture)) : fallback;

    static T Number<T>(string key, string text, Func<string, T> parse)
    {
        try { return parse(text); }
        catch (FormatException) { throw new ArgumentException($"--{key} {text}: not a number (e.g. --{key} 32)."); }
        catch (OverflowException) { throw new ArgumentException($"--{key} {text}: out of range."); }
    }
}
