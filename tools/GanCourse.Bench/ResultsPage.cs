using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using GanCourse.Runtime;

namespace GanCourse.Bench;

/// <summary>
/// docs/results.md from the benchmark records (this run's, or --from FILE) and the runner's machine-readable
/// records output/&lt;profile&gt;/results.jsonl (one line per notebook: wall time, peak RSS, its results tables).
/// </summary>
public static class ResultsPage
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    static readonly string[] Profiles = ["ci", "cpu", "gpu"];

    public static string Write(string root, List<JsonObject> records)
    {
        var sb = new StringBuilder();
        var machine = records.FirstOrDefault(r => S(r, "kind") == "machine");
        var benches = records.Where(r => S(r, "kind") == "bench").ToList();
        var ops = records.Where(r => S(r, "kind") == "op").ToList();
        var memory = records.LastOrDefault(r => S(r, "kind") == "memory");
        var measured = records.Select(r => S(r, "time_utc")).Where(t => t != "").DefaultIfEmpty("?").Max();

        sb.AppendLine("# GanCourse results");
        sb.AppendLine();
        sb.AppendLine($"Generated {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by `dotnet run -c Release --project tools/GanCourse.Bench -- --results` " +
                      "(benchmarks and memory check measured now, or read with `--from FILE`; notebook figures read from the runner's " +
                      "`output/<profile>/results.jsonl`). Do not edit by hand.");
        sb.AppendLine();
        if (machine is not null)
        {
            sb.AppendLine($"**Machine** (benchmarks, measured up to {measured}): {S(machine, "cpu")}, {S(machine, "cores")} cores, {S(machine, "memory_gb")} GB, {S(machine, "os")}; " +
                          $".NET {S(machine, "dotnet")}, TorchSharp {S(machine, "torchsharp")} (libtorch {S(machine, "libtorch")}); " +
                          $"PyTorch {benches.Select(b => S(b, "pytorch_version")).FirstOrDefault(v => v != "") ?? "not installed"}; kit defaults: {S(machine, "kit_default")}. " +
                          $"Load average (1, 5, 15 min) when each benchmark run started: {string.Join("; ", records.Where(r => S(r, "kind") == "machine").Select(r => S(r, "load_avg")))}.");
            foreach (var n in records.Select(r => S(r, "note")).Where(n => n != "").Distinct()) sb.AppendLine($"\n> **Note:** {n}");
            sb.AppendLine();
        }

        sb.AppendLine("## Notebooks");
        sb.AppendLine();
        foreach (var profile in Profiles)
        {
            var path = Path.Combine(root, "output", profile, "results.jsonl");
            if (!File.Exists(path))
            {
                if (profile != "gpu") sb.AppendLine($"*{profile}*: no run recorded (`dotnet run --project tools/GanCourse.Runner -- --profile {profile}` writes `output/{profile}/results.jsonl`).\n");
                continue;
            }
            var nbs = File.ReadLines(path).Where(l => l.Trim() != "").Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
            var total = nbs.Sum(n => D(n, "wall_s") ?? 0);
            sb.AppendLine($"### Profile `{profile}`: {nbs.Count} notebook(s), {total / 60:F1} min in all ({nbs.Select(n => S(n, "machine")).FirstOrDefault()}; last run {nbs.Select(n => S(n, "finished_utc")).Max()})");
            sb.AppendLine();
            sb.AppendLine("| notebook | status | wall time | code cells | images | charts | kernel peak RSS | finished (UTC) | load average at the end |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---|---|");
            foreach (var n in nbs)
                sb.AppendLine($"| {S(n, "notebook")} | {(n["ok"]?.GetValue<bool>() == true ? "ok" : "FAILED")} | {D(n, "wall_s"):F1} s | {S(n, "code_cells")} | {S(n, "images")} | {S(n, "charts")} | " +
                              $"{(D(n, "peak_rss_mb") is { } m ? $"{m:F0} MB" : "n/a")} | {S(n, "finished_utc")} | {(S(n, "load_avg") is { Length: > 0 } la ? la : "not recorded")} |");
            sb.AppendLine();
            foreach (var n in nbs)
            {
                var tables = n["tables"]?.AsArray() ?? [];
                if (tables.Count == 0) continue;
                sb.AppendLine($"**{S(n, "notebook")}** ({profile}): the results tables it shows");
                sb.AppendLine();
                foreach (var t in tables)
                {
                    var cols = t!["Columns"]!.AsArray().Select(c => Cell(c!.GetValue<string>())).ToList();
                    if (S(t.AsObject(), "Title") != "") sb.AppendLine($"*{S(t.AsObject(), "Title")}*\n");
                    sb.AppendLine("| " + string.Join(" | ", cols) + " |");
                    sb.AppendLine("|" + string.Concat(cols.Select(_ => "---|")));
                    foreach (var row in t["Rows"]!.AsArray())
                        sb.AppendLine("| " + string.Join(" | ", row!.AsArray().Select(c => Cell(c!.GetValue<string>()))) + " |");
                    sb.AppendLine();
                }
            }
        }

        sb.AppendLine("## Benchmarks");
        sb.AppendLine();
        if (benches.Count == 0) sb.AppendLine("No benchmark records.\n");
        else
        {
            var b0 = benches[0];
            sb.AppendLine("Median ms per step; TorchSharp and PyTorch run alternating blocks of steps (1 step; 20 for the MLP) on models built " +
                          "once per repeat (seed 0, warm-up steps not timed), so that changes in the machine's load hit both alike. " +
                          "items/s = batch / step time; TS/PT = TorchSharp median / PyTorch median (below 1: TorchSharp faster); " +
                          "paired = median over blocks of the per-block ratio. The PyTorch side is `bench/seed_benchmarks.py`: " +
                          "the seed's code with the same models, loop bodies, batch and threads.");
            sb.AppendLine();
            sb.AppendLine("| benchmark | batch | threads | TorchSharp ms | TorchSharp items/s | PyTorch ms | PyTorch items/s | TS/PT | paired | steps timed (TS, PT) |");
            sb.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---|");
            foreach (var b in benches)
            {
                var threads = S(b, "setting") == "default" ? $"default ({S(b, "threads")})" : S(b, "threads");
                sb.AppendLine($"| {S(b, "bench")} | {S(b, "batch")} | {threads} | {D(b, "torchsharp_median_ms"):F1} | {D(b, "torchsharp_items_per_s"):F0} {S(b, "items")}/s | " +
                              $"{F(D(b, "pytorch_median_ms"), "F1")} | {F(D(b, "pytorch_items_per_s"), "F0")} | {F(D(b, "ratio"), "F2")} | {F(D(b, "ratio_median_of_blocks"), "F2")} | " +
                              $"{b["torchsharp_times_ms"]?.AsArray().Count}, {b["pytorch_times_ms"]?.AsArray().Count ?? 0} |");
            }
            sb.AppendLine();
            sb.AppendLine("What each benchmark is:");
            sb.AppendLine();
            foreach (var g in benches.GroupBy(b => S(b, "bench"))) sb.AppendLine($"* `{g.Key}`: {S(g.First(), "title")}, batch {S(g.First(), "batch")}.");
            sb.AppendLine();
        }
        if (ops.Count > 0)
        {
            sb.AppendLine("### Per-op timing (seed DCGAN layers)");
            sb.AppendLine();
            sb.AppendLine("| op | input | threads | TorchSharp fwd ms | TorchSharp fwd+bwd ms | PyTorch fwd ms | PyTorch fwd+bwd ms |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|---:|");
            foreach (var o in ops)
                sb.AppendLine($"| {S(o, "op")} | {S(o, "shape")} | {S(o, "threads")} | {D(o, "torchsharp_forward_ms"):F1} | {D(o, "torchsharp_forward_backward_ms"):F1} | " +
                              $"{F(D(o, "pytorch_forward_ms"), "F1")} | {F(D(o, "pytorch_forward_backward_ms"), "F1")} |");
            sb.AppendLine();
        }

        sb.AppendLine("## Memory");
        sb.AppendLine();
        if (memory is null) sb.AppendLine("No memory check recorded (`--memory`).");
        else
        {
            var pass = memory["Pass"]?.GetValue<bool>() == true;
            sb.AppendLine($"Lecture DCGAN training in the loop notebook 04 runs (`LectureDcganTrainer`: `AdversarialTrainer`, non-saturating loss), {S(memory, "Steps")} steps at {S(memory, "Threads")} threads: " +
                          $"**{(pass ? "PASS" : "FAIL")}**: RSS {D(memory, "WarmRssMb"):F0} MB after {S(memory, "WarmupSteps")} warm-up steps, " +
                          $"{D(memory, "EndRssMb"):F0} MB over the last 10% ({D(memory, "Growth") * 100:+0.0;-0.0}%, bound {D(memory, "bound") * 100:F0}%); " +
                          $"peak RSS {D(memory, "PeakRssMb"):F0} MB; " +
                          (D(memory, "EndManagedMb") > 0 ? $".NET heap {D(memory, "WarmManagedMb"):F0} -> {D(memory, "EndManagedMb"):F0} MB; " : "") +
                          $"{D(memory, "MsPerStep"):F0} ms/step." + (S(memory, "note") != "" ? $" ({S(memory, "note")}.)" : "") +
                          " The kernel's peak RSS per notebook is in the notebook tables above.");
        }
        sb.AppendLine();
        sb.AppendLine("## Regenerate");
        sb.AppendLine();
        sb.AppendLine("```");
        sb.AppendLine("dotnet build lib/GanCourse");
        sb.AppendLine("dotnet run --project tools/GanCourse.Runner -- --profile ci     # output/ci/results.jsonl");
        sb.AppendLine("dotnet run --project tools/GanCourse.Runner -- --profile cpu    # output/cpu/results.jsonl");
        sb.AppendLine("dotnet run -c Release --project tools/GanCourse.Bench -- --results            # benchmarks + 2,000-step memory check, then this page");
        sb.AppendLine("```");
        var path2 = Path.Combine(root, "docs", "results.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path2)!);
        AtomicFile.WriteAllText(path2, sb.ToString());
        return path2;
    }

    static string Cell(string s) => s.Replace("|", "\\|").Replace("\n", " ");

    static string S(JsonObject o, string key) => o[key] switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<double>(out var d) => d.ToString(Inv),
        var n => n.ToJsonString(),
    };

    static double? D(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    static string F(double? d, string fmt) => d is null || double.IsNaN(d.Value) ? "n/a" : d.Value.ToString(fmt, Inv);
}
