using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace GanCourse.Runner;

/// <summary>
/// <c>index.html</c> in a run's output folder: every notebook of <c>results.jsonl</c> with its status, wall time,
/// a link to its exported page and a headline metric (the last results table's first row, first numeric column).
/// Rewritten, atomically, each time <see cref="ResultsLog.Record"/> writes a line.
/// </summary>
public static class CourseIndex
{
    public const string FileName = "index.html";

    public sealed record Entry(string Notebook, bool Ok, double WallSeconds, string Profile, string? Finished, string? Headline, int Errors);

    /// <summary>The notebooks recorded in <c>&lt;outDir&gt;/results.jsonl</c>, in its order.</summary>
    public static List<Entry> Read(string outDir)
    {
        var path = Path.Combine(outDir, ResultsLog.FileName);
        var entries = new List<Entry>();
        if (!File.Exists(path)) return entries;
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.Trim() == "") continue;
            var o = JsonNode.Parse(line)!;
            entries.Add(new Entry(
                (string?)o["notebook"] ?? "?",
                (bool?)o["ok"] ?? false,
                (double?)o["wall_s"] ?? 0,
                (string?)o["profile"] ?? "",
                (string?)o["finished_utc"],
                Headline(o["tables"] as JsonArray),
                (o["errors"] as JsonArray)?.Count ?? 0));
        }
        return entries;
    }

    /// <summary>
    /// "column = value (table title)" from the last table's first row: its first metric column (the kit marks
    /// metrics with an arrow, "FD ↓", "Modes captured ↑"), else its first numeric column that is not a count of
    /// samples, steps, runs or seeds. Null when no table has one. Tables are as <see cref="ResultsLog.Record"/>
    /// stores them (Title, Columns, Rows).
    /// </summary>
    public static string? Headline(JsonArray? tables)
    {
        if (tables is null || tables.Count == 0) return null;
        var last = tables[^1]!;
        var columns = (last["Columns"] as JsonArray)?.Select(c => (string?)c ?? "").ToList() ?? [];
        var rows = last["Rows"] as JsonArray;
        if (rows is null || rows.Count == 0 || rows[0] is not JsonArray first) return null;
        var cells = first.Select(c => ((string?)c)?.Trim() ?? "").ToList();
        string Name(int k) => k < columns.Count ? columns[k] : $"column {k + 1}";
        var pick = Enumerable.Range(0, cells.Count).Where(k => IsValue(cells[k]) && (Name(k).Contains('↑') || Name(k).Contains('↓')))
            .Concat(Enumerable.Range(0, cells.Count).Where(k => IsValue(cells[k]) && !IsCount(Name(k))))
            .Cast<int?>().FirstOrDefault();
        if (pick is not { } i) return null;
        var title = (string?)last["Title"];
        return string.IsNullOrWhiteSpace(title) ? $"{Name(i)} = {cells[i]}" : $"{Name(i)} = {cells[i]} ({title})";
    }

    // "12.5", "56.0 %", "7/8", "2570 ± 67.1": a measured value, not a label
    static bool IsValue(string v) => MetricValue.IsMatch(v);
    static readonly System.Text.RegularExpressions.Regex MetricValue =
        new(@"^[-+]?\d[\d,]*(\.\d+)?([eE][-+]?\d+)?\s*(%|/\s*\d+|±\s*[\d.]+)?$", System.Text.RegularExpressions.RegexOptions.Compiled);
    static bool IsCount(string column) =>
        System.Text.RegularExpressions.Regex.IsMatch(column, @"^(samples|steps?|runs?|seeds?|count|images|epochs?|n)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    /// <summary>The HTML file the runner exported for a notebook: name.html, or name.FAILED.html when it failed.</summary>
    public static string PageName(Entry e) => e.Ok ? e.Notebook + ".html" : e.Notebook + ".FAILED.html";

    /// <summary>Writes <c>&lt;outDir&gt;/index.html</c> from results.jsonl (temp file, then rename).</summary>
    public static void Write(string outDir)
    {
        var html = Render(outDir, Read(outDir));
        var path = Path.Combine(outDir, FileName);
        var temp = path + $".{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, html);
        File.Move(temp, path, overwrite: true);
    }

    public static string Render(string outDir, IReadOnlyList<Entry> entries)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var sb = new StringBuilder();
        int ok = entries.Count(e => e.Ok);
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>GanCourse run</title><style>")
          .Append("body{font-family:system-ui,sans-serif;max-width:1100px;margin:24px auto;padding:0 16px;color:#1f2328}")
          .Append("table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:6px 10px;text-align:left}th{background:#f6f8fa}")
          .Append("td.num{text-align:right;font-variant-numeric:tabular-nums}.ok{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}")
          .Append(".small{color:#666;font-size:13px}</style></head><body>")
          .Append("<h1>GanCourse run</h1><p>")
          .Append(ok).Append(" of ").Append(entries.Count).Append(" notebooks ok")
          .Append(entries.Count == 0 ? "" : $", {FormatWall(entries.Sum(e => e.WallSeconds))} in all")
          .Append(". Each page opens offline; add <code>?present</code> to its address (or press p) for the presentation mode.</p>")
          .Append("<table><tr><th>Notebook</th><th>Status</th><th>Wall time</th><th>Headline metric</th><th>Profile</th><th>Finished (UTC)</th></tr>");
        foreach (var e in entries)
        {
            var page = PageName(e);
            var name = File.Exists(Path.Combine(outDir, page)) ? $"<a href=\"{E(Uri.EscapeDataString(page))}\">{E(e.Notebook)}</a>" : E(e.Notebook);
            sb.Append("<tr><td>").Append(name).Append("</td>")
              .Append(e.Ok ? "<td class=\"ok\">ok</td>" : $"<td class=\"fail\">FAIL{(e.Errors > 0 ? $" ({e.Errors} error{(e.Errors == 1 ? "" : "s")})" : "")}</td>")
              .Append("<td class=\"num\">").Append(FormatWall(e.WallSeconds)).Append("</td>")
              .Append("<td>").Append(E(e.Headline ?? "")).Append("</td>")
              .Append("<td>").Append(E(e.Profile)).Append("</td>")
              .Append("<td class=\"small\">").Append(E(e.Finished)).Append("</td></tr>");
        }
        sb.Append("</table><p class=\"small\">Generated from ").Append(ResultsLog.FileName).Append(" by the notebook runner.</p></body></html>\n");
        return sb.ToString();
    }

    public static string FormatWall(double seconds)
    {
        if (seconds < 60) return seconds.ToString("F1", CultureInfo.InvariantCulture) + " s";
        var t = (int)Math.Round(seconds);
        return $"{t / 60} min {(t % 60).ToString("00", CultureInfo.InvariantCulture)} s";
    }
}
