using System.Globalization;
using System.Net;
using System.Text;
using GanCourse.Interactive;

namespace GanCourse.Visuals;

/// <summary>One box of a <see cref="BlockDiagram"/>: its text, an optional input entering from the left (e.g. a
/// style "A" or noise "B" of StyleGAN's figures) and a colour class ("op", "style", "noise", "io").</summary>
public sealed record Block(string Text, string? SideInput = null, string Kind = "op");

/// <summary>
/// A paper-style block diagram: a top-to-bottom chain of boxes joined by arrows, with side inputs drawn as small
/// boxes on the left whose arrows enter the box they feed (the layout of StyleGAN's and StyleGAN2's generator
/// figures). Several chains side by side compare designs block for block.
/// </summary>
[Microsoft.DotNet.Interactive.Formatting.TypeFormatterSource(typeof(HtmlFormatterSource))]
public sealed class BlockDiagram : IHtmlView
{
    public string Title { get; }
    public IReadOnlyList<(string Caption, IReadOnlyList<Block> Blocks)> Chains { get; }

    public BlockDiagram(string title, params (string Caption, IReadOnlyList<Block> Blocks)[] chains)
    {
        if (chains.Length == 0 || chains.Any(c => c.Blocks.Count == 0))
            throw new ArgumentException("A block diagram needs at least one chain, and every chain at least one block.", nameof(chains));
        (Title, Chains) = (title, chains);
    }

    static (string Fill, string Stroke) Colours(string kind) => kind switch
    {
        "style" => ("#fff3e0", "#ef6c00"),
        "noise" => ("#f3e5f5", "#8e24aa"),
        "io" => ("#e3f2fd", "#1565c0"),
        _ => ("#f5f5f5", "#555"),
    };

    public override string ToString() =>
        $"{Title}: " + string.Join(" | ", Chains.Select(c => $"{c.Caption}: " + string.Join(" -> ", c.Blocks.Select(b => b.SideInput is null ? b.Text : $"{b.Text} (+{b.SideInput})"))));

    public string ToHtml()
    {
        const double BoxH = 30, StepY = 52, SideW = 70, SideGap = 34, Pad = 16;
        static double TextW(string s) => 7.2 * s.Length + 20;
        var widths = Chains.Select(c => Math.Max(TextW(c.Caption) - SideW - SideGap, c.Blocks.Max(b => TextW(b.Text)))).ToList();
        var total = widths.Sum(w => w + SideW + SideGap + 2 * Pad) + 10;
        var height = 40 + Chains.Max(c => c.Blocks.Count) * StepY + 10;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<div class=\"gancourse-diagram\"><div style=\"font-weight:600;margin:4px 0\">{WebUtility.HtmlEncode(Title)}</div>");
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{total:F0}\" height=\"{height:F0}\" font-family=\"sans-serif\" font-size=\"13\">");
        sb.Append("<defs><marker id=\"gc-block-arrow\" markerWidth=\"8\" markerHeight=\"8\" refX=\"7\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#555\"/></marker></defs>");
        double x0 = Pad;
        for (int c = 0; c < Chains.Count; c++)
        {
            var (caption, blocks) = Chains[c];
            double w = widths[c], bx = x0 + SideW + SideGap, cx = bx + w / 2;
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0}\" y=\"18\" font-weight=\"600\">{WebUtility.HtmlEncode(caption)}</text>");
            for (int i = 0; i < blocks.Count; i++)
            {
                var b = blocks[i];
                double y = 34 + i * StepY;
                var (fill, stroke) = Colours(b.Kind);
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{bx}\" y=\"{y}\" width=\"{w}\" height=\"{BoxH}\" rx=\"4\" fill=\"{fill}\" stroke=\"{stroke}\"/>");
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{cx}\" y=\"{y + 20}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(b.Text)}</text>");
                if (i + 1 < blocks.Count)
                    sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{cx}\" y1=\"{y + BoxH}\" x2=\"{cx}\" y2=\"{y + StepY - 2}\" stroke=\"#555\" marker-end=\"url(#gc-block-arrow)\"/>");
                if (b.SideInput is { } side)
                {
                    var kind = side.StartsWith('B') ? "noise" : "style";
                    var (sf, ss) = Colours(kind);
                    sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x0}\" y=\"{y + 3}\" width=\"{SideW}\" height=\"{BoxH - 6}\" rx=\"10\" fill=\"{sf}\" stroke=\"{ss}\"/>");
                    sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + SideW / 2}\" y=\"{y + 19}\" text-anchor=\"middle\" font-size=\"12\">{WebUtility.HtmlEncode(side)}</text>");
                    sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0 + SideW}\" y1=\"{y + BoxH / 2}\" x2=\"{bx - 2}\" y2=\"{y + BoxH / 2}\" stroke=\"{ss}\" marker-end=\"url(#gc-block-arrow)\"/>");
                }
            }
            x0 += w + SideW + SideGap + 2 * Pad;
        }
        return sb.Append("</svg></div>").ToString();
    }
}
