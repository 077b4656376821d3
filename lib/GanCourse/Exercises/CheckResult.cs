using System.Net;
using GanCourse.Interactive;

namespace GanCourse.Exercises;

/// <summary>What <see cref="Exercise.Check"/> says about an answer; shown in the notebook as a coloured line.</summary>
[Microsoft.DotNet.Interactive.Formatting.TypeFormatterSource(typeof(HtmlFormatterSource))]
public sealed record CheckResult(string Id, string Title, bool Right, string Message) : IHtmlView
{
    /// <summary>False while the answer is still the notebook's placeholder (double.NaN, "").</summary>
    public bool Answered => !Message.StartsWith("not answered yet", StringComparison.Ordinal);

    string Label => Right ? "✔ right" : Answered ? "✘ not yet" : "✎ your turn";

    public override string ToString() => $"{Label}  exercise {Id} ({Title}): {Message}";

    public string ToHtml()
    {
        var (border, background) = Right ? ("#2e7d32", "#e8f5e9") : Answered ? ("#c62828", "#fdecea") : ("#1565c0", "#e3f2fd");
        return $"<div class=\"gancourse-check\" style=\"border-left:4px solid {border};background:{background};padding:6px 10px;margin:4px 0\">" +
               $"<b>{Label}</b> — exercise {WebUtility.HtmlEncode(Id)} ({WebUtility.HtmlEncode(Title)}): " +
               $"{WebUtility.HtmlEncode(Message)}</div>";
    }
}
