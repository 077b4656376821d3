using GanCourse.Runtime;
using GanCourse.Training;
using static TorchSharp.torch;

namespace GanCourse.Bench;

/// <summary>
/// Leak check: resident memory over many steps of the lecture DCGAN in the loop notebook 04 trains it with
/// (<see cref="LectureDcganTrainer"/>: AdversarialTrainer, non-saturating loss, NaN/Inf checks on). After a warm-up
/// (10% of the steps, at least 50) the median RSS of the last 10% of steps may exceed the median of the first 10%
/// after warm-up by at most <see cref="MaxGrowth"/>; prints PASS or FAIL with the figures.
/// </summary>
public static class MemoryCheck
{
    public const double MaxGrowth = 0.05;

    public sealed record Result(int Steps, int WarmupSteps, double StartRssMb, double WarmRssMb, double EndRssMb,
        double PeakRssMb, double Growth, bool Pass, double MsPerStep, int Threads, double WarmManagedMb, double EndManagedMb,
        List<double> RssTraceMb);

    public static Result Run(int steps, Action<string> log)
    {
        if (steps < 100) throw new ArgumentOutOfRangeException(nameof(steps), steps, "the memory check needs at least 100 steps (--mem-steps)");
        int warmup = Math.Max(50, steps / 10), window = Math.Max(10, steps / 10);
        manual_seed(0);
        var start = Rss();
        using var real = rand(64, 1, 32, 32) * 2 - 1;
        using var trainer = LectureDcganTrainer.Create(() => real, device: CPU);
        var gcEvery = int.TryParse(Environment.GetEnvironmentVariable("GANCOURSE_BENCH_GC_EVERY"), out var ge) ? ge : 0;
        var rss = new List<double>(steps);
        var managed = new List<double>(steps); // the .NET heap's share of RSS (the rest is libtorch and the runtime)
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            trainer.TrainStep();
            rss.Add(Rss());
            managed.Add(GC.GetTotalMemory(false) / 1048576.0);
            if (gcEvery > 0 && (i + 1) % gcEvery == 0) GC.Collect(); // diagnosis only: GANCOURSE_BENCH_GC_EVERY=N
            if ((i + 1) % Math.Max(1, steps / 10) == 0) log($"  step {i + 1,5}/{steps}: RSS {rss[^1]:F0} MB, .NET heap {managed[^1]:F0} MB, gen0 GCs {GC.CollectionCount(0)}");
        }
        var ms = sw.Elapsed.TotalMilliseconds / steps;
        var warm = Stats.Median(rss.Skip(warmup).Take(window));
        var end = Stats.Median(rss.Skip(steps - window));
        var growth = (end - warm) / warm;
        var trace = Enumerable.Range(0, 50).Select(k => rss[Math.Min(steps - 1, k * steps / 50)]).Append(rss[^1]).ToList();
        return new Result(steps, warmup, start, warm, end, PeakRss(), growth, growth < MaxGrowth, ms, Course.Settings.Threads,
            Stats.Median(managed.Skip(warmup).Take(window)), Stats.Median(managed.Skip(steps - window)), trace);
    }

    /// <summary>Resident set size of this process in MB (/proc/self/status VmRSS).</summary>
    public static double Rss() => Status("VmRSS:");

    /// <summary>Peak resident set size of this process in MB (VmHWM).</summary>
    public static double PeakRss() => Status("VmHWM:");

    static double Status(string key)
    {
        if (!File.Exists("/proc/self/status")) return double.NaN;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key));
        return line is null ? double.NaN : double.Parse(line[key.Length..].Trim().Split(' ')[0]) / 1024.0;
    }
}
