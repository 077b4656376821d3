using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GanCourse.Runner;

/// <summary>A results table a notebook displayed (the library's <c>Visuals.Table</c>, class "gancourse-table").</summary>
public sealed record ResultTable(string? Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>
/// The machine-readable record of a course run: <c>results.jsonl</c> in the output folder, one JSON line per
/// notebook (profile, wall time, cells, images, charts, the kernel's peak RSS and every results table it showed,
/// e.g. the metric tables of GanCourse.Metrics.ImageQuality). A rerun of a notebook replaces its line.
/// docs/results.md is generated from these files (tools/GanCourse.Bench -- --results); index.html beside it
/// (<see cref="CourseIndex"/>) is rewritten with each line.
/// </summary>
public static class ResultsLog
{
    public const string FileName = "results.jsonl";

    static readonly Regex TableRx = new("<div class=\"gancourse-table\">(?<body>.*?)</table></div>", RegexOptions.Singleline | RegexOptions.Compiled);
    static readonly Regex TitleRx = new("^<div[^>]*>(?<t>.*?)</div>", RegexOptions.Singleline | RegexOptions.Compiled);
    static readonly Regex CellRx = new("<t(?<k>[hd])[^>]*>(?<v>.*?)</t[hd]>", RegexOptions.Singleline | RegexOptions.Compiled);
    static readonly Regex RowRx = new("<tr>(?<r>.*?)</tr>", RegexOptions.Singleline | RegexOptions.Compiled);

    /// <summary>Every gancourse-table in the HTML outputs of a notebook, in order.</summary>
    public static List<ResultTable> Tables(IEnumerable<string> htmlOutputs)
    {
        var tables = new List<ResultTable>();
        foreach (var html in htmlOutputs)
            foreach (Match m in TableRx.Matches(html))
            {
                var body = m.Groups["body"].Value;
                var title = TitleRx.Match(body) is { Success: true } t ? WebUtility.HtmlDecode(t.Groups["t"].Value) : null;
                List<string> columns = [];
                var rows = new List<IReadOnlyList<string>>();
                foreach (Match r in RowRx.Matches(body))
                {
                    var cells = CellRx.Matches(r.Groups["r"].Value).Select(c => (c.Groups["k"].Value, WebUtility.HtmlDecode(c.Groups["v"].Value))).ToList();
                    if (cells.Count > 0 && cells.All(c => c.Item1 == "h")) columns = cells.Select(c => c.Item2).ToList();
                    else if (cells.Count > 0) rows.Add(cells.Select(c => c.Item2).ToList());
                }
                tables.Add(new ResultTable(title, columns, rows));
            }
        return tables;
    }

    /// <summary>Writes (or replaces) the notebook's line in the output folder's results.jsonl, atomically.</summary>
    public static void Record(string outputDir, string profile, NotebookResult r)
    {
        var path = Path.Combine(outputDir, FileName);
        var lines = File.Exists(path)
            ? File.ReadAllLines(path).Where(l => l.Trim() != "" && JsonNode.Parse(l)?["notebook"]?.GetValue<string>() != r.Name).ToList()
            : [];
        var line = new JsonObject
        {
            ["notebook"] = r.Name,
            ["profile"] = profile == "" ? "auto" : profile,
            ["ok"] = r.Ok,
            ["wall_s"] = Math.Round(r.Elapsed.TotalSeconds, 1),
            ["code_cells"] = r.CodeCells,
            ["images"] = r.Images,
            ["charts"] = r.Charts,
            ["peak_rss_mb"] = r.PeakRssMb is { } p ? Math.Round(p) : null,
            ["finished_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["machine"] = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
            // other programs' load makes wall times longer: recorded so that a busy run can be told apart
            ["load_avg"] = File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null,
            ["errors"] = new JsonArray(r.Errors.Select(e => (JsonNode)e.ToString()).ToArray()),
            ["tables"] = JsonSerializer.SerializeToNode(r.Tables),
        };
        lines.Add(line.ToJsonString());
        lines.Sort(StringComparer.Ordinal); // notebooks in order ({"notebook":"00-...)
        var temp = path + $".{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, string.Join("\n", lines) + "\n");
        File.Move(temp, path, overwrite: true);
        WriteIndex(outputDir);
    }

    /// <summary>Rewrites the output folder's index.html (every recorded notebook, its status, time and headline metric).</summary>
    public static void WriteIndex(string outputDir) => CourseIndex.Write(outputDir);
}

/// <summary>
/// Peak resident memory of a process tree (the notebook kernel runs in a child of the runner's child): polls the
/// VmHWM (high-water mark) of every descendant in /proc; the largest is reported. Linux only; null elsewhere.
/// </summary>
public sealed class PeakRssSampler : IDisposable
{
    readonly CancellationTokenSource stop = new();
    Task? loop;
    double peakKb;

    public void Start(int rootPid)
    {
        if (!Directory.Exists("/proc")) return;
        loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Sample(rootPid);
                try { await Task.Delay(250, stop.Token); } catch (TaskCanceledException) { }
            }
        });
    }

    /// <summary>Stops polling; the peak in MB, or null if nothing was measured.</summary>
    public double? Stop()
    {
        stop.Cancel();
        loop?.Wait();
        return peakKb > 0 ? peakKb / 1024 : null;
    }

    void Sample(int rootPid)
    {
        var parent = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parent[pid] = int.Parse(fields[1]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        }
        foreach (var (pid, _) in parent)
        {
            var p = pid;
            while (p != rootPid && parent.TryGetValue(p, out var pp) && pp > 1) p = pp;
            if (p != rootPid) continue;
            try
            {
                var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
                if (line is not null && double.TryParse(line[6..].Trim().Split(' ')[0], out var kb) && kb > peakKb) peakKb = kb;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    public void Dispose() { stop.Cancel(); stop.Dispose(); }
}
