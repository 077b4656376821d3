using GanCourse.Interactive;

namespace GanCourse.Visuals;

/// <summary>
/// Views side by side in one notebook output (wrapping when the page is narrow), e.g. an input image and the output of
/// a layer: <c>new Row(ImageGrid.From(x, title: "input"), ImageGrid.From(y, title: "output"))</c>.
/// </summary>
[Microsoft.DotNet.Interactive.Formatting.TypeFormatterSource(typeof(HtmlFormatterSource))]
public sealed class Row : IHtmlView
{
    public IReadOnlyList<IHtmlView> Items { get; }

    public Row(params IHtmlView[] items)
    {
        if (items is null || items.Length == 0) throw new ArgumentException("A row needs at least one view.", nameof(items));
        if (items.Any(i => i is null)) throw new ArgumentException("A row cannot hold a null view.", nameof(items));
        Items = items;
    }

    public string ToHtml() =>
        "<div style=\"display:flex;flex-wrap:wrap;align-items:flex-end;gap:24px\">" +
        string.Concat(Items.Select(i => $"<div>{i.ToHtml()}</div>")) + "</div>";

    public override string ToString() => $"Row of {Items.Count}: {string.Join(", ", Items)}";
}
