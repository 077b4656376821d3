using System.Globalization;
using GanCourse.Data;
using GanCourse.Visuals;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Metrics;

/// <summary>
/// The 2-D mixture metric of VEEGAN (Srivastava et al. 2017) and PacGAN (Lin et al. 2018): of N generated samples,
/// "high quality" ones lie within 3 standard deviations of their nearest mode centre, and a mode is "captured"
/// when it is the nearest mode of at least one high-quality sample.
/// </summary>
/// <param name="HighQualityPerMode">High-quality samples whose nearest mode is each mode.</param>
/// <param name="SamplesPerMode">All samples whose nearest mode is each mode (high quality or not).</param>
/// <param name="ReverseKl">
/// KL(p_G ‖ uniform) between the share of all samples nearest to each mode and the real, uniform mode weights
/// (PacGAN's "reverse KL"); 0 for a perfectly balanced generator, log K when every sample goes to one mode.
/// </param>
public sealed record ModeReport(int Samples, int HighQuality, int ModesCaptured, int Modes, int[] HighQualityPerMode, int[] SamplesPerMode, double ReverseKl)
{
    public double HighQualityPercent => Samples == 0 ? 0 : 100.0 * HighQuality / Samples;
    public double ModesCapturedPercent => Modes == 0 ? 0 : 100.0 * ModesCaptured / Modes;
    /// <summary>The mode nearest to the most samples (where a collapsed generator sits).</summary>
    public int DominantMode => Array.IndexOf(SamplesPerMode, SamplesPerMode.Max());
    /// <summary>Share of all samples nearest to <see cref="DominantMode"/> (1/8 for a balanced ring, 1 when collapsed).</summary>
    public double DominantShare => Samples == 0 ? 0 : SamplesPerMode.Max() / (double)Samples;

    public override string ToString() =>
        $"modes captured {ModesCaptured}/{Modes} ({ModesCapturedPercent:F0}%), high-quality samples {HighQuality}/{Samples} " +
        $"({HighQualityPercent:F1}%), reverse KL {ReverseKl:F3}";
}

public static class ModeMetrics
{
    /// <summary>The number of samples of the VEEGAN/PacGAN protocol.</summary>
    public const int StandardSamples = 2500;

    /// <summary>Evaluates generated <paramref name="samples"/> (N, D) against the mixture's <paramref name="centres"/> (K, D) and its per-mode std.</summary>
    /// <param name="threshold">A sample is high quality within threshold·std of its nearest centre (3 in the protocol).</param>
    public static ModeReport Evaluate(Tensor samples, Tensor centres, double std, double threshold = 3.0)
    {
        if (samples.dim() != 2) throw new ArgumentException($"Expected samples of shape (N, D), got [{string.Join(", ", samples.shape)}].", nameof(samples));
        if (centres.dim() != 2 || centres.shape[1] != samples.shape[1])
            throw new ArgumentException($"Expected centres of shape (K, {samples.shape[1]}), got [{string.Join(", ", centres.shape)}].", nameof(centres));
        if (!(std > 0) || !double.IsFinite(std)) throw new ArgumentOutOfRangeException(nameof(std), std, "std must be a positive number (the mixture's per-mode standard deviation)");
        using var _ = NewDisposeScope();
        var (mode, distance) = ToyData.NearestMode(samples.detach().cpu(), centres.cpu());
        var modes = mode.data<long>().ToArray();
        var dist = distance.data<float>().ToArray();
        var k = (int)centres.shape[0];
        var hqPerMode = new int[k];
        var allPerMode = new int[k];
        var hq = 0;
        for (var i = 0; i < modes.Length; i++)
        {
            allPerMode[modes[i]]++;
            if (dist[i] <= threshold * std) // NaN distances (a broken generator) are never high quality
            {
                hq++;
                hqPerMode[modes[i]]++;
            }
        }
        var n = modes.Length;
        var kl = n == 0 ? double.NaN : allPerMode.Where(c => c > 0).Sum(c => c / (double)n * Math.Log(c / (double)n * k));
        return new ModeReport(n, hq, hqPerMode.Count(c => c > 0), k, hqPerMode, allPerMode, kl);
    }

    /// <summary>
    /// The reports as a table, one row per run, in the layout of <see cref="ImageQuality.ToTable"/> (run first, then
    /// the metrics with ↑/↓ for the better direction, numbers in <see cref="MetricFormat"/>).
    /// </summary>
    public static Table ToTable(IEnumerable<(string Run, ModeReport Report)> reports, string? title = null) =>
        new(["Run", "Samples", "Modes captured ↑", "High quality ↑", "Reverse KL ↓", "Largest mode share"],
            reports.Select(r => (IReadOnlyList<string>)
            [
                r.Run, r.Report.Samples.ToString(CultureInfo.InvariantCulture), $"{r.Report.ModesCaptured}/{r.Report.Modes}",
                MetricFormat.Percent(r.Report.HighQualityPercent / 100), MetricFormat.Number(r.Report.ReverseKl),
                MetricFormat.Percent(r.Report.DominantShare),
            ]),
            title ?? "Mode coverage (VEEGAN/PacGAN protocol: high quality = within 3 std of the nearest mode)");
}
