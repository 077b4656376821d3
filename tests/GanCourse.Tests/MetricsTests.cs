using GanCourse.Data;
using GanCourse.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>The mode metric and the parabola coverage on samples with known answers.</summary>
public class MetricsTests
{
    [Fact]
    public void Samples_exactly_on_five_of_eight_modes_capture_five_with_all_high_quality()
    {
        using var centres = ToyData.RingCentres(8, 2.0);
        using var idx = tensor(Enumerable.Range(0, 2500).Select(i => (long)(i % 5)).ToArray());
        using var samples = centres.index_select(0, idx);
        var r = ModeMetrics.Evaluate(samples, centres, std: 0.02);
        Assert.Equal(2500, r.Samples);
        Assert.Equal(5, r.ModesCaptured);
        Assert.Equal(8, r.Modes);
        Assert.Equal(2500, r.HighQuality);
        Assert.Equal(100.0, r.HighQualityPercent, 6);
        Assert.Equal(62.5, r.ModesCapturedPercent, 6);
        Assert.Equal([500, 500, 500, 500, 500, 0, 0, 0], r.HighQualityPerMode);
        Assert.Equal([500, 500, 500, 500, 500, 0, 0, 0], r.SamplesPerMode);
        Assert.Equal(0.2, r.DominantShare, 6);
        Assert.Equal(Math.Log(8.0 / 5), r.ReverseKl, 6); // five equal shares against eight
    }

    [Fact]
    public void Far_away_samples_are_never_high_quality_and_capture_no_mode()
    {
        using var centres = ToyData.RingCentres(8, 2.0);
        using var samples = full(100, 2, 10.0f);
        var r = ModeMetrics.Evaluate(samples, centres, std: 0.02);
        Assert.Equal(0, r.HighQuality);
        Assert.Equal(0, r.ModesCaptured);
        Assert.Equal(Math.Log(8), r.ReverseKl, 6); // all samples nearest to one mode
        Assert.Equal(1.0, r.DominantShare, 6);
        Assert.Equal(1, r.DominantMode); // (10, 10) is nearest to the centre at 45°
    }

    [Fact]
    public void The_three_std_threshold_decides_high_quality()
    {
        using var centres = tensor(new float[] { 0, 0, 10, 0 }, [2, 2]);
        // distances 0.05 (< 3·0.02 = 0.06) and 0.07 (> 0.06) from mode 0, and 0 from mode 1
        using var samples = tensor(new float[] { 0.05f, 0, 0, 0.07f, 10, 0 }, [3, 2]);
        var r = ModeMetrics.Evaluate(samples, centres, std: 0.02);
        Assert.Equal(2, r.HighQuality);
        Assert.Equal(2, r.ModesCaptured);
        Assert.Equal([1, 1], r.HighQualityPerMode);
        Assert.Throws<ArgumentOutOfRangeException>(() => ModeMetrics.Evaluate(samples, centres, std: 0));
    }

    [Fact]
    public void Real_ring_samples_are_almost_all_high_quality_and_cover_every_mode()
    {
        torch.manual_seed(3);
        using var ring = ToyData.Ring(ModeMetrics.StandardSamples);
        var r = ModeMetrics.Evaluate(ring.Samples, ring.Centres!, ring.Std);
        Assert.Equal(8, r.ModesCaptured);
        Assert.True(r.HighQualityPercent > 98, r.ToString()); // 3 std in 2-D holds 98.9%
        Assert.True(r.ReverseKl < 0.01, r.ToString());
    }

    [Fact]
    public void Distance_to_the_parabola_is_exact_on_known_points()
    {
        Assert.Equal(0, ParabolaMetrics.DistanceToParabola(0.5, 0.25), 9);
        Assert.Equal(0.3, ParabolaMetrics.DistanceToParabola(0, -0.3), 9);   // below the vertex
        Assert.Equal(0.5, ParabolaMetrics.DistanceToParabola(0, 0.5), 9);    // inside, nearest is still the vertex
        // inside above the focus: the nearest points are (±sqrt(y - 1/2), y - 1/2), distance sqrt(y - 1/4)
        Assert.Equal(Math.Sqrt(2 - 0.25), ParabolaMetrics.DistanceToParabola(0, 2), 9);
        // a point on the normal at t = 1: (1, 1) + 0.1·(-2, 1)/sqrt(5)
        var n = 0.1 / Math.Sqrt(5);
        Assert.Equal(0.1, ParabolaMetrics.DistanceToParabola(1 - 2 * n, 1 + n), 6);
    }

    [Fact]
    public void Parabola_coverage_is_full_for_real_data_and_small_for_a_collapsed_generator()
    {
        torch.manual_seed(4);
        using var real = ToyData.Parabola(2500);
        var full = ParabolaMetrics.Measure(real);
        Assert.Equal(1.0, full.OnCurveFraction, 6);
        Assert.Equal(1.0, full.BinsCovered, 6);
        Assert.True(full.MeanDistance < 1e-6);
        Assert.InRange(full.XStd, 0.55, 0.60); // 1/sqrt(3) for U[-1, 1]

        // every sample on the parabola but x in [0.2, 0.3): 2 of 20 bins at most
        var x = torch.rand(2500, 1) * 0.1 + 0.2;
        using var collapsed = torch.cat([x, x * x], 1);
        var c = ParabolaMetrics.Measure(collapsed);
        Assert.Equal(1.0, c.OnCurveFraction, 6);
        Assert.True(c.BinsCovered <= 0.1, c.ToString());
        Assert.True(c.Spread90 < 0.1, c.ToString());

        // off the curve: y = x² + 0.2 covers nothing
        using var off = torch.cat([real[.., 0..1], real[.., 1..2] + 0.2], 1);
        var o = ParabolaMetrics.Measure(off);
        Assert.Equal(0, o.OnCurveFraction, 6);
        Assert.Equal(0, o.BinsCovered, 6);
    }
}

/// <summary>The results table the notebooks display.</summary>
public class TableTests
{
    [Fact]
    public void Table_takes_columns_from_properties_and_escapes_html()
    {
        var t = GanCourse.Visuals.Table.From(new[] { new { Setting = "a<b", Modes = 5, Share = 0.123456 } }, "title");
        Assert.Equal(["Setting", "Modes", "Share"], t.Columns);
        Assert.Equal(["a<b", "5", "0.1235"], t.Rows[0]);
        var html = t.ToHtml();
        Assert.Contains("a&lt;b", html);
        Assert.Contains("<th", html);
        Assert.Throws<ArgumentException>(() => new GanCourse.Visuals.Table(["x", "y"], [["1"]]));
    }
}
