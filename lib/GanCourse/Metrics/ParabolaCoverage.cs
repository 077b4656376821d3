using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Metrics;

/// <summary>How well points cover the parabola y = x², x ∈ [-1, 1] (lecture 004's data).</summary>
/// <param name="XLow">5th percentile of the generated x.</param>
/// <param name="XHigh">95th percentile of the generated x.</param>
/// <param name="OnCurveFraction">Share of samples within <see cref="Tolerance"/> (Euclidean) of the parabola.</param>
/// <param name="BinsCovered">Share of the <see cref="Bins"/> equal bins of x ∈ [-1, 1] holding at least <see cref="MinPerBin"/> on-curve samples.</param>
/// <param name="MeanDistance">Mean Euclidean distance of the samples to the parabola.</param>
public sealed record ParabolaCoverage(int Samples, double XMin, double XMax, double XLow, double XHigh, double XStd,
    double OnCurveFraction, double BinsCovered, double MeanDistance, int Bins, int MinPerBin, double Tolerance)
{
    /// <summary>Width of the central 90% of the generated x, against 1.8 for x uniform on [-1, 1].</summary>
    public double Spread90 => XHigh - XLow;

    public override string ToString() =>
        $"x: 90% in [{XLow:F2}, {XHigh:F2}], std {XStd:F3} (uniform 0.577); on the parabola {OnCurveFraction:P1}; " +
        $"[-1,1] covered {BinsCovered:P0}; mean distance {MeanDistance:F4}";
}

public static class ParabolaMetrics
{
    /// <summary>
    /// Measures points (N, 2). A bin of x counts as covered when it holds at least <paramref name="minPerBin"/>
    /// samples within <paramref name="tolerance"/> of the curve; by default a tenth of what x uniform on [-1, 1]
    /// would put there, so a few stray samples do not count as coverage.
    /// </summary>
    public static ParabolaCoverage Measure(Tensor points, int bins = 20, double tolerance = 0.05, int? minPerBin = null)
    {
        if (points.dim() != 2 || points.shape[1] != 2)
            throw new ArgumentException($"Expected points of shape (N, 2), got [{string.Join(", ", points.shape)}].", nameof(points));
        if (points.shape[0] == 0) throw new ArgumentException("Cannot measure coverage of zero points.", nameof(points));
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "bins must be at least 1");
        if (!(tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "tolerance must be positive");
        double[] flat;
        using (NewDisposeScope()) flat = points.detach().cpu().to(float64).contiguous().data<double>().ToArray();
        var n = flat.Length / 2;
        var min = minPerBin ?? Math.Max(1, n / (bins * 10));
        var xs = new double[n];
        var counts = new int[bins];
        double onCurve = 0, distSum = 0;
        for (var i = 0; i < n; i++)
        {
            double x = flat[2 * i], y = flat[2 * i + 1];
            xs[i] = x;
            var d = DistanceToParabola(x, y);
            distSum += d;
            if (d <= tolerance)
            {
                onCurve++;
                if (x >= -1 && x <= 1) counts[Math.Min(bins - 1, (int)((x + 1) / 2 * bins))]++;
            }
        }
        var sorted = xs.OrderBy(v => v).ToArray();
        double Quantile(double q) => sorted[(int)Math.Round(q * (n - 1))];
        var mean = xs.Average();
        var std = Math.Sqrt(xs.Sum(v => (v - mean) * (v - mean)) / n);
        return new ParabolaCoverage(n, sorted[0], sorted[^1], Quantile(0.05), Quantile(0.95), std,
            onCurve / n, counts.Count(c => c >= min) / (double)bins, distSum / n, bins, min, tolerance);
    }

    /// <summary>
    /// Euclidean distance from (x, y) to the curve y = t². The nearest point's t solves d/dt[(t−x)² + (t²−y)²] = 0,
    /// i.e. the cubic 2t³ + (1 − 2y)t − x = 0, solved in closed form (Cardano / trigonometric for three real roots).
    /// </summary>
    public static double DistanceToParabola(double x, double y)
    {
        if (!double.IsFinite(x) || !double.IsFinite(y)) return double.PositiveInfinity;
        double p = (1 - 2 * y) / 2, q = -x / 2; // t³ + p t + q = 0
        var best = double.PositiveInfinity;
        void Try(double t) => best = Math.Min(best, Math.Sqrt((t - x) * (t - x) + (t * t - y) * (t * t - y)));
        var disc = q * q / 4 + p * p * p / 27;
        if (disc >= 0)
        {
            var s = Math.Sqrt(disc);
            Try(Math.Cbrt(-q / 2 + s) + Math.Cbrt(-q / 2 - s));
        }
        else
        {
            var r = 2 * Math.Sqrt(-p / 3);
            var phi = Math.Acos(Math.Clamp(3 * q / (2 * p) * Math.Sqrt(-3 / p), -1, 1)) / 3;
            for (var k = 0; k < 3; k++) Try(r * Math.Cos(phi - 2 * Math.PI * k / 3));
        }
        return best;
    }
}
