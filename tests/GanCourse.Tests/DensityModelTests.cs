using GanCourse.Data;
using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>
/// The explicit-density models of notebook 01b against known answers: PixelCNN's masks by the gradient of one output
/// w.r.t. the input (nothing at or after the pixel in raster order), its exact likelihood in bits per dimension, and
/// RealNVP's coupling layers (log-determinant = log|det| of the numerical Jacobian, exact inverse, a density that
/// integrates to 1).
/// </summary>
public class DensityModelTests
{
    /// <summary>Raster index of (r, c) in an image of width w.</summary>
    static int Raster(int r, int c, int w) => r * w + c;

    static float[,] Field(Func<Tensor, Tensor> net, int h, int w, int row, int col)
    {
        using var g = PixelCnn.ReceptiveField(net, h, w, row, col);
        var v = g.data<float>().ToArray();
        var f = new float[h, w];
        for (var r = 0; r < h; r++) for (var c = 0; c < w; c++) f[r, c] = v[r * w + c];
        return f;
    }

    [Theory]
    [InlineData(MaskType.A)]
    [InlineData(MaskType.B)]
    public void A_masked_convolution_sees_exactly_the_pixels_before_its_position_and_for_mask_B_the_pixel_itself(MaskType type)
    {
        Course.Seed(1);
        using var conv = new MaskedConv2d(type, 1, 4, 5);
        const int h = 9, w = 9, row = 4, col = 4;
        var f = Field(conv.forward, h, w, row, col);
        for (var r = 0; r < h; r++)
        for (var c = 0; c < w; c++)
        {
            var inWindow = Math.Abs(r - row) <= 2 && Math.Abs(c - col) <= 2;
            var before = Raster(r, c, w) < Raster(row, col, w);
            var isCentre = r == row && c == col;
            // a linear layer: every kept weight shows as a non-zero gradient, every masked one as an exact 0
            var expected = inWindow && (before || (isCentre && type == MaskType.B));
            Assert.True(expected == (f[r, c] != 0), $"mask {type}: input ({r}, {c}) has gradient {f[r, c]} for output ({row}, {col})");
        }
    }

    [Fact]
    public void The_mask_pictures_are_the_papers_masks()
    {
        var a = MaskedConv2d.Mask(MaskType.A, 3).data<float>().ToArray();
        var b = MaskedConv2d.Mask(MaskType.B, 3).data<float>().ToArray();
        Assert.Equal(new float[] { 1, 1, 1, 1, 0, 0, 0, 0, 0 }, a);
        Assert.Equal(new float[] { 1, 1, 1, 1, 1, 0, 0, 0, 0 }, b);
        Assert.Contains("odd kernel", Assert.Throws<ArgumentOutOfRangeException>(() => new MaskedConv2d(MaskType.B, 1, 1, 4)).Message);
        // the masks are buffers, so .to(device) moves them with the weights
        using var conv = new MaskedConv2d(MaskType.A, 1, 2, 3);
        Assert.Contains(conv.named_buffers(), nb => nb.name == "mask");
        using var coupling = new AffineCoupling([1, 0]);
        Assert.Contains(coupling.named_buffers(), nb => nb.name == "mask");
    }

    [Fact]
    public void A_stacked_PixelCnn_never_sees_its_own_pixel_or_the_future_but_does_see_the_past()
    {
        Course.Seed(2);
        using var net = new PixelCnn(hidden: 8, residualBlocks: 3);
        const int h = 10, w = 10;
        foreach (var (row, col) in new[] { (0, 0), (0, 5), (4, 4), (7, 2), (9, 9) })
        {
            var f = Field(net.forward, h, w, row, col);
            var seenBefore = 0;
            for (var r = 0; r < h; r++)
            for (var c = 0; c < w; c++)
            {
                if (Raster(r, c, w) >= Raster(row, col, w))
                    Assert.True(f[r, c] == 0, $"output ({row}, {col}) depends on input ({r}, {c}), at or after it in raster order (gradient {f[r, c]})");
                else if (f[r, c] != 0) seenBefore++;
            }
            if (row > 0 || col > 0) Assert.True(seenBefore > 0, $"output ({row}, {col}) sees none of the pixels before it");
            else Assert.Equal(0, seenBefore);
        }
    }

    [Fact]
    public void A_PixelCnn_whose_logits_are_all_zero_costs_exactly_one_bit_per_dimension()
    {
        Course.Seed(3);
        using var net = new PixelCnn(hidden: 8, residualBlocks: 1);
        using (no_grad()) foreach (var p in net.parameters()) p.zero_();   // logit 0 everywhere: p(x_i = 1) = 1/2
        using var x = bernoulli(full(new long[] { 5, 1, 6, 7 }, 0.3), generator: new Generator(4));
        using var nll = net.NegativeLogLikelihood(x);
        Assert.Equal(6 * 7 * Math.Log(2), nll.item<float>(), 3);
        Assert.Equal(1.0, PixelCnn.BitsPerDim(nll.item<float>(), 6 * 7), 6);
    }

    [Fact]
    public void PixelCnn_sampling_is_repeatable_with_a_seeded_generator_and_draws_binary_images()
    {
        Course.Seed(5);
        using var net = new PixelCnn(hidden: 8, residualBlocks: 1);
        var rows = new List<int>();
        using var a = net.Sample(3, 5, 4, new Generator(6), onRow: (r, _) => rows.Add(r));
        using var b = net.Sample(3, 5, 4, new Generator(6));
        Assert.Equal([0, 1, 2, 3, 4], rows);
        Assert.True(a.eq(b).all().item<bool>(), "the same generator seed draws the same images");
        Assert.True((a.eq(0) | a.eq(1)).all().item<bool>());
    }

    /// <summary>Random weights of a coupling or flow (its last layers start at zero, which would make it the identity).</summary>
    static void Randomize(nn.Module m, int seed, double std)
    {
        var g = new Generator((ulong)seed);
        using var _ = no_grad();
        foreach (var p in m.parameters()) p.copy_(randn(p.shape, dtype: p.dtype, generator: g) * std);
    }

    /// <summary>The Jacobian ∂f(x)/∂x of one point x (D) by central finite differences, in float64.</summary>
    static double[,] NumericalJacobian(Func<Tensor, Tensor> f, double[] x, double eps = 1e-6)
    {
        var d = x.Length;
        var j = new double[d, d];
        for (var k = 0; k < d; k++)
        {
            var (plus, minus) = ((double[])x.Clone(), (double[])x.Clone());
            plus[k] += eps; minus[k] -= eps;
            using var fp = f(tensor(plus, [1, d], float64));
            using var fm = f(tensor(minus, [1, d], float64));
            var (vp, vm) = (fp.data<double>().ToArray(), fm.data<double>().ToArray());
            for (var i = 0; i < d; i++) j[i, k] = (vp[i] - vm[i]) / (2 * eps);
        }
        return j;
    }

    static double LogAbsDet(double[,] m)
    {
        using var t = tensor(m.Cast<double>().ToArray(), [m.GetLength(0), m.GetLength(1)], float64);
        return linalg.slogdet(t).Item2.item<double>();
    }

    [Fact]
    public void A_coupling_layers_log_determinant_is_the_log_determinant_of_its_numerical_Jacobian()
    {
        using var layer = new AffineCoupling([1, 0, 1, 0], hidden: 16);
        layer.to(float64);
        Randomize(layer, 7, 0.5);
        var g = new Generator(8);
        for (var trial = 0; trial < 5; trial++)
        {
            var x = randn([4], dtype: float64, generator: g).data<double>().ToArray();
            var jac = NumericalJacobian(v => layer.forward(v).Z, x);
            var (_, logDet) = layer.forward(tensor(x, [1, 4], float64));
            Assert.Equal(LogAbsDet(jac), logDet.item<double>(), 6);
            Assert.NotEqual(0, logDet.item<double>(), 3);   // a non-trivial scaling, not the identity
        }
    }

    [Fact]
    public void A_flows_log_determinant_is_that_of_its_numerical_Jacobian_and_its_inverse_undoes_it()
    {
        using var flow = new RealNvp(dim: 2, couplings: 4, hidden: 16);
        flow.to(float64);
        Randomize(flow, 9, 0.4);
        var g = new Generator(10);
        var x = randn([64, 2], dtype: float64, generator: g);
        var (z, logDet) = flow.forward(x);
        Assert.True(flow.Inverse(z).allclose(x, rtol: 1e-9, atol: 1e-9), "inverse(forward(x)) == x");
        var z2 = randn([64, 2], dtype: float64, generator: g);
        Assert.True(flow.forward(flow.Inverse(z2)).Z.allclose(z2, rtol: 1e-9, atol: 1e-9), "forward(inverse(z)) == z");
        Assert.True(z.sub(x).abs().max().item<double>() > 0.1, "the random flow moves the points");
        var ld = logDet.data<double>().ToArray();
        for (var i = 0; i < 3; i++)
        {
            var xi = x[i].data<double>().ToArray();
            Assert.Equal(LogAbsDet(NumericalJacobian(v => flow.forward(v).Z, xi)), ld[i], 6);
        }
    }

    [Fact]
    public void A_flows_density_integrates_to_one_over_the_plane()
    {
        using var flow = new RealNvp(dim: 2, couplings: 4, hidden: 16);
        flow.to(float64);
        Randomize(flow, 11, 0.3);
        const int n = 401;
        const double lo = -10, hi = 10, step = (hi - lo) / (n - 1);
        using var axis = linspace(lo, hi, n, dtype: float64);
        using var grid = stack([axis.repeat(n), axis.repeat_interleave(n)], 1);
        double integral;
        using (no_grad()) integral = flow.LogProb(grid).exp().sum().item<double>() * step * step;
        Assert.InRange(integral, 0.98, 1.02);
    }

    [Fact]
    public void Flow_training_with_a_seed_is_repeatable_and_lowers_the_negative_log_likelihood()
    {
        LossHistory Run()
        {
            Course.Seed(12);
            using var flow = new RealNvp(dim: 2, couplings: 4, hidden: 16);
            return FlowTraining.Train(flow, n => ToyData.Ring(n, std: 0.2).Samples, new FlowTrainingConfig(Steps: 60, Batch: 128, Lr: 3e-3));
        }
        var (a, b) = (Run(), Run());
        Assert.Equal(a["NLL (nats)"], b["NLL (nats)"]);
        Assert.True(a.Mean("NLL (nats)", -10) < a.Mean("NLL (nats)", 10) - 0.3, $"NLL from {a.Mean("NLL (nats)", 10):F2} to {a.Mean("NLL (nats)", -10):F2}");
    }

    [Fact]
    public void The_mixtures_log_density_is_the_closed_form()
    {
        using var one = ToyData.MixtureLogDensity(zeros(1, 2), zeros(1, 2), 1.0);
        Assert.Equal(-Math.Log(2 * Math.PI), one.item<float>(), 5);
        // two far-apart modes: at a centre the density is half that of one Gaussian
        using var centres = tensor(new float[] { 0, 0, 100, 0 }, [2, 2]);
        using var two = ToyData.MixtureLogDensity(zeros(1, 2), centres, 0.5);
        Assert.Equal(-Math.Log(2) - Math.Log(2 * Math.PI * 0.25), two.item<float>(), 5);
    }

    [Fact]
    public void Binarize_averages_blocks_then_thresholds()
    {
        // one 4x4 image: its 2x2 blocks have means 0.75, 0.25, 0.38 and 1
        var pixels = new byte[] { 255, 255, 0, 255, 255, 0, 0, 0, 128, 64, 255, 255, 128, 64, 255, 255 }; // rows
        var idx = new IdxDataset(new IdxImages(pixels, 1, 4, 4), [3], 10);
        using var data = ImageDataset.FromIdx("mnist", "test", idx, DatasetCatalog.Mnist.ClassNames, PixelRange.Unit);
        using var full = data.Binarize();
        Assert.Equal(new float[] { 1, 1, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1 }, full.Images.data<float>().ToArray());
        using var half = data.Binarize(downsample: 2);
        Assert.Equal(new long[] { 1, 1, 2, 2 }, half.Images.shape);
        Assert.Equal(new float[] { 1, 0, 0, 1 }, half.Images.data<float>().ToArray()); // 0.75, 0.25, 0.38, 1
        Assert.Equal(3, half.Labels.item<long>());
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Binarize(downsample: 3));
    }
}
