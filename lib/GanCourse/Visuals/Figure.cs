using System.Text;
using GanCourse.Interactive;
using GanCourse.Runtime;
using Plotly.NET;

namespace GanCourse.Visuals;

/// <summary>
/// A Plotly.NET chart that displays inline in notebooks, online or offline: the first figure a kernel shows
/// embeds the plotly.js bundled inside Plotly.NET (so no CDN is needed); later figures reuse it.
/// Wrap any Plotly.NET <see cref="GenericChart"/> with <c>new Figure(chart)</c>.
/// </summary>
[Microsoft.DotNet.Interactive.Formatting.TypeFormatterSource(typeof(HtmlFormatterSource))]
public sealed class Figure(GenericChart chart, string? title = null) : IHtmlView
{
    static int bundleEmitted;

    // Once a figure has embedded plotly.js, the next Course.Init (a notebook re-running its first cell, e.g. after
    // being reopened) makes the next figure embed it again. Before any figure is used there is nothing to reset.
    static Figure() => Course.Initialized += _ => ResetBundle();

    static readonly Lazy<string> PlotlyJs = new(() =>
    {
        var asm = typeof(GenericChart).Assembly;
        var name = asm.GetManifestResourceNames().First(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal));
        using var s = asm.GetManifestResourceStream(name)!;
        return new StreamReader(s).ReadToEnd();
    });

    public GenericChart Chart { get; } = chart;
    public string? Title { get; } = title;

    /// <summary>The chart as JSON: {"data": [...], "layout": {...}, "config": {...}}.</summary>
    public string Json => GenericChart.toFigureJson(Chart);

    /// <summary>Makes the next displayed figure embed plotly.js again (call after restarting a view).</summary>
    public static void ResetBundle() => Interlocked.Exchange(ref bundleEmitted, 0);

    public string ToHtml() => ToHtml(includeBundle: Interlocked.Exchange(ref bundleEmitted, 1) == 0);

    public string ToHtml(bool includeBundle)
    {
        var id = "gc-" + Guid.NewGuid().ToString("N")[..12];
        var sb = new StringBuilder();
        if (includeBundle) sb.Append(BundleScript());
        sb.Append($"<div id=\"{id}\" class=\"gancourse-figure\"></div>\n<script type=\"text/javascript\">\n");
        sb.Append("(function(){var fig=").Append(Json).Append(";\n");
        sb.Append($"var draw=function(){{Plotly.newPlot('{id}',fig.data,fig.layout,fig.config||{{responsive:true}});}};\n");
        // plotly.js may still be loading (or was embedded by an earlier output): wait for it briefly.
        sb.Append("if(window.Plotly){draw();}else{var n=0,t=setInterval(function(){if(window.Plotly){clearInterval(t);draw();}else if(++n>200){clearInterval(t);");
        sb.Append($"document.getElementById('{id}').innerText='plotly.js is not loaded: re-run the cell (GanCourse.Visuals.Figure.ResetBundle())';}}}},50);}}\n");
        sb.Append("})();\n</script>\n");
        return sb.ToString();
    }

    /// <summary>plotly.js inline; AMD's define is hidden while it loads so it sets window.Plotly even where require.js is present.</summary>
    public static string BundleScript() =>
        "<script type=\"text/javascript\">window.__gc_define=window.define;window.define=undefined;</script>\n" +
        "<script type=\"text/javascript\">" + PlotlyJs.Value + "</script>\n" +
        "<script type=\"text/javascript\">window.define=window.__gc_define;</script>\n";

    public override string ToString() => $"Figure{(Title is null ? "" : ": " + Title)}";
}
