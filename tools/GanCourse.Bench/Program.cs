using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using GanCourse.Bench;
using GanCourse.Runtime;
using TorchSharp;

// GanCourse benchmarks (figures, never timed tests); see README, Benchmarks.
const string Usage = """
    usage: dotnet run -c Release --project tools/GanCourse.Bench -- [options]
      (default)            training-step and sampling benchmarks, TorchSharp and PyTorch runs alternating
      --bench a,b          dcgan_step,mlp_gan_step,wgan_gp_step,sampling (default: these four); also
                           dcgan_step_nn_upsample (the step before NearestUpsample2x)
      --threads LIST       default,1,2 (default): the kit's default setting, then fixed thread counts
      --repeats N          fresh models per benchmark (default 3); within each, TorchSharp and PyTorch run
                           alternating blocks of steps; medians over all timed steps are reported
      --scale F            multiply each benchmark's timed step count per repeat (default 1)
      --steps N, --warmup N  the same timed / warm-up step count for every benchmark instead
      --ops                per-op timing of the seed DCGAN's layers (nearest-upsample formulations included)
      --memory             leak check: RSS over --mem-steps steps of notebook 04's lecture DCGAN loop (AdversarialTrainer;
                           default 2000), PASS if growth < 5%
      --mem-steps N        steps for --memory
      --results            write docs/results.md: runs the benchmarks and the memory check (or reads --from FILE),
                           reads the runner's output/<profile>/results.jsonl for ci and cpu
      --from FILE          JSON lines written earlier with --json (for --results)
      --note TEXT          recorded with every figure, e.g. "under load: 6 other jobs"
      --json FILE          also write the records as JSON lines (atomically)
      --python PATH        PyTorch interpreter for the side-by-side (default /usr/bin/python3); --no-python skips it
    """;

string threadsArg = "default,1,2", python = "/usr/bin/python3", note = "";
string? jsonPath = null, fromPath = null, benchArg = null;
int repeats = 3, memSteps = 2000;
int? stepsOverride = null, warmupOverride = null;
double scale = 1;
bool ops = false, memory = false, results = false, noPython = false;
for (int i = 0; i < args.Length; i++)
{
    string V() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--bench": benchArg = V(); break;
        case "--threads": threadsArg = V(); break;
        case "--repeats": repeats = int.Parse(V()); break;
        case "--steps": stepsOverride = int.Parse(V()); break;
        case "--warmup": warmupOverride = int.Parse(V()); break;
        case "--scale": scale = double.Parse(V(), System.Globalization.CultureInfo.InvariantCulture); break;
        case "--ops": ops = true; break;
        case "--memory": memory = true; break;
        case "--mem-steps": memSteps = int.Parse(V()); break;
        case "--results": results = true; break;
        case "--from": fromPath = V(); break;
        case "--note": note = V(); break;
        case "--json": jsonPath = V(); break;
        case "--python": python = V(); break;
        case "--no-python": noPython = true; break;
        case "-h" or "--help": Console.WriteLine(Usage); return 0;
        default: Console.Error.WriteLine($"unknown option {args[i]}\n{Usage}"); return 2;
    }
}
if (repeats < 1) { Console.Error.WriteLine($"--repeats {repeats}: give at least 1"); return 2; }

var root = FindRoot();
// Experiment (see the report in environment.md): keep freed memory in the malloc heap instead of returning
// big blocks to the OS, so that large tensors do not page-fault on every step.
if (Environment.GetEnvironmentVariable("GANCOURSE_BENCH_MALLOC") == "heap") Malloc.KeepInHeap();
var settings = Course.Init(profile: "cpu", quiet: true);
var machine = Machine.Describe(settings, note);
var records = new List<JsonObject> { Rec("machine", machine) };
Console.WriteLine($"machine: {machine["cpu"]}, {machine["cores"]} cores, {machine["os"]}; load average {machine["load_avg"]}");
Console.WriteLine($"versions: .NET {machine["dotnet"]}, TorchSharp {machine["torchsharp"]}, libtorch {machine["libtorch"]}; kit defaults: {settings}");
if (note != "") Console.WriteLine($"note: {note}");

var settingsList = threadsArg.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
var runBenchmarks = !ops && !memory && !(results && fromPath is not null);
if (results && fromPath is null) memory = true;
using var py = noPython || !(runBenchmarks || ops) ? null : PyTorchSide.Start(python, Path.Combine(root, "bench", "seed_benchmarks.py"));
if (runBenchmarks || ops) Console.WriteLine(py is null ? "PyTorch: not found, TorchSharp only" : $"PyTorch {py.Version} ({python}): side by side, runs alternating");

if (ops) foreach (var t in settingsList) { records.AddRange(RunOps(t)); Save(); }
if (runBenchmarks)
{
    var specs = benchArg is null ? Benchmarks.All.Where(b => b.Default).ToArray()
        : benchArg.Split(',').Select(n => Benchmarks.All.FirstOrDefault(b => b.Name == n.Trim())
            ?? throw new ArgumentException($"--bench {n}: unknown; valid: {string.Join(", ", Benchmarks.All.Select(b => b.Name))}")).ToArray();
    foreach (var t in settingsList) RunBenchmarks(specs, t);
}
if (memory)
{
    Course.Init(profile: "cpu", quiet: true);
    Console.WriteLine($"\nmemory: lecture DCGAN in AdversarialTrainer (notebook 04's loop), {memSteps} steps, kit defaults ({Course.Settings.Threads} threads)");
    var m = MemoryCheck.Run(memSteps, Console.WriteLine);
    Console.WriteLine($"{(m.Pass ? "PASS" : "FAIL")}: RSS {m.WarmRssMb:F0} MB after {m.WarmupSteps} warm-up steps -> {m.EndRssMb:F0} MB at the end " +
                      $"({m.Growth:+0.0%;-0.0%}, bound {MemoryCheck.MaxGrowth:P0}); peak {m.PeakRssMb:F0} MB; .NET heap {m.WarmManagedMb:F0} -> {m.EndManagedMb:F0} MB; {m.MsPerStep:F0} ms/step");
    var r = Rec("memory", JsonSerializer.SerializeToNode(m)!.AsObject());
    r["bound"] = MemoryCheck.MaxGrowth;
    records.Add(r);
    Save();
}

Save();
if (jsonPath is not null) Console.WriteLine($"json lines: {Path.GetFullPath(jsonPath)}");
if (results)
{
    var all = fromPath is null ? records : File.ReadLines(fromPath).Where(l => l.Trim() != "").Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
    var page = ResultsPage.Write(root, all);
    Console.WriteLine($"results page: {page}");
}
return 0;

// JSON lines so far (atomically), so that a run cut short keeps what it measured
void Save()
{
    if (jsonPath is not null) AtomicFile.WriteAllText(jsonPath, string.Join("\n", records.Select(r => r.ToJsonString())) + "\n");
}

void RunBenchmarks(BenchSpec[] specs, string t)
{
    int? threads = t == "default" ? null : int.Parse(t);
    var cfg = Course.Init(profile: "cpu", threads: threads, quiet: true);
    var label = t == "default" ? $"default ({cfg.Threads})" : $"{cfg.Threads}";
    Console.WriteLine($"\nthreads: {label}; {repeats} repeat(s), TorchSharp and PyTorch alternating blocks of steps; medians over all timed steps");
    Console.WriteLine($"{"benchmark",-14} {"batch",5} {"TorchSharp ms",14} {"items/s",9} {"PyTorch ms",11} {"items/s",9} {"TS/PT",6}");
    foreach (var spec in specs)
    {
        int steps = stepsOverride ?? Math.Max(1, (int)Math.Round(spec.Steps * scale)), warmup = warmupOverride ?? spec.Warmup;
        var ts = new List<double>();
        var pt = new List<double>();
        var blockRatios = new List<double>();
        int tsBad = 0, ptBad = 0;
        for (int r = 0; r < repeats; r++)
        {
            // a fresh model per repeat (seed 0, warm-up not timed); inside a repeat, TorchSharp and PyTorch run
            // alternating blocks of spec.Block steps
            torch.manual_seed(0);
            using var c = spec.Create();
            for (int i = 0; i < warmup; i++) c.Step();
            py?.Start(spec.Python, cfg.Threads, warmup);
            for (int done = 0; done < steps; done += spec.Block)
            {
                var n = Math.Min(spec.Block, steps - done);
                var times = new List<double>();
                for (int i = 0; i < n; i++)
                {
                    var sw = Stopwatch.StartNew();
                    if (!c.Step()) tsBad++;
                    times.Add(sw.Elapsed.TotalMilliseconds);
                }
                ts.AddRange(times);
                if (py is not null)
                {
                    var (pTimes, pBad) = py.Steps(spec.Python, cfg.Threads, n);
                    pt.AddRange(pTimes); ptBad += pBad;
                    blockRatios.Add(Stats.Median(times) / Stats.Median(pTimes));
                }
            }
        }
        double tsMs = Stats.Median(ts), ptMs = py is null ? double.NaN : Stats.Median(pt);
        double? ratio = py is null ? null : tsMs / ptMs;
        Console.WriteLine($"{spec.Name,-14} {spec.Batch,5} {tsMs,14:F1} {spec.Batch * 1000 / tsMs,9:F0} {(py is null ? "n/a" : ptMs.ToString("F1")),11} " +
                          $"{(py is null ? "n/a" : (spec.Batch * 1000 / ptMs).ToString("F0")),9} {(ratio is null ? "n/a" : ratio.Value.ToString("F2")),6}" +
                          (tsBad + ptBad > 0 ? $"  (non-finite steps: TorchSharp {tsBad}, PyTorch {ptBad})" : ""));
        records.Add(Rec("bench", new JsonObject
        {
            ["bench"] = spec.Name, ["title"] = spec.Title, ["batch"] = spec.Batch, ["items"] = spec.Items,
            ["setting"] = t, ["threads"] = cfg.Threads, ["cpu_kernels"] = cfg.CpuKernels,
            ["repeats"] = repeats, ["steps_per_repeat"] = steps, ["warmup_per_repeat"] = warmup,
            ["torchsharp_median_ms"] = tsMs, ["torchsharp_items_per_s"] = spec.Batch * 1000 / tsMs,
            ["torchsharp_times_ms"] = new JsonArray(ts.Select(x => (JsonNode)Math.Round(x, 2)).ToArray()),
            ["pytorch_median_ms"] = py is null ? null : ptMs, ["pytorch_items_per_s"] = py is null ? null : spec.Batch * 1000 / ptMs,
            ["pytorch_times_ms"] = py is null ? null : new JsonArray(pt.Select(x => (JsonNode)Math.Round(x, 2)).ToArray()),
            ["pytorch_version"] = py?.Version, ["ratio"] = ratio,
            ["ratio_median_of_blocks"] = py is null ? null : Stats.Median(blockRatios), ["block"] = spec.Block,
            ["nonfinite_steps"] = new JsonObject { ["torchsharp"] = tsBad, ["pytorch"] = ptBad },
        }));
        Save();
    }
}

IEnumerable<JsonObject> RunOps(string t)
{
    int? threads = t == "default" ? null : int.Parse(t);
    var cfg = Course.Init(profile: "cpu", threads: threads, quiet: true);
    Console.WriteLine($"\nper-op timing, {cfg.Threads} thread(s), median of {repeats * 3} runs (ms: forward / forward+backward)");
    Console.WriteLine($"{"op",-32} {"input",-14} {"TorchSharp",17} {"PyTorch",17}");
    var output = new List<JsonObject>();
    var tsOps = new List<OpProfile.OpTiming>();
    var ptOps = new List<OpProfile.OpTiming>();
    for (int r = 0; r < repeats; r++) // alternate whole passes
    {
        tsOps.AddRange(OpProfile.Run(3));
        if (py is not null) ptOps.AddRange(py.Ops(cfg.Threads, 3));
    }
    foreach (var g in tsOps.GroupBy(o => (o.Op, o.Shape)))
    {
        double f = Stats.Median(g.Select(o => o.ForwardMs)), fb = Stats.Median(g.Select(o => o.ForwardBackwardMs));
        var p = ptOps.Where(o => (o.Op, o.Shape) == g.Key).ToList();
        double? pf = p.Count == 0 ? null : Stats.Median(p.Select(o => o.ForwardMs)), pfb = p.Count == 0 ? null : Stats.Median(p.Select(o => o.ForwardBackwardMs));
        Console.WriteLine($"{g.Key.Op,-32} {g.Key.Shape,-14} {f,7:F1} / {fb,7:F1} {(pf is null ? "n/a" : $"{pf,7:F1} / {pfb,7:F1}"),17}");
        output.Add(Rec("op", new JsonObject
        {
            ["op"] = g.Key.Op, ["shape"] = g.Key.Shape, ["threads"] = cfg.Threads, ["setting"] = t,
            ["torchsharp_forward_ms"] = f, ["torchsharp_forward_backward_ms"] = fb,
            ["pytorch_forward_ms"] = pf, ["pytorch_forward_backward_ms"] = pfb,
        }));
    }
    return output;
}

JsonObject Rec(string kind, JsonObject fields)
{
    var o = new JsonObject { ["kind"] = kind, ["time_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"), ["note"] = note };
    foreach (var (k, v) in fields) o[k] = v?.DeepClone();
    return o;
}

static string FindRoot()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "GanCourse.sln"))) return d.FullName;
    return Directory.GetCurrentDirectory();
}
