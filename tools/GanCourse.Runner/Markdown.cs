using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace GanCourse.Runner;

/// <summary>
/// Just enough Markdown for the notebooks' text cells in the HTML export: headings, paragraphs, bullet and
/// numbered lists, tables, fenced code, inline code, bold, italics and links. Formulas stay as LaTeX text.
/// </summary>
public static partial class Markdown
{
    public static string ToHtml(string md)
    {
        var sb = new StringBuilder();
        var lines = md.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length;)
        {
            var line = lines[i];
            if (string.IsNullOrWhiteSpace(line)) { i++; continue; }
            if (line.StartsWith("```"))
            {
                var code = new List<string>();
                for (i++; i < lines.Length && !lines[i].StartsWith("```"); i++) code.Add(lines[i]);
                i++;
                sb.Append("<pre class=\"code\">").Append(WebUtility.HtmlEncode(string.Join("\n", code))).Append("</pre>");
                continue;
            }
            if (Heading().Match(line) is { Success: true } h)
            {
                var level = h.Groups[1].Length;
                sb.Append($"<h{level}>").Append(Inline(h.Groups[2].Value)).Append($"</h{level}>");
                i++;
                continue;
            }
            if (line.TrimStart().StartsWith('|'))
            {
                var rows = new List<string>();
                for (; i < lines.Length && lines[i].TrimStart().StartsWith('|'); i++) rows.Add(lines[i].Trim());
                sb.Append("<table>");
                for (int r = 0; r < rows.Count; r++)
                {
                    if (r == 1 && Regex.IsMatch(rows[r], @"^\|[\s:\-|]+\|$")) continue;
                    var tag = r == 0 ? "th" : "td";
                    var cells = rows[r].Trim('|').Split('|');
                    sb.Append("<tr>").Append(string.Concat(cells.Select(c => $"<{tag}>{Inline(c.Trim())}</{tag}>"))).Append("</tr>");
                }
                sb.Append("</table>");
                continue;
            }
            if (ListItem().IsMatch(line))
            {
                var ordered = char.IsDigit(line.TrimStart()[0]);
                sb.Append(ordered ? "<ol>" : "<ul>");
                while (i < lines.Length && ListItem().Match(lines[i]) is { Success: true } m)
                {
                    var item = new StringBuilder(m.Groups[2].Value);
                    // continuation lines are indented
                    for (i++; i < lines.Length && lines[i].StartsWith("  ") && !ListItem().IsMatch(lines[i]); i++) item.Append(' ').Append(lines[i].Trim());
                    sb.Append("<li>").Append(Inline(item.ToString())).Append("</li>");
                }
                sb.Append(ordered ? "</ol>" : "</ul>");
                continue;
            }
            var para = new List<string>();
            for (; i < lines.Length && !string.IsNullOrWhiteSpace(lines[i]) && !lines[i].StartsWith("```") && !Heading().IsMatch(lines[i])
                   && !lines[i].TrimStart().StartsWith('|') && !ListItem().IsMatch(lines[i]); i++)
                para.Add(lines[i]);
            sb.Append("<p>").Append(Inline(string.Join(" ", para))).Append("</p>");
        }
        return sb.ToString();
    }

    static string Inline(string text)
    {
        var parts = Regex.Split(text, "(`[^`]+`)");
        var sb = new StringBuilder();
        foreach (var part in parts)
        {
            if (part.Length > 1 && part.StartsWith('`') && part.EndsWith('`'))
            {
                sb.Append("<code>").Append(WebUtility.HtmlEncode(part[1..^1])).Append("</code>");
                continue;
            }
            var s = WebUtility.HtmlEncode(part);
            s = Regex.Replace(s, @"\*\*(.+?)\*\*", "<strong>$1</strong>");
            s = Regex.Replace(s, @"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", "<em>$1</em>");
            s = Regex.Replace(s, @"\[([^\]]+)\]\(([^)\s]+)\)", "<a href=\"$2\">$1</a>");
            sb.Append(s);
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s*([*\-]|\d+\.)\s+(.*)$")]
    private static partial Regex ListItem();
}
