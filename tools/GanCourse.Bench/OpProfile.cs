using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Bench;

/// <summary>
/// Times single operations of the seed DCGAN (forward, and forward+backward) in TorchSharp, to find where a step's
/// time goes; the same list runs in PyTorch (bench/seed_benchmarks.py ops). Nearest x2 upsampling is timed in
/// several formulations that give the same values.
/// </summary>
public static class OpProfile
{
    public sealed record OpTiming(string Op, string Shape, double ForwardMs, double ForwardBackwardMs);

    public static readonly (string Name, Func<Tensor, Tensor> F)[] UpsampleVariants =
    [
        ("upsample_nearest (nn.Upsample)", x => nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest)),
        ("NearestUpsample2x (kit: conv_transpose2d ones 2x2)", x => Networks.NearestUpsample2x.Apply(x)),
        ("expand+reshape", x => { var n = x.shape[0]; var c = x.shape[1]; var h = x.shape[2]; var w = x.shape[3]; using var v = x.view(n, c, h, 1, w, 1); using var e = v.expand(n, c, h, 2, w, 2); return e.reshape(n, c, 2 * h, 2 * w); }),
        ("repeat_interleave", x => x.repeat_interleave(2, 2).repeat_interleave(2, 3)),
        ("matmul 0/1 matrices", x => { using var uw = UpMatrix(x.shape[3]).t(); using var uh = UpMatrix(x.shape[2]); using var y = x.matmul(uw); return uh.matmul(y); }),
    ];

    static Tensor UpMatrix(long n) { using var e = eye(n); return e.repeat_interleave(2, 0); }

    public static IEnumerable<OpTiming> Run(int repeats)
    {
        torch.manual_seed(0);
        foreach (var hw in new[] { 8, 16 })
        {
            var shape = $"64x128x{hw}x{hw}";
            foreach (var (name, f) in UpsampleVariants)
                yield return Time(name, shape, () => randn(64, 128, hw, hw), f, repeats);
        }
        // the other layers of G at their sizes
        using var conv1 = nn.Conv2d(128, 128, 3, padding: 1);
        using var conv2 = nn.Conv2d(128, 64, 3, padding: 1);
        using var bn = nn.BatchNorm2d(128, eps: 0.8);
        yield return Time("conv 128->128 3x3", "64x128x16x16", () => randn(64, 128, 16, 16), x => conv1.forward(x), repeats);
        yield return Time("conv 128->64 3x3", "64x128x32x32", () => randn(64, 128, 32, 32), x => conv2.forward(x), repeats);
        yield return Time("batchnorm2d (train)", "64x128x16x16", () => randn(64, 128, 16, 16), x => bn.forward(x), repeats);
        yield return Time("leaky_relu 0.2", "64x128x32x32", () => randn(64, 128, 32, 32), x => nn.functional.leaky_relu(x, 0.2), repeats);
    }

    static OpTiming Time(string name, string shape, Func<Tensor> input, Func<Tensor, Tensor> f, int repeats)
    {
        var fwd = new List<double>();
        var fb = new List<double>();
        for (int r = 0; r < repeats + 1; r++)
        {
            using var _ = NewDisposeScope();
            var x = input().requires_grad_(true);
            var sw = Stopwatch.StartNew();
            var y = f(x);
            var t1 = sw.Elapsed.TotalMilliseconds;
            y.backward([ones_like(y)]);
            var t2 = sw.Elapsed.TotalMilliseconds;
            if (r == 0) continue; // warm-up
            fwd.Add(t1);
            fb.Add(t2);
        }
        return new OpTiming(name, shape, Stats.Median(fwd), Stats.Median(fb));
    }
}
