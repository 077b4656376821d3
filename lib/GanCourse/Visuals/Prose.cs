using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using GanCourse.Interactive;

namespace GanCourse.Visuals;

/// <summary>
/// A paragraph (or a few) of notebook text built from a run's numbers, so that "what we measured" statements always
/// agree with the run that shows them: <c>display(Prose.From($"... {report.ModesCaptured} of 8 modes ..."))</c>.
/// A small subset of Markdown: blank lines separate paragraphs, lines starting with "* " are bullet items,
/// <c>**bold**</c>, <c>*italic*</c> and <c>`code`</c>. Everything else is shown as written (HTML-escaped).
/// </summary>
[Microsoft.DotNet.Interactive.Formatting.TypeFormatterSource(typeof(HtmlFormatterSource))]
public sealed partial class Prose(string text) : IHtmlView
{
    public string Text { get; } = text;

    public static Prose From(string text) => new(text);

    public static Prose From(IEnumerable<string> paragraphs) => new(string.Join("\n\n", paragraphs));

    public override string ToString() => Text;

    public string ToHtml()
    {
        var sb = new StringBuilder("<div class=\"gancourse-prose\" style=\"max-width:60em\">");
        foreach (var block in Regex.Split(Text.Replace("\r\n", "\n").Trim(), @"\n\s*\n"))
        {
            var lines = block.Split('\n');
            if (lines.All(l => l.StartsWith("* ") || l.StartsWith("  ")))
            {
                sb.Append("<ul>");
                var items = new List<string>();
                foreach (var l in lines)
                    if (l.StartsWith("* ")) items.Add(l[2..]);
                    else items[^1] += " " + l.Trim();
                foreach (var item in items) sb.Append("<li>").Append(Inline(item)).Append("</li>");
                sb.Append("</ul>");
            }
            else sb.Append("<p>").Append(Inline(string.Join(" ", lines.Select(l => l.Trim())))).Append("</p>");
        }
        return sb.Append("</div>").ToString();
    }

    static string Inline(string s)
    {
        var html = WebUtility.HtmlEncode(s);
        html = CodeSpan().Replace(html, "<code>$1</code>");
        html = Bold().Replace(html, "<strong>$1</strong>");
        return Italic().Replace(html, "<em>$1</em>");
    }

    [GeneratedRegex(@"`([^`]+)`")] private static partial Regex CodeSpan();
    [GeneratedRegex(@"\*\*(.+?)\*\*")] private static partial Regex Bold();
    [GeneratedRegex(@"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")] private static partial Regex Italic();
}
