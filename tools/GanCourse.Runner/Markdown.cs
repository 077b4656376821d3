using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace GanCourse.Runner;

/// <summary>
/// Just enough Markdown for the notebooks' text cells in the HTML export: headings, paragraphs, bullet and
/// numbered lists, block quotes, tables, fenced code, inline code, bold, italics and links. Formulas (<c>$$...$$</c> display,
/// <c>$...$</c> inline) are taken out before the inline rules run, so emphasis cannot mangle <c>a*b*c</c> or
/// <c>x_i</c>, and come out as <c>&lt;span class="math display|inline"&gt;LaTeX&lt;/span&gt;</c> for KaTeX to
/// render in the page (NotebookHtml).
/// </summary>
public static partial class Markdown
{
    // Formulas are swapped for these private-use markers (untouched by HtmlEncode and the inline regexes).
    const char MathOpen = '\uE000', MathClose = '\uE001', LiteralDollar = '\uE002';

    public static string ToHtml(string md)
    {
        var (text, formulas) = ProtectMath(md.Replace("\r\n", "\n"));
        var html = Blocks(text).Replace(LiteralDollar, '$');
        return formulas.Count == 0 ? html : MathMarker().Replace(html, m =>
        {
            var (latex, display) = formulas[int.Parse(m.Groups[1].Value)];
            return $"<span class=\"math {(display ? "display" : "inline")}\">{WebUtility.HtmlEncode(latex)}</span>";
        });
    }

    /// <summary>
    /// Replaces each formula outside code (fenced blocks and `inline code`) by a marker. <c>$$...$$</c> is display
    /// math and may span lines; <c>$...$</c> is inline math when the opening <c>$</c> is followed by a non-space and
    /// the closing one is preceded by a non-space and not followed by a digit (so "costs $5 or $10" stays text), and
    /// it stays within a paragraph. <c>\$</c> is a literal dollar.
    /// </summary>
    public static (string Text, List<(string Latex, bool Display)> Formulas) ProtectMath(string md)
    {
        var formulas = new List<(string, bool)>();
        var sb = new StringBuilder(md.Length);
        int i = 0, n = md.Length;
        while (i < n)
        {
            bool lineStart = i == 0 || md[i - 1] == '\n';
            if (lineStart && md.AsSpan(i).TrimStart(' ').StartsWith("```"))
            {
                // fenced code: copy through to the closing fence line (inclusive)
                int end = md.IndexOf('\n', i);
                while (end >= 0)
                {
                    int next = md.IndexOf('\n', end + 1);
                    var line = md.AsSpan(end + 1, (next < 0 ? n : next) - end - 1);
                    end = next;
                    if (line.TrimStart(' ').StartsWith("```")) break;
                }
                end = end < 0 ? n : end;
                sb.Append(md, i, end - i);
                i = end;
                continue;
            }
            char c = md[i];
            if (c == '`')
            {
                int close = md.IndexOf('`', i + 1);
                if (close > i + 1 && !md.AsSpan(i, close - i).Contains("\n\n", StringComparison.Ordinal))
                {
                    sb.Append(md, i, close + 1 - i);
                    i = close + 1;
                    continue;
                }
                sb.Append(c); i++; continue;
            }
            if (c == '\\' && i + 1 < n && md[i + 1] == '$') { sb.Append(LiteralDollar); i += 2; continue; }
            if (c == '$' && i + 1 < n && md[i + 1] == '$')
            {
                int close = md.IndexOf("$$", i + 2, StringComparison.Ordinal);
                if (close > i + 2)
                {
                    Add(md[(i + 2)..close].Trim(), true);
                    i = close + 2;
                    continue;
                }
            }
            else if (c == '$' && i + 1 < n && !char.IsWhiteSpace(md[i + 1]))
            {
                int close = InlineClose(md, i + 1);
                if (close > 0)
                {
                    Add(md[(i + 1)..close], false);
                    i = close + 1;
                    continue;
                }
            }
            sb.Append(c);
            i++;
        }
        return (sb.ToString(), formulas);

        void Add(string latex, bool display)
        {
            sb.Append(MathOpen).Append(formulas.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(MathClose);
            formulas.Add((latex, display));
        }
    }

    static int InlineClose(string md, int from)
    {
        for (int j = from; j < md.Length; j++)
        {
            char c = md[j];
            if (c == '\\') { j++; continue; }
            if (c == '\n' && j + 1 < md.Length && md.AsSpan(j + 1).TrimStart(" \t").StartsWith("\n")) return -1; // blank line: paragraph ends
            if (c != '$') continue;
            if (j + 1 < md.Length && md[j + 1] == '$') return -1; // "$$" opens display math, not a closer
            if (char.IsWhiteSpace(md[j - 1]) || (j + 1 < md.Length && char.IsAsciiDigit(md[j + 1]))) continue;
            return j;
        }
        return -1;
    }

    static string Blocks(string md)
    {
        var sb = new StringBuilder();
        var lines = md.Split('\n');
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
            if (line.TrimStart().StartsWith('>'))
            {
                var quoted = new List<string>();
                for (; i < lines.Length && lines[i].TrimStart().StartsWith('>'); i++)
                {
                    var q = lines[i].TrimStart()[1..];
                    quoted.Add(q.StartsWith(' ') ? q[1..] : q);
                }
                sb.Append("<blockquote>").Append(Blocks(string.Join("\n", quoted))).Append("</blockquote>");
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
                   && !lines[i].TrimStart().StartsWith('|') && !lines[i].TrimStart().StartsWith('>') && !ListItem().IsMatch(lines[i]); i++)
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

    [GeneratedRegex("\uE000(\\d+)\uE001")]
    private static partial Regex MathMarker();

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s*([*\-]|\d+\.)\s+(.*)$")]
    private static partial Regex ListItem();
}
