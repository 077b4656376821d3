using Plotly.NET;

namespace GanCourse.Visuals;

/// <summary>A named series for a chart.</summary>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>
/// Plotly charts with course defaults, built with Plotly.NET and returned as <see cref="Figure"/>s that display
/// inline. (Plotly.NET's F# chart functions take dozens of optional arguments that C# cannot skip, so we build
/// traces directly: the same JSON plotly.js reads.)
/// </summary>
public static class Charts
{
    /// <summary>One or more line series, e.g. D and G losses over steps.</summary>
    public static Figure Lines(string title, string xTitle, string yTitle, params Series[] series) =>
        Build(title, xTitle, yTitle, series.Select(s => Trace("scatter", s, mode: "lines")));

    /// <summary>Point clouds, e.g. real vs generated samples in the plane.</summary>
    public static Figure Scatter(string title, string xTitle, string yTitle, params Series[] series) =>
        Build(title, xTitle, yTitle, series.Select(s => Trace("scatter", s, mode: "markers", markerSize: 4)));

    /// <summary>Bars: one category per label.</summary>
    public static Figure Bars(string title, string yTitle, IReadOnlyList<string> labels, IReadOnlyList<double> values)
    {
        var t = new Trace2D("bar");
        t.SetProperty("x", labels.ToArray());
        t.SetProperty("y", values.ToArray());
        return Build(title, "", yTitle, [t]);
    }

    static Trace2D Trace(string type, Series s, string mode, int? markerSize = null)
    {
        if (s.X.Count != s.Y.Count)
            throw new ArgumentException($"Series '{s.Name}' has {s.X.Count} x values but {s.Y.Count} y values.");
        var t = new Trace2D(type);
        t.SetProperty("name", s.Name);
        t.SetProperty("x", s.X.ToArray());
        t.SetProperty("y", s.Y.ToArray());
        t.SetProperty("mode", mode);
        if (markerSize is { } m) t.SetProperty("marker", new Dictionary<string, object> { ["size"] = m, ["opacity"] = 0.7 });
        return t;
    }

    static Figure Build(string title, string xTitle, string yTitle, IEnumerable<Trace> traces)
    {
        var list = traces.ToList();
        if (list.Count == 0) throw new ArgumentException($"Chart '{title}' has no series to draw.");
        var chart = list.Select(t => GenericChart.ofTraceObject(true, t)).ToList() switch
        {
            [var one] => one,
            var many => GenericChart.combine(many),
        };
        var layout = new Layout();
        layout.SetProperty("title", new Dictionary<string, object> { ["text"] = title });
        layout.SetProperty("xaxis", new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = xTitle } });
        layout.SetProperty("yaxis", new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = yTitle } });
        layout.SetProperty("width", 720);
        layout.SetProperty("height", 420);
        return new Figure(GenericChart.addLayout(layout, chart), title);
    }
}
