using Plotly.NET;
using TorchSharp;
using static TorchSharp.torch;

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

    /// <summary>A heat map of z[row][col] over the given x (columns) and y (rows) coordinates.</summary>
    public static Figure Heatmap(string title, string xTitle, string yTitle, double[] x, double[] y, double[][] z,
        string colorscale = "Viridis", params Series[] overlay)
    {
        if (z.Length != y.Length || z.Any(r => r.Length != x.Length))
            throw new ArgumentException($"Heatmap '{title}': z must be {y.Length} rows of {x.Length} values.");
        var t = new Trace2D("heatmap");
        t.SetProperty("x", x);
        t.SetProperty("y", y);
        t.SetProperty("z", z);
        t.SetProperty("colorscale", colorscale);
        var traces = new List<Trace> { t };
        traces.AddRange(overlay.Select(s => (Trace)Trace("scatter", s, mode: "markers", markerSize: 4)));
        return Build(title, xTitle, yTitle, traces);
    }

    /// <summary>2-D density of samples (N, 2): a histogram over <paramref name="bins"/> x <paramref name="bins"/> cells.</summary>
    public static Figure Density(string title, Tensor points, (double Min, double Max) xRange, (double Min, double Max) yRange, int bins = 60)
    {
        var p = ToPairs(points, nameof(points));
        var counts = new double[bins][];
        for (int r = 0; r < bins; r++) counts[r] = new double[bins];
        double dx = (xRange.Max - xRange.Min) / bins, dy = (yRange.Max - yRange.Min) / bins;
        foreach (var (px, py) in p)
        {
            int c = (int)Math.Floor((px - xRange.Min) / dx), r = (int)Math.Floor((py - yRange.Min) / dy);
            if (c >= 0 && c < bins && r >= 0 && r < bins) counts[r][c]++;
        }
        var xs = Enumerable.Range(0, bins).Select(i => xRange.Min + (i + 0.5) * dx).ToArray();
        var ys = Enumerable.Range(0, bins).Select(i => yRange.Min + (i + 0.5) * dy).ToArray();
        return Heatmap(title, "x", "y", xs, ys, counts);
    }

    /// <summary>
    /// The value of <paramref name="f"/> (e.g. a discriminator or critic) over a grid of the plane, as a heat map,
    /// with point clouds drawn on top.
    /// </summary>
    public static Figure Surface(string title, Func<Tensor, Tensor> f, (double Min, double Max) xRange, (double Min, double Max) yRange,
        int resolution = 80, Device? device = null, params Series[] overlay)
    {
        using var _ = NewDisposeScope();
        var xs = linspace(xRange.Min, xRange.Max, resolution, dtype: float32);
        var ys = linspace(yRange.Min, yRange.Max, resolution, dtype: float32);
        var grid = stack([xs.repeat(resolution), ys.repeat_interleave(resolution)], dim: 1).to(device ?? CPU);
        float[] values;
        using (no_grad()) values = f(grid).reshape(-1).to(CPU).to(float32).data<float>().ToArray();
        if (values.Length != resolution * resolution)
            throw new ArgumentException($"Surface '{title}': f returned {values.Length} values for {resolution * resolution} points.");
        var z = Enumerable.Range(0, resolution).Select(r => values.Skip(r * resolution).Take(resolution).Select(v => (double)v).ToArray()).ToArray();
        return Heatmap(title, "x", "y", xs.data<float>().Select(v => (double)v).ToArray(), ys.data<float>().Select(v => (double)v).ToArray(), z, "RdBu", overlay);
    }

    /// <summary>A series from an (N, 2) tensor of points.</summary>
    public static Series Points(string name, Tensor points)
    {
        var p = ToPairs(points, nameof(points));
        return new Series(name, p.Select(q => q.X).ToArray(), p.Select(q => q.Y).ToArray());
    }

    static (double X, double Y)[] ToPairs(Tensor points, string name)
    {
        if (points.dim() != 2 || points.shape[1] != 2)
            throw new ArgumentException($"Expected points of shape (N, 2), got [{string.Join(", ", points.shape)}].", name);
        var flat = points.detach().to(CPU).to(float64).contiguous().data<double>().ToArray();
        return Enumerable.Range(0, flat.Length / 2).Select(i => (flat[2 * i], flat[2 * i + 1])).ToArray();
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
