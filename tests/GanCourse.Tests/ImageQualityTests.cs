using GanCourse.Data;
using GanCourse.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>Fréchet distance and KID with known answers.</summary>
public class FrechetKernelDistanceTests
{
    static Tensor Gaussian(Generator g, int n, double[] mean, double[,] cov)
    {
        using var _ = NewDisposeScope();
        var d = mean.Length;
        var c = tensor(cov.Cast<double>().ToArray(), [d, d], float64);
        var l = linalg.cholesky(c);
        return (randn([n, d], float64, generator: g).matmul(l.t()) + tensor(mean, float64)).MoveToOuterDisposeScope();
    }

    [Fact]
    public void FD_of_a_set_with_itself_is_zero()
    {
        using var g = new Generator(1);
        using var x = randn([2000, 64], generator: g).relu_(); // ReLU features, like the classifier's
        Assert.InRange(FrechetDistance.Between(x, x), 0, 1e-6);
    }

    [Fact]
    public void FD_of_known_Gaussians_matches_the_closed_form()
    {
        // 2x2: Tr (S1 S2)^1/2 = sqrt(tr(S1 S2) + 2 sqrt(det S1 det S2)) (Cayley-Hamilton for a 2x2 matrix with
        // positive eigenvalues); S1 and S2 do not commute, so a wrong matrix square root would show.
        double[,] s1 = { { 2.0, 0.6 }, { 0.6, 1.0 } }, s2 = { { 1.0, -0.3 }, { -0.3, 0.5 } };
        double[] m1 = [1.0, -2.0], m2 = [0.5, 0.0];
        var trProd = s1[0, 0] * s2[0, 0] + s1[0, 1] * s2[1, 0] + s1[1, 0] * s2[0, 1] + s1[1, 1] * s2[1, 1];
        var det1 = s1[0, 0] * s1[1, 1] - s1[0, 1] * s1[1, 0];
        var det2 = s2[0, 0] * s2[1, 1] - s2[0, 1] * s2[1, 0];
        var trRoot = Math.Sqrt(trProd + 2 * Math.Sqrt(det1 * det2));
        var expected = (1.0 - 0.5) * (1.0 - 0.5) + 4.0 + (3.0 + 1.5) - 2 * trRoot;

        using var mu1 = tensor(m1, float64);
        using var mu2 = tensor(m2, float64);
        using var c1 = tensor(s1.Cast<double>().ToArray(), [2, 2], float64);
        using var c2 = tensor(s2.Cast<double>().ToArray(), [2, 2], float64);
        Assert.Equal(expected, FrechetDistance.Between(mu1, c1, mu2, c2), 10);
        Assert.Equal(expected, FrechetDistance.Between(mu2, c2, mu1, c1), 10); // symmetric

        // Diagonal covariances in 3-D: FD = |m1 - m2|^2 + sum (sqrt a - sqrt b)^2.
        using var d1 = diag(tensor(new[] { 4.0, 1.0, 9.0 }, float64));
        using var d2 = diag(tensor(new[] { 1.0, 1.0, 4.0 }, float64));
        using var z = zeros(3, float64);
        using var o = ones(3, float64);
        Assert.Equal(3 + 1 + 0 + 1, FrechetDistance.Between(z, d1, o, d2), 10);

        // Sampled: 40,000 draws of each Gaussian land near the closed form.
        using var g = new Generator(7);
        using var x = Gaussian(g, 40_000, m1, s1);
        using var y = Gaussian(g, 40_000, m2, s2);
        Assert.Equal(expected, FrechetDistance.Between(x, y), 1);
    }

    [Fact]
    public void Matrix_square_root_squares_back()
    {
        using var g = new Generator(3);
        using var a = randn([16, 16], float64, generator: g);
        using var s = a.matmul(a.t());
        using var r = FrechetDistance.SqrtPsd(s);
        Assert.True(r.matmul(r).allclose(s, rtol: 1e-8, atol: 1e-8));
    }

    [Fact]
    public void FD_grows_monotonically_with_added_noise()
    {
        using var g = new Generator(2);
        using var x = randn([3000, 32], generator: g);
        using var ref_ = randn([3000, 32], generator: g);
        var fds = new[] { 0.0, 0.25, 0.5, 1.0, 2.0 }.Select(s =>
        {
            using var noisy = x + s * randn([3000, 32], generator: g);
            return FrechetDistance.Between(noisy, ref_);
        }).ToArray();
        for (var i = 1; i < fds.Length; i++) Assert.True(fds[i] > fds[i - 1], $"FD at noise step {i}: {string.Join(", ", fds)}");
    }

    [Fact]
    public void Polynomial_kernel_matches_a_hand_computation()
    {
        using var x = tensor(new float[] { 1, 2, 0, -1 }, [2, 2]);
        using var y = tensor(new float[] { 3, 1 }, [1, 2]);
        using var k = KernelDistance.PolynomialKernel(x, y);
        // (x.y / 2 + 1)^3: (5/2 + 1)^3 = 42.875, (-1/2 + 1)^3 = 0.125
        Assert.Equal(new[] { 42.875, 0.125 }, k.data<double>().ToArray());
    }

    [Fact]
    public void Unbiased_MMD_has_mean_zero_on_equal_distributions_and_is_positive_on_different_ones()
    {
        using var g = new Generator(5);
        var same = new double[200];
        for (var i = 0; i < same.Length; i++)
        {
            using var _ = NewDisposeScope();
            same[i] = KernelDistance.UnbiasedMmd2(randn([100, 8], generator: g), randn([100, 8], generator: g));
        }
        var mean = same.Average();
        var se = Math.Sqrt(same.Sum(v => (v - mean) * (v - mean)) / (same.Length - 1) / same.Length);
        Assert.True(Math.Abs(mean) < 4 * se, $"mean {mean}, standard error {se}");
        Assert.Contains(same, v => v < 0); // unbiased: single estimates go below 0

        using var a = randn([2000, 8], generator: g);
        using var b = randn([2000, 8], generator: g) + 0.5;
        var (kid, std) = KernelDistance.Between(a, b, subsets: 20, subsetSize: 500);
        Assert.True(kid > 10 * std, $"KID {kid} ± {std}");
        using var c = randn([2000, 8], generator: g);
        var (kidSame, stdSame) = KernelDistance.Between(a, c, subsets: 20, subsetSize: 500);
        Assert.True(Math.Abs(kidSame) < kid / 20, $"same distribution {kidSame} ± {stdSame}, shifted {kid}");
        Assert.Equal((kid, std), KernelDistance.Between(a, b, subsets: 20, subsetSize: 500)); // fixed seed
    }

    [Fact]
    public void Bad_shapes_are_refused_with_the_shapes_in_the_message()
    {
        using var x = zeros(10, 4);
        using var y = zeros(10, 5);
        Assert.Contains("[10, 5]", Assert.Throws<ArgumentException>(() => FrechetDistance.Between(x, y)).Message);
        Assert.Throws<ArgumentException>(() => KernelDistance.Between(x, y));
        using var one = zeros(1, 4);
        Assert.Throws<ArgumentException>(() => FrechetDistance.Between(one, x));
    }
}

/// <summary>The shipped classifiers and the image report on real and broken images.</summary>
public class ImageQualityTests
{
    [Theory]
    [InlineData("mnist", 0.97)]
    [InlineData("fashion-mnist", 0.88)]
    public void Shipped_classifier_is_accurate_on_the_real_test_split(string dataset, double threshold)
    {
        using var clf = FeatureClassifier.Load(dataset);
        using var test = ImageDataset.Load(dataset, "test", folder: Path.Combine(DataPaths.Root(), dataset)); // 28x28: padded inside
        var acc = FeatureClassifier.Accuracy(clf, test);
        Assert.True(acc > threshold, $"{dataset} test accuracy {acc:P2}");
        using var feats = clf.Features(test.Images);
        Assert.Equal(new long[] { test.Count, FeatureClassifier.FeatureDim }, feats.shape);
        using var test32 = ImageDataset.Load(dataset, "test", pad32: true, folder: Path.Combine(DataPaths.Root(), dataset));
        using var feats32 = clf.Features(test32.Images);
        Assert.True(feats.allclose(feats32, rtol: 1e-5, atol: 1e-5)); // 28 padded with -1 = pad32
    }

    [Fact]
    public void Real_test_images_score_near_the_floor_and_noise_far_above()
    {
        using var test = ImageDataset.Mnist("test");
        var real = ImageQuality.Evaluate("mnist", test.Images, "real test", test.Labels);
        Assert.Equal(real.FDFloor, real.FD, 6); // the floor is exactly this measurement
        Assert.True(real.Accuracy > 0.97);
        Assert.True(Math.Abs(real.KID) < real.KIDStd, real.ToString()); // unbiased: about 0 for real data

        using var g = new Generator(4);
        using var noise = rand([1000, 1, 32, 32], generator: g).mul_(2).sub_(1);
        var bad = ImageQuality.Evaluate("mnist", noise, "uniform noise");
        Assert.True(bad.FD > 20 * real.FDFloor, bad.ToString());
        Assert.True(bad.KID > 20 * bad.KIDStd, bad.ToString());

        var noisy = new[] { 0.0, 0.2, 0.5, 1.0 }.Select(s =>
        {
            using var _ = NewDisposeScope();
            var x = test.Images.narrow(0, 0, 1000) + s * randn([1000, 1, 28, 28], generator: g);
            return ImageQuality.Evaluate("mnist", x.clamp(-1, 1), $"noise {s}").FD;
        }).ToArray();
        for (var i = 1; i < noisy.Length; i++) Assert.True(noisy[i] > noisy[i - 1], string.Join(", ", noisy));

        var table = ImageQuality.ToTable([real, bad]);
        Assert.Equal("Class accuracy ↑", table.Columns[^1]);
        Assert.Equal("", table.Rows[1][^1]);
        Assert.DoesNotContain("Class accuracy ↑", ImageQuality.ToTable([bad]).Columns);
    }

    [Fact]
    public void Missing_or_foreign_weights_name_the_file_and_the_training_command()
    {
        var dir = Directory.CreateTempSubdirectory("gancourse-clf").FullName;
        try
        {
            var missing = Path.Combine(dir, "mnist.bin");
            var e1 = Assert.Throws<FileNotFoundException>(() => FeatureClassifier.LoadFile(missing, "mnist"));
            Assert.Contains(missing, e1.Message);
            Assert.Contains("-- classifier mnist", e1.Message);
            File.WriteAllBytes(missing, [1, 2, 3, 4, 5, 6, 7, 8]);
            var e2 = Assert.Throws<InvalidDataException>(() => FeatureClassifier.LoadFile(missing, "mnist"));
            Assert.Contains(missing, e2.Message);
            Assert.Contains("-- classifier mnist", e2.Message);
            Assert.Contains("cifar", Assert.Throws<ArgumentException>(() => FeatureClassifier.Load("cifar")).Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Bad_inputs_are_refused()
    {
        using var flat = zeros(10, 784);
        Assert.Contains("[10, 784]", Assert.Throws<ArgumentException>(() => ImageQuality.Evaluate("mnist", flat, "x")).Message);
        using var imgs = zeros(10, 1, 28, 28);
        using var labels = zeros(new long[] { 9 }, int64);
        Assert.Throws<ArgumentException>(() => ImageQuality.Evaluate("mnist", imgs, "x", labels));
    }
}

/// <summary>Every metric table of the kit has the same layout and number format.</summary>
public class MetricTableTests
{
    [Fact]
    public void Numbers_keep_three_significant_digits()
    {
        Assert.Equal("1234", MetricFormat.Number(1234.4));
        Assert.Equal("12.3", MetricFormat.Number(12.34));
        Assert.Equal("4.57", MetricFormat.Number(4.567));
        Assert.Equal("0.457", MetricFormat.Number(0.4567));
        Assert.Equal("-0.00123", MetricFormat.Number(-0.001234));
        Assert.Equal("0.00", MetricFormat.Number(0));
        Assert.Equal("1.50 ± 0.250", MetricFormat.PlusMinus(1.5, 0.25));
    }

    [Fact]
    public void Mode_reports_and_image_reports_share_the_table_layout()
    {
        using var centres = ToyData.RingCentres(8, 2.0);
        using var idx = tensor(Enumerable.Range(0, 100).Select(i => (long)(i % 4)).ToArray());
        using var samples = centres.index_select(0, idx);
        var t = ModeMetrics.ToTable([("four modes", ModeMetrics.Evaluate(samples, centres, std: 0.02))]);
        Assert.Equal("Run", t.Columns[0]);
        Assert.Equal(["four modes", "100", "4/8", "100.0 %", "0.693", "25.0 %"], t.Rows[0]);
        var q = ImageQuality.ToTable([new QualityReport("r", "mnist", 10, 12.345, 0.00123, 0.0004, 1.5, 0.9)]);
        Assert.Equal("Run", q.Columns[0]);
        Assert.Equal(["r", "mnist", "10", "12.3", "1.50", "1.23 ± 0.400", "90.0 %"], q.Rows[0]);
    }
}
