using System.Diagnostics;
using GanCourse.Data;
using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Training;
using static TorchSharp.torch;

// Trains the ProGAN checkpoint shipped in data/progan/ with the kit's own code:
//   dotnet run --project tools/GanCourse.Train -c Release -- progan [--option value ...]
// Every option and its default is printed by --help; the checkpoint records the full command and settings.
var opts = ParseArgs(args);
if (args.Length == 0 || args[0] != "progan" || opts.ContainsKey("help"))
{
    Console.WriteLine("""
        usage: GanCourse.Train progan [--dataset fashion-mnist|mnist] [--out data/progan/fashion-mnist-32.bin]
               [--fade-images 60000] [--stable-images 60000] [--batch 32] [--latent 64] [--fmaps-base 512]
               [--fmaps-max 32] [--ema 0.999] [--subset 60000] [--seed 42] [--threads 1] [--max-steps N] [--max-images N]
        """);
    return args.Length > 0 && args[0] == "progan" ? 0 : 2;
}

string Opt(string k, string d) => opts.TryGetValue(k, out var v) ? v : d;
var dataset = Opt("dataset", "fashion-mnist");
var outPath = Opt("out", $"data/progan/{dataset}-32.bin");
var model = new ProGanConfig(LatentDim: int.Parse(Opt("latent", "64")), MaxResolution: 32, ImageChannels: 1,
    FeatureMapsBase: int.Parse(Opt("fmaps-base", "512")), FeatureMapsMax: int.Parse(Opt("fmaps-max", "32")));
var config = new ProGanTrainingConfig(model, BatchSize: int.Parse(Opt("batch", "32")),
    FadeImages: long.Parse(Opt("fade-images", "60000")), StableImages: long.Parse(Opt("stable-images", "60000")),
    EmaDecay: double.Parse(Opt("ema", "0.999"), System.Globalization.CultureInfo.InvariantCulture));
var seed = int.Parse(Opt("seed", "42"));
Course.Init(profile: "cpu", seed: seed, threads: int.Parse(Opt("threads", "1")));
long? maxSteps = opts.TryGetValue("max-steps", out var ms) ? long.Parse(ms) : null;
long? maxImages = opts.TryGetValue("max-images", out var mi) ? long.Parse(mi) : null;   // stop early, e.g. at a phase end

using var data = ImageDataset.Load(dataset, "train", subset: opts.TryGetValue("subset", out var sub) ? int.Parse(sub) : null, pad32: true);
using var training = new ProGanTraining(config, Course.Device);
var command = "dotnet run --project tools/GanCourse.Train -c Release -- " + string.Join(" ", args);
Console.WriteLine($"{command}\n{data}\n{config}\nG: {training.Generator.parameters().Sum(p => p.numel()):N0} parameters, " +
                  $"D: {training.Discriminator.parameters().Sum(p => p.numel()):N0}; {config.Schedule.TotalImages:N0} images in total");
var clock = Stopwatch.StartNew();
var lastPhase = training.Phase.Index;
var lastLog = TimeSpan.Zero;
var stopped = false;

IReadOnlyDictionary<string, string> Notes(string status) => new Dictionary<string, string>
{
    ["command"] = command, ["dataset"] = $"{dataset} train, {data.Count} images padded to 32x32, [-1, 1]",
    ["seed"] = seed.ToString(), ["threads"] = Course.Settings.Threads.ToString(),
    ["wall_seconds"] = clock.Elapsed.TotalSeconds.ToString("F0"), ["status"] = status,
    ["machine"] = $"{Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
};

try
{
    training.Train(data, (t, l) =>
    {
        if (t.Images >= maxImages && !stopped)
        {
            stopped = true;
            var path = t.Save(outPath, Notes($"stopped at {t.Images:N0} images (--max-images), in {t.Phase.Name}"));
            Console.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] --max-images reached, saved {path}");
            throw new OperationCanceledException();
        }
        if (t.Phase.Index != lastPhase || t.Done)
        {
            var path = t.Save(outPath, Notes(t.Done ? "complete" : $"in progress ({t.Phase.Name})"));
            Console.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] phase done, saved {path} ({new FileInfo(path).Length:N0} bytes)");
            lastPhase = t.Phase.Index;
        }
        if (clock.Elapsed - lastLog > TimeSpan.FromSeconds(30))
        {
            lastLog = clock.Elapsed;
            Console.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] step {t.Steps} images {t.Images:N0}/{config.Schedule.TotalImages:N0} " +
                              $"{t.Phase.Name} alpha {l.Alpha:F2}  D {l.D:F3} G {l.G:F3} W {l.Wasserstein:F3} GP {l.Penalty:F3} drift {l.Drift:F3}");
        }
    }, maxSteps);
}
catch (OperationCanceledException) when (stopped) { }
if (!training.Done && !stopped) training.Save(outPath, Notes($"stopped after {training.Steps} steps (--max-steps)"));
Console.WriteLine($"done in {clock.Elapsed:hh\\:mm\\:ss}: {training.Steps} steps, {training.Images:N0} images -> {Path.GetFullPath(outPath)}");
return 0;

static Dictionary<string, string> ParseArgs(string[] a)
{
    var d = new Dictionary<string, string>();
    for (var i = 1; i < a.Length; i++)
    {
        if (!a[i].StartsWith("--")) throw new ArgumentException($"Unexpected argument '{a[i]}': options look like --name value (see --help).");
        var key = a[i][2..];
        if (key == "help") { d[key] = ""; continue; }
        if (i + 1 >= a.Length) throw new ArgumentException($"Option --{key} needs a value.");
        d[key] = a[++i];
    }
    return d;
}
