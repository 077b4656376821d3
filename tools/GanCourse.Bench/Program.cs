using System.Diagnostics;
using System.Text.Json;
using GanCourse.Runtime;
using GanCourse.Training;
using TorchSharp;

// Seed DCGAN training step (batch 64, 32x32): TorchSharp at the kit's default CPU settings and at 1 and 2
// threads, side by side with the same step in PyTorch when one is installed (bench/seed_dcgan_step.py).
// usage: dotnet run -c Release --project tools/GanCourse.Bench -- [--steps N] [--warmup N] [--threads default,1,2] [--json FILE] [--python PATH]
int steps = 20, warmup = 3;
string threadsArg = "default,1,2", python = "/usr/bin/python3";
string? jsonPath = null;
for (int i = 0; i < args.Length; i++)
{
    string V() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--steps": steps = int.Parse(V()); break;
        case "--warmup": warmup = int.Parse(V()); break;
        case "--threads": threadsArg = V(); break;
        case "--json": jsonPath = V(); break;
        case "--python": python = V(); break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

var root = FindRoot();
var settings = Course.Init(profile: "cpu", quiet: true);
var machine = new
{
    cores = Environment.ProcessorCount,
    os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
    cpu = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':')[1].Trim() : null,
    dotnet = Environment.Version.ToString(),
    torchsharp = typeof(torch).Assembly.GetName().Version?.ToString(3),
    libtorch = torch.__version__,
    kit_default = settings.ToString(),
};
Console.WriteLine($"machine: {machine.cpu}, {machine.cores} cores, {machine.os}");
Console.WriteLine($"kit defaults: {settings}");
Console.WriteLine($"seed DCGAN step, batch 64, 32x32, {steps} timed steps after {warmup} warm-up");
Console.WriteLine($"{"threads",-10} {"TorchSharp ms/iter",20} {"img/s",8} {"PyTorch ms/iter",17} {"ratio TS/PT",12}");

var records = new List<object>();
foreach (var t in threadsArg.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
{
    int? threads = t == "default" ? null : int.Parse(t);
    var cfg = Course.Init(profile: "cpu", threads: threads, quiet: true);
    var (ms, median, bad) = TorchSharpStep(steps, warmup);
    var py = PyTorchStep(cfg.Threads, steps, warmup);
    var ratio = py is null ? (double?)null : ms / py.Value.Ms;
    Console.WriteLine($"{(t == "default" ? $"default({cfg.Threads})" : t),-10} {ms,20:F0} {64 * 1000 / ms,8:F0} {(py is null ? "n/a" : py.Value.Ms.ToString("F0")),17} {(ratio is null ? "n/a" : ratio.Value.ToString("F2")),12}" +
                      (bad > 0 ? $"   ({bad} non-finite steps!)" : ""));
    records.Add(new
    {
        bench = "seed_dcgan_step", batch = 64, threads = cfg.Threads, setting = t, cpu_kernels = cfg.CpuKernels,
        torchsharp_ms = ms, torchsharp_median_ms = median, torchsharp_nonfinite_steps = bad,
        pytorch_ms = py?.Ms, pytorch_version = py?.Version, ratio, machine,
    });
}
if (jsonPath is not null)
{
    AtomicFile.WriteAllText(jsonPath, string.Join("\n", records.Select(r => JsonSerializer.Serialize(r))) + "\n");
    Console.WriteLine($"json lines: {Path.GetFullPath(jsonPath)}");
}
else foreach (var r in records) Console.WriteLine("json: " + JsonSerializer.Serialize(r));
return 0;

static (double Mean, double Median, int NonFinite) TorchSharpStep(int steps, int warmup)
{
    torch.manual_seed(0);
    using var training = new SeedDcganTraining(checkGradients: false);
    using var real = torch.rand(64, 1, 32, 32) * 2 - 1;
    var times = new List<double>();
    int bad = 0;
    for (int i = 0; i < warmup + steps; i++)
    {
        var sw = Stopwatch.StartNew();
        try { training.Step(real); }
        catch (NonFiniteException) { bad++; }
        if (i >= warmup) times.Add(sw.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    return (times.Average(), times[times.Count / 2], bad);
}

(double Ms, string Version)? PyTorchStep(int threads, int steps, int warmup)
{
    var script = Path.Combine(root, "bench", "seed_dcgan_step.py");
    if (!File.Exists(python) || !File.Exists(script)) return null;
    try
    {
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, threads.ToString(), steps.ToString(), warmup.ToString() }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) return null; // no torch module: skip the comparison
        using var doc = JsonDocument.Parse(stdout.Trim().Split('\n').Last());
        return (doc.RootElement.GetProperty("ms_per_iter").GetDouble(), doc.RootElement.GetProperty("version").GetString() ?? "?");
    }
    catch (Exception e) when (e is System.ComponentModel.Win32Exception or JsonException) { return null; }
}

static string FindRoot()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "GanCourse.sln"))) return d.FullName;
    return Directory.GetCurrentDirectory();
}
