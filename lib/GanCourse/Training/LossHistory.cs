using GanCourse.Visuals;

namespace GanCourse.Training;

/// <summary>Losses recorded once per training step, by name (e.g. "reconstruction", "KL"), with a chart.</summary>
public sealed class LossHistory
{
    readonly Dictionary<string, List<double>> values = [];

    /// <summary>Recorded steps.</summary>
    public int Steps { get; private set; }
    public IReadOnlyCollection<string> Names => values.Keys;

    /// <summary>The values of one loss, one per step.</summary>
    public IReadOnlyList<double> this[string name] => values.TryGetValue(name, out var v) ? v
        : throw new KeyNotFoundException($"No loss named '{name}' was recorded; recorded: {string.Join(", ", values.Keys)}.");

    public void Add(IReadOnlyDictionary<string, float> losses)
    {
        foreach (var (k, v) in losses)
        {
            if (!values.TryGetValue(k, out var list)) values[k] = list = [];
            while (list.Count < Steps) list.Add(double.NaN);
            list.Add(v);
        }
        Steps++;
    }

    /// <summary>Mean of the first (<paramref name="count"/> &gt; 0) or last (&lt; 0) |count| values of a loss.</summary>
    public double Mean(string name, int count)
    {
        var v = this[name];
        var n = Math.Min(Math.Abs(count), v.Count);
        if (n == 0) return double.NaN;
        return (count > 0 ? v.Take(n) : v.Skip(v.Count - n)).Average();
    }

    /// <summary>The losses over steps, each smoothed by a moving average over <paramref name="smooth"/> steps.</summary>
    public Figure Chart(string title, int smooth = 1, string yTitle = "loss") =>
        Charts.Lines(title, "step", yTitle, values.Keys.Select(k => ToSeries(k, smooth)).ToArray());

    /// <summary>One loss as a chart series (x = step), smoothed by a moving average over <paramref name="smooth"/> steps
    /// (at most a fifth of the run, so that a short run still draws a curve).</summary>
    public Series ToSeries(string name, int smooth = 1, string? label = null)
    {
        if (smooth < 1) throw new ArgumentOutOfRangeException(nameof(smooth), smooth, "smooth must be at least 1 (1 = no smoothing).");
        var v = (List<double>)this[name];
        var w = Math.Min(smooth, Math.Max(1, v.Count / 5)); // short runs: keep at least about 5 points on the curve
        var ys = MovingAverage(v, w);
        return new Series(label ?? name, Enumerable.Range(w, ys.Length).Select(i => (double)i).ToArray(), ys);
    }

    static double[] MovingAverage(List<double> v, int w)
    {
        var res = new double[v.Count - w + 1];
        double sum = 0;
        for (var i = 0; i < v.Count; i++)
        {
            sum += v[i];
            if (i >= w) sum -= v[i - w];
            if (i >= w - 1) res[i - w + 1] = sum / w;
        }
        return res;
    }
}
