using System.Globalization;
using System.Net;
using GanCourse.Runner;
using System.Text.RegularExpressions;

namespace GanCourse.Tests;

/// <summary>
/// Compares what a notebook's run-built text says (its <c>Prose</c> outputs: "What this run measured ...") with the
/// run's own tables: every FD, KID, reverse KL and high-quality share the text states must stand in one of the
/// notebook's results tables, to the precision either shows. Text that quotes a number the tables do not hold is
/// either hard-coded or computed apart from the record.
/// </summary>
public static class RunStatements
{
    const string Number = @"(-?\d[\d,]*(?:\.\d+)?)";
    static readonly (string Metric, Regex Pattern)[] Claims =
    [
        ("FD", new Regex(@"\bFD " + Number, RegexOptions.Compiled)),
        ("KID", new Regex(@"\bKID " + Number, RegexOptions.Compiled)),
        ("reverse KL", new Regex(@"reverse KL " + Number, RegexOptions.Compiled)),
        ("high-quality share", new Regex(Number + @" ?% high-quality", RegexOptions.Compiled)),
    ];
    static readonly Regex CellNumber = new(@"-?\d+(?:\.\d+)?", RegexOptions.Compiled);
    static readonly Regex Tag = new("<[^>]+>", RegexOptions.Compiled);

    /// <summary>The claims of the notebook's prose outputs that no table supports, e.g. "FD 106.7 (no table has it)".</summary>
    public static List<string> Unsupported(string executedNotebookJson, out int claims)
    {
        // the runner's own readers: every HTML output of the notebook, and the results tables among them
        var html = NotebookRunner.Inspect(executedNotebookJson).Html;
        var tableValues = ResultsLog.Tables(html).SelectMany(t => t.Rows).SelectMany(r => r)
            .SelectMany(cell => CellNumber.Matches(cell.Replace(",", "")).Select(m => m.Value)).ToList();
        var unsupported = new List<string>();
        claims = 0;
        foreach (var prose in html.Where(h => h.Contains("gancourse-prose", StringComparison.Ordinal)))
        {
            var text = WebUtility.HtmlDecode(Tag.Replace(prose, " "));
            foreach (var (metric, pattern) in Claims)
                foreach (Match m in pattern.Matches(text))
                {
                    claims++;
                    var said = m.Groups[1].Value.Replace(",", "");
                    if (!tableValues.Any(v => Agree(said, v))) unsupported.Add($"{metric} {said} (no results table of the run has it)");
                }
        }
        return unsupported;
    }

    /// <summary>Equal to the precision of the coarser of the two ("106.7" and "107" agree, "106.7" and "105" do not).</summary>
    public static bool Agree(string a, string b)
    {
        double x = double.Parse(a, CultureInfo.InvariantCulture), y = double.Parse(b, CultureInfo.InvariantCulture);
        static double HalfUlp(string s) => 0.5 * Math.Pow(10, -(s.Contains('.') ? s.Length - s.IndexOf('.') - 1 : 0));
        return Math.Abs(x - y) < HalfUlp(a) + HalfUlp(b) - 1e-12; // the two rounding intervals overlap
    }
}
