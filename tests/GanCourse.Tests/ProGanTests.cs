using GanCourse.Metrics;
using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>ProGAN's layers, fade-in, schedule, checkpoint and the sliced Wasserstein distance.</summary>
public class ProGanTests
{
    static readonly ProGanConfig Small = new(LatentDim: 16, MaxResolution: 16, FeatureMapsBase: 128, FeatureMapsMax: 16);

    [Fact]
    public void Minibatch_stddev_appends_one_map_with_the_group_standard_deviation()
    {
        using var _ = NewDisposeScope();
        manual_seed(1);
        var x = randn(8, 3, 4, 4, dtype: float64);
        var y = new MinibatchStdDev(groupSize: 4).forward(x);
        Assert.Equal([8L, 4, 4, 4], y.shape);
        Assert.True(y[.., ..3].allclose(x, rtol: 0, atol: 0));
        // groups as in the official code: image i belongs to group i % (N / G) = i % 2
        var a = x.data<double>().ToArray();
        for (var i = 0; i < 8; i++)
        {
            var members = Enumerable.Range(0, 8).Where(j => j % 2 == i % 2).ToArray();
            double sum = 0;
            for (var f = 0; f < 3 * 16; f++)
            {
                var v = members.Select(j => a[j * 48 + f]).ToArray();
                var m = v.Average();
                sum += Math.Sqrt(v.Select(t => (t - m) * (t - m)).Average() + 1e-8);
            }
            var map = y[i, 3];
            Assert.Equal(sum / 48, map.mean().item<double>(), 9);
            Assert.Equal(0.0, (map - map.mean()).abs().max().item<double>(), 12); // constant over the map
        }
        // identical images: no variation to report
        var same = x[..1].expand(8, 3, 4, 4);
        Assert.True(new MinibatchStdDev().forward(same)[.., 3].max().item<double>() < 1e-3);
        // a batch not divisible by the group: the largest divisor of N that is at most G (6 -> 3, 7 -> 1)
        var six = randn(6, 3, 4, 4, dtype: float64);
        Assert.Equal(3, new MinibatchStdDev(4).EffectiveGroupSize(6));
        Assert.True(new MinibatchStdDev(4).forward(six).allclose(new MinibatchStdDev(3).forward(six), rtol: 0, atol: 0));
        Assert.Equal(1, new MinibatchStdDev(4).EffectiveGroupSize(7));
        Assert.Equal(4, new MinibatchStdDev(4).EffectiveGroupSize(32));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MinibatchStdDev(0));
    }

    [Fact]
    public void Equalized_layers_keep_unit_weights_and_scale_them_by_He_constant_at_run_time()
    {
        using var _ = NewDisposeScope();
        manual_seed(2);
        var conv = new EqualizedConv2d(64, 32, 3);
        Assert.Equal(Math.Sqrt(2.0 / (64 * 9)), conv.Scale, 12);
        Assert.InRange(conv.Weight.std().item<float>(), 0.95, 1.05); // stored weights ~ N(0, 1)
        var x = randn(2, 64, 5, 5);
        var expected = nn.functional.conv2d(x, conv.Weight * conv.Scale, padding: [1, 1]);
        Assert.True(conv.forward(x).allclose(expected, rtol: 1e-5, atol: 1e-6));
        // He's init keeps the activations' scale: E[y^2] ~ 2 E[x^2] for unit inputs, whatever the fan-in
        var big = new EqualizedConv2d(256, 64, 3);
        var xb = randn(16, 256, 8, 8);
        var ratio = big.forward(xb)[.., .., 1..^1, 1..^1].square().mean().item<float>() / xb.square().mean().item<float>();
        Assert.InRange(ratio, 1.7, 2.3);

        var fc = new EqualizedLinear(100, 10, gain: 1);
        Assert.Equal(0.1, fc.Scale, 12);
        var v = randn(4, 100);
        Assert.True(fc.forward(v).allclose(v.matmul(fc.Weight.t()) * 0.1, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Pixel_norm_gives_every_pixel_a_unit_mean_square_feature_vector()
    {
        using var _ = NewDisposeScope();
        manual_seed(3);
        var x = randn(4, 16, 8, 8) * 5 + 1;
        var y = new PixelNorm().forward(x);
        var ms = y.square().mean([1]);
        Assert.True(ms.allclose(ones_like(ms), rtol: 1e-4, atol: 1e-4));
        Assert.True(new PixelNorm().forward(x * 7).allclose(y, rtol: 1e-4, atol: 1e-5)); // scale-invariant
        Assert.True((y * x).min().item<float>() >= 0); // keeps the sign of every feature
    }

    [Fact]
    public void Generator_fade_in_at_alpha_0_is_the_old_path_upsampled_and_at_alpha_1_the_new_path()
    {
        using var _ = NewDisposeScope();
        manual_seed(4);
        var g = new ProGanGenerator(Small);
        var z = randn(8, 16);
        using var __ = no_grad();
        var old8 = g.Synthesize(z, 8, 1);
        Assert.Equal([8L, 1, 8, 8], old8.shape);
        Assert.True(g.Synthesize(z, 16, 0).allclose(ProGanImages.Upsample(old8, 16), rtol: 1e-5, atol: 1e-6));
        var full = g.Synthesize(z, 16, 1);
        var half = g.Synthesize(z, 16, 0.5);
        Assert.True(half.allclose((ProGanImages.Upsample(old8, 16) + full) / 2, rtol: 1e-4, atol: 1e-5));
        // alpha = 1 does not depend on the old toRGB; alpha = 0 does not depend on the new block
        var params_ = g.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        params_["to_rgb.1.weight"].add_(1.0);
        Assert.True(g.Synthesize(z, 16, 1).allclose(full));
        Assert.False(g.Synthesize(z, 16, 0.5).allclose(half, rtol: 1e-3, atol: 1e-4));
        var old8b = g.Synthesize(z, 8, 1);
        params_["blocks.2.conv1.weight"].add_(1.0);
        Assert.True(g.Synthesize(z, 16, 0).allclose(ProGanImages.Upsample(old8b, 16), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Discriminator_fade_in_at_alpha_0_scores_the_pooled_image_with_the_old_network()
    {
        using var _ = NewDisposeScope();
        manual_seed(5);
        var d = new ProGanDiscriminator(Small);
        var x = randn(8, 1, 16, 16);
        using var __ = no_grad();
        var old = d.Score(nn.functional.avg_pool2d(x, 2), 8, 1);
        Assert.Equal([8L, 1], old.shape);
        Assert.True(d.Score(x, 16, 0).allclose(old, rtol: 1e-5, atol: 1e-6));
        var full = d.Score(x, 16, 1);
        d.named_parameters().First(p => p.name == "from_rgb.1.0.weight").parameter.add_(1.0);
        Assert.True(d.Score(x, 16, 1).allclose(full));
        Assert.Throws<ArgumentException>(() => d.Score(x, 8, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Score(x, 12, 1));
    }

    [Fact]
    public void Real_images_are_blended_between_two_resolutions_like_the_generator_output()
    {
        using var _ = NewDisposeScope();
        var x = randn(2, 1, 32, 32);
        var r16 = nn.functional.avg_pool2d(x, 2);
        var r8up = ProGanImages.Upsample(nn.functional.avg_pool2d(x, 4), 16);
        Assert.True(ProGanImages.Real(x, 16, 1).allclose(r16, atol: 1e-6));
        Assert.True(ProGanImages.Real(x, 16, 0).allclose(r8up, atol: 1e-6));
        Assert.True(ProGanImages.Real(x, 16, 0.25).allclose(r8up * 0.75 + r16 * 0.25, atol: 1e-6));
    }

    [Fact]
    public void Schedule_fades_alpha_linearly_in_images_and_ends_fully_grown()
    {
        var s = new ProGanSchedule(32, FadeImages: 1000, StableImages: 500);
        Assert.Equal(7, s.Phases().Count);
        Assert.Equal(500 + 3 * 1500, s.TotalImages);
        Assert.Equal((4, 1.0), (s.At(0).Resolution, s.At(0).Alpha));
        Assert.Equal((8, 0.0), (s.At(500).Resolution, s.At(500).Alpha));
        Assert.Equal((8, 0.25), (s.At(750).Resolution, s.At(750).Alpha));
        Assert.Equal((8, 1.0), (s.At(1500).Resolution, s.At(1500).Alpha));
        Assert.Equal((32, 1.0), (s.At(s.TotalImages).Resolution, s.At(s.TotalImages).Alpha));
    }

    [Fact]
    public void Training_steps_grow_the_networks_and_keep_losses_finite()
    {
        using var _ = NewDisposeScope();
        manual_seed(6);
        var cfg = new ProGanTrainingConfig(Small, BatchSize: 8, FadeImages: 16, StableImages: 16);
        var real = rand(8, 1, 16, 16) * 2 - 1;
        using var t = new ProGanTraining(cfg, () => real.clone(), CPU);
        var seen = new List<(int, float)>();
        t.Trainer.OnStep = s =>
        {
            Assert.True(float.IsFinite(s.D) && float.IsFinite(s.G) && s.Losses["GP"] >= 0 && s.Losses["drift"] >= 0);
            seen.Add(((int)s.Stat("resolution"), (float)s.Stat("alpha")));
        };
        var run = t.Train();
        Assert.True(t.Done);
        Assert.Equal(10, run.Steps.Count);
        Assert.Equal([(4, 1f), (4, 1f), (8, 0f), (8, 0.5f), (8, 1f), (8, 1f), (16, 0f), (16, 0.5f), (16, 1f), (16, 1f)], seen);
        Assert.Equal([4L, 1, 16, 16], t.Generate(randn(4, 16)).shape);
    }

    [Fact]
    public void Adam_is_reset_when_a_resolution_starts_fading_in_and_G_ema_is_the_decayed_average()
    {
        using var _ = NewDisposeScope();
        manual_seed(9);
        var cfg = new ProGanTrainingConfig(Small, BatchSize: 4, FadeImages: 8, StableImages: 8, EmaDecay: 0.9);
        var real = rand(4, 1, 16, 16) * 2 - 1;
        using var t = new ProGanTraining(cfg, () => real.clone(), CPU);
        var weight = t.Generator.named_parameters().First(p => p.name.EndsWith("dense.weight")).parameter;
        while (!t.Done)
        {
            var fadeStart = t.Images == t.Phase.StartImage && t.Phase.FadeIn;
            var optimizer = t.Trainer.GeneratorOptimizer;
            var before = weight.detach().clone();
            var emaBefore = t.GeneratorEma.parameters().Select(p => p.detach().clone()).ToList();
            t.Trainer.TrainStep();
            Assert.Equal(fadeStart, !ReferenceEquals(optimizer, t.Trainer.GeneratorOptimizer));
            // fresh Adam with beta1 = 0: the first update is lr * g / (|g| + eps) = lr * sign(g) for every weight whose
            // gradient is not tiny; on later steps Adam's second moment mixes in older gradients and the steps differ
            var step = (weight.detach() - before).abs();
            var moved = step[step.gt(0)];
            var atLr = moved.sub(cfg.Lr).abs().lt(1e-3 * cfg.Lr).to(float32).mean().item<float>();
            if (fadeStart) Assert.True(atLr > 0.95, $"first update after a reset: only {atLr:P0} of the steps are lr = {cfg.Lr}");
            else if (t.Steps > 1) Assert.True(atLr < 0.5, $"step {t.Steps - 1} without a reset: {atLr:P0} of the steps are exactly lr");
            // G_ema <- 0.9 G_ema + 0.1 G after every step
            foreach (var ((e, g), b) in t.GeneratorEma.parameters().Zip(t.Generator.parameters()).Zip(emaBefore))
                Assert.True(e.allclose(b * 0.9 + g.detach() * 0.1, rtol: 1e-5, atol: 1e-6));
        }
        Assert.Equal(2, t.Growth.OptimizerResets);   // 8x8 and 16x16 faded in
    }

    [Fact]
    public void Same_seed_gives_the_same_ProGAN_run_and_the_data_must_fit_the_model()
    {
        using var data = GanCourse.Data.ImageDataset.FashionMnist("train", subset: 40, pad32: true);
        var cfg = new ProGanTrainingConfig(Small with { MaxResolution = 32 }, BatchSize: 4, FadeImages: 8, StableImages: 8);
        float[] Run(int seed)
        {
            Course.Seed(4);
            using var t = new ProGanTraining(cfg, data, seed: seed, device: CPU);
            t.Train(maxSteps: 6);
            return t.GeneratorEma.parameters().Concat(t.Discriminator.parameters()).SelectMany(p => p.detach().data<float>().ToArray()).ToArray();
        }
        var a = Run(2);
        Assert.Equal(a, Run(2));
        Assert.NotEqual(a, Run(3));   // the data seed changes the batches
        using var unpadded = GanCourse.Data.ImageDataset.FashionMnist("train", subset: 40);
        var e = Assert.Throws<ArgumentException>(() => new ProGanTraining(cfg, unpadded));
        Assert.Contains("28x28", e.Message);
        Assert.Contains("pad32", e.Message);
    }

    [Fact]
    public void Checkpoint_round_trips_and_a_mismatched_architecture_fails_naming_the_field()
    {
        using var _ = NewDisposeScope();
        var dir = Directory.CreateTempSubdirectory("gancourse-ckpt-").FullName;
        try
        {
            var path = Path.Combine(dir, "p.bin");
            using var real = rand(4, 1, 16, 16);
            using var t = new ProGanTraining(new ProGanTrainingConfig(Small, BatchSize: 4, FadeImages: 8, StableImages: 8), () => real.clone(), CPU);
            t.Trainer.TrainStep();
            t.Save(path, new Dictionary<string, string> { ["command"] = "test" });
            Assert.Single(Directory.GetFiles(dir)); // no temp file left behind
            var (g, info) = ProGanTraining.LoadGenerator(path);
            Assert.Equal(Small, g.Config);
            Assert.Equal("test", info.Notes["command"]);
            var z = randn(4, 16);
            using (no_grad()) Assert.True(g.Synthesize(z, 16).allclose(t.GeneratorEma.Synthesize(z, 16), rtol: 0, atol: 0));

            var e = Assert.Throws<InvalidDataException>(() => ProGanTraining.LoadGenerator(path, Small with { FeatureMapsMax = 32 }));
            Assert.Contains("FeatureMapsMax", e.Message);
            Assert.Contains("16", e.Message);
            var k = Assert.Throws<InvalidDataException>(() => ModelCheckpoint.ReadConfig<ProGanConfig>(path, "stylegan"));
            Assert.Contains("progan", k.Message);
            File.WriteAllText(Path.Combine(dir, "junk.bin"), "not a checkpoint");
            Assert.Throws<InvalidDataException>(() => ProGanTraining.LoadGenerator(Path.Combine(dir, "junk.bin")));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    static Tensor SmoothImages(int n, int seed)
    {
        var gen = new Generator((ulong)seed);
        var x = randn(n, 1, 8, 8, generator: gen);
        return nn.functional.interpolate(x, size: [32, 32], mode: InterpolationMode.Bilinear, align_corners: false).tanh();
    }

    [Fact]
    public void Sliced_Wasserstein_is_zero_for_identical_sets_and_grows_with_added_noise()
    {
        using var _ = NewDisposeScope();
        var a = SmoothImages(128, 7);
        var same = SlicedWasserstein.Compute(a, a.clone(), patchesPerImage: 32);
        Assert.Equal([32, 16], same.Resolutions);
        Assert.All(same.PerLevel, d => Assert.True(d < 1e-9, $"identical sets: {d}"));
        var other = SlicedWasserstein.Compute(a, SmoothImages(128, 8), patchesPerImage: 32).Average; // same distribution, new samples
        var noise = randn(a.shape, generator: new Generator(9));
        var d1 = SlicedWasserstein.Compute(a, a + 0.1 * noise, patchesPerImage: 32).Average;
        var d2 = SlicedWasserstein.Compute(a, a + 0.3 * noise, patchesPerImage: 32).Average;
        var d3 = SlicedWasserstein.Compute(a, a + 1.0 * noise, patchesPerImage: 32).Average;
        Assert.True(other < d2, $"same distribution {other} vs noisy {d2}");
        Assert.True(d1 < d2 && d2 < d3, $"{d1} {d2} {d3}");
        Assert.Equal(3, SlicedWasserstein.Compute(a, a, minResolution: 8, patchesPerImage: 8).PerLevel.Count);
        Assert.Throws<ArgumentException>(() => SlicedWasserstein.Compute(a, a[..64]));
    }
}
