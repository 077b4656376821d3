using GanCourse.Visuals;
using Plotly.NET;
using Figure = GanCourse.Visuals.Figure;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Metrics;

/// <summary>
/// Counts of (requested class, predicted class) pairs: for a conditional generator, "asked for a 3, the classifier
/// sees a 5". Rows are requested (or true) classes, columns predicted ones.
/// </summary>
public sealed class ConfusionMatrix
{
    public int Classes { get; }
    /// <summary>Counts[requested][predicted].</summary>
    public long[][] Counts { get; }
    public long Total => Counts.Sum(r => r.Sum());
    /// <summary>Share of samples classified as requested.</summary>
    public double Accuracy => Total == 0 ? double.NaN : Enumerable.Range(0, Classes).Sum(c => Counts[c][c]) / (double)Total;
    /// <summary>For each requested class, the share classified as that class (NaN for a class never requested).</summary>
    public double[] PerClassAccuracy => Enumerable.Range(0, Classes)
        .Select(c => Counts[c].Sum() is var n and > 0 ? Counts[c][c] / (double)n : double.NaN).ToArray();

    ConfusionMatrix(int classes, long[][] counts) => (Classes, Counts) = (classes, counts);

    /// <param name="requested">Requested (or true) class ids (N).</param>
    /// <param name="predicted">Predicted class ids (N).</param>
    public static ConfusionMatrix From(Tensor requested, Tensor predicted, int classes = 10)
    {
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "classes must be at least 1");
        if (requested.numel() != predicted.numel())
            throw new ArgumentException($"{requested.numel()} requested labels but {predicted.numel()} predictions: pass one of each per sample.");
        var r = requested.reshape(-1).cpu().to(int64).data<long>().ToArray();
        var p = predicted.reshape(-1).cpu().to(int64).data<long>().ToArray();
        var counts = Enumerable.Range(0, classes).Select(_ => new long[classes]).ToArray();
        for (var i = 0; i < r.Length; i++)
        {
            if (r[i] < 0 || r[i] >= classes || p[i] < 0 || p[i] >= classes)
                throw new ArgumentException($"Sample {i}: class ids must be in 0..{classes - 1}, got requested {r[i]}, predicted {p[i]}.");
            counts[r[i]][p[i]]++;
        }
        return new ConfusionMatrix(classes, counts);
    }

    /// <summary>
    /// A heat map of the row-normalised matrix (each requested class sums to 1), requested class on the y axis with
    /// 0 at the top, each cell labelled with its share.
    /// </summary>
    public Figure ToChart(string title)
    {
        var axis = Enumerable.Range(0, Classes).ToArray();
        var z = Counts.Select(row => { var n = Math.Max(1, row.Sum()); return row.Select(v => Math.Round(v / (double)n, 3)).ToArray(); }).ToArray();
        var t = new Trace2D("heatmap");
        t.SetProperty("x", axis);
        t.SetProperty("y", axis);
        t.SetProperty("z", z);
        t.SetProperty("zmin", 0.0);
        t.SetProperty("zmax", 1.0);
        t.SetProperty("colorscale", "Blues");
        t.SetProperty("reversescale", true);   // plotly's Blues runs dark to light: dark = many
        t.SetProperty("texttemplate", "%{z:.2f}");
        t.SetProperty("hovertemplate", "requested %{y}, predicted %{x}: %{z:.1%}<extra></extra>");
        var layout = new Layout();
        layout.SetProperty("title", new Dictionary<string, object> { ["text"] = title });
        layout.SetProperty("xaxis", new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = "predicted class" }, ["dtick"] = 1, ["side"] = "top" });
        layout.SetProperty("yaxis", new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = "requested class" }, ["dtick"] = 1, ["autorange"] = "reversed" });
        layout.SetProperty("width", 560);
        layout.SetProperty("height", 500);
        return new Figure(GenericChart.addLayout(layout, GenericChart.ofTraceObject(true, t)), title);
    }

    public override string ToString() => $"accuracy {Accuracy:P1} on {Total} samples; per class: " +
        string.Join(" ", PerClassAccuracy.Select((a, c) => $"{c}:{a:P0}"));
}
