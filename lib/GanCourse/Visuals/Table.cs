using System.Globalization;
using System.Net;
using System.Text;
using GanCourse.Interactive;

namespace GanCourse.Visuals;

/// <summary>
/// A small HTML table for results (metrics per experiment, per snapshot). <c>Table.From(rows)</c> takes the public
/// properties of the rows (records or anonymous objects) as columns, in declaration order.
/// </summary>
[Microsoft.DotNet.Interactive.Formatting.TypeFormatterSource(typeof(HtmlFormatterSource))]
public sealed class Table : IHtmlView
{
    public string? Title { get; }
    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }

    public Table(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows, string? title = null)
    {
        Columns = columns;
        Rows = rows.ToList();
        Title = title;
        foreach (var r in Rows)
            if (r.Count != columns.Count)
                throw new ArgumentException($"Table '{title}': a row has {r.Count} cells for {columns.Count} columns.", nameof(rows));
    }

    /// <summary>One column per public property of <typeparamref name="T"/>; numbers with 4 significant digits.</summary>
    public static Table From<T>(IEnumerable<T> rows, string? title = null)
    {
        var props = typeof(T).GetProperties().Where(p => p.GetIndexParameters().Length == 0).ToArray();
        return new Table(props.Select(p => p.Name).ToArray(),
            rows.Select(r => (IReadOnlyList<string>)props.Select(p => Format(p.GetValue(r))).ToArray()), title);
    }

    static string Format(object? v) => v switch
    {
        null => "",
        double d => d.ToString("G4", CultureInfo.InvariantCulture),
        float f => f.ToString("G4", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    public string ToHtml()
    {
        var sb = new StringBuilder("<div class=\"gancourse-table\">");
        if (Title is not null) sb.Append($"<div style=\"font-weight:600;margin:4px 0\">{WebUtility.HtmlEncode(Title)}</div>");
        sb.Append("<table style=\"border-collapse:collapse;font-size:13px\"><thead><tr>");
        foreach (var c in Columns) sb.Append($"<th style=\"border-bottom:1px solid #888;padding:3px 10px;text-align:left\">{WebUtility.HtmlEncode(c)}</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var r in Rows)
        {
            sb.Append("<tr>");
            foreach (var cell in r) sb.Append($"<td style=\"padding:3px 10px;border-bottom:1px solid #ddd\">{WebUtility.HtmlEncode(cell)}</td>");
            sb.Append("</tr>");
        }
        return sb.Append("</tbody></table></div>").ToString();
    }

    /// <summary>Plain text: one line per row, columns separated by " | " (what a console shows).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Title is not null) sb.AppendLine(Title);
        sb.AppendLine(string.Join(" | ", Columns));
        foreach (var r in Rows) sb.AppendLine(string.Join(" | ", r));
        return sb.ToString();
    }
}
