using GanCourse.Networks;
using GanCourse.Training;
using GanCourse.Runner;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>The StyleGAN port (lecture 004): state-dict names, parity with the seed's PyTorch code, loading, StyleGAN2 demodulation.</summary>
public class StyleGanTests
{
    static readonly string Root = NotebookRunner.FindRepoRoot();
    static readonly string RefDir = Path.Combine(Root, "tests", "reference", "stylegan");

    [Fact]
    public void Port_at_1024px_has_the_seed_state_dict_names_and_shapes()
    {
        var expected = File.ReadAllLines(Path.Combine(Root, "tests", "reference", "stylegan1024_keys.txt"))
            .Where(l => l.Length > 0).Select(l => l.Split('\t')).Select(p => (p[0], p[1])).ToList();
        using var g = new StyleGanGenerator(StyleGanConfig.Seed1024);
        var actual = g.state_dict().Select(kv => (kv.Key, "[" + string.Join(", ", kv.Value.shape) + "]")).ToList();
        Assert.Equal(116, expected.Count);
        Assert.Equal(expected.OrderBy(e => e.Item1, StringComparer.Ordinal), actual.OrderBy(e => e.Item1, StringComparer.Ordinal));
    }

    [Fact]
    public void Loader_lists_missing_extra_and_misshaped_keys()
    {
        using var g = new StyleGanGenerator(StyleGanConfig.Small32);
        var dict = g.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        dict.Remove("g_mapping.dense0.bias");
        dict["g_synthesis.torgb.weight"] = zeros(3, 8, 1, 1);
        dict["truncation.avg_latent"] = zeros(64);
        var ex = Assert.Throws<StateDictMismatchException>(() => StateDictLoader.Load(g, dict, "test.pt"));
        Assert.Contains("missing: g_mapping.dense0.bias", ex.Message);
        Assert.Contains("wrong shape: g_synthesis.torgb.weight is [3, 8, 1, 1], the model needs [1, 8, 1, 1]", ex.Message);
        Assert.Contains("unexpected: truncation.avg_latent", ex.Message);
    }

    [Fact]
    public void Save_then_load_round_trips_through_a_pt_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gancourse-sg-{Guid.NewGuid():N}.pt");
        try
        {
            using var a = new StyleGanGenerator(StyleGanConfig.Small32);
            using var b = new StyleGanGenerator(StyleGanConfig.Small32);
            StateDictLoader.Save(a, path);
            StateDictLoader.Load(b, path);
            using var z = randn(2, 64);
            a.SetNoise(a.DrawNoise(2));
            b.SetNoise(a.Synthesis.NoiseLayers.Select(l => l.Noise!).ToList());
            using var _ = no_grad();
            Assert.Equal(0.0, (a.forward(z) - b.forward(z)).abs().max().item<float>());
        }
        finally { File.Delete(path); }
    }

    /// <summary>Fill the entries the reference script does not store, exactly as its fill_hashed does.</summary>
    static Tensor Hashed(string key, long[] shape, double std)
    {
        var offset = key.Select((c, i) => (long)(i + 1) * c).Sum() % 1000003;
        var n = shape.Aggregate(1L, (a, b) => a * b);
        var v = (arange(n, dtype: int64) + offset) * 2654435761L % 4294967296L;
        var u = v.to(float64) / 4294967296.0;
        return ((2 * u - 1) * Math.Sqrt(3) * std).to(float32).view(shape);
    }

    [SkippableTheory]
    [InlineData(32, 64, 16)]
    [InlineData(128, 256, 8)]   // takes the fused upscale + conv path at 128 px
    public void Port_reproduces_the_seed_pytorch_output(int res, int fmapBase, int fmapMax)
    {
        var paramsFile = Path.Combine(RefDir, $"stylegan{res}_params.pt");
        var ioFile = Path.Combine(RefDir, $"stylegan{res}_io.pt");
        Skip.IfNot(File.Exists(paramsFile) && File.Exists(ioFile),
            $"Reference tensors missing ({paramsFile}); make them with: /usr/bin/python3 tests/reference/make_stylegan_reference.py");
        using var scope = NewDisposeScope();
        using var g = new StyleGanGenerator(StyleGanConfig.Seed1024 with { Resolution = res, FmapBase = fmapBase, FmapMax = fmapMax, Broadcast = 18 });
        var stored = StateDictLoader.Read(paramsFile);
        var full = new Dictionary<string, Tensor>(stored);
        foreach (var (key, t) in g.state_dict())
            if (!stored.ContainsKey(key))
            {
                Assert.True(t.numel() >= 2048, $"{key} is neither stored nor hashed");
                full[key] = Hashed(key, t.shape, key.StartsWith("g_mapping") && key.EndsWith("weight") ? 100.0 : 1.0);
            }
        StateDictLoader.Load(g, full);
        var io = StateDictLoader.Read(ioFile);
        g.SetNoise(Enumerable.Range(0, g.Synthesis.NoiseLayers.Count).Select(i => io[$"noise{i}"]).ToList());
        g.eval();
        using var _ = no_grad();
        var z = io["z"];
        var w = g.Mapping.forward(z);
        var dW = (w[.., 0] - io["w"]).abs().max().item<float>();
        var dImg = (g.forward(z) - io["img"]).abs().max().item<float>();
        using var trunc = new Truncation(io["avg_latent"], maxLayer: 8, threshold: 0.7);
        var dTrunc = (g.Synthesis.forward(trunc.forward(w)) - io["img_trunc"]).abs().max().item<float>();
        Console.WriteLine($"StyleGAN parity {res} px: max |w - w_ref| = {dW:E2}, max |img - img_ref| = {dImg:E2}, truncated {dTrunc:E2}");
        Assert.True(dW < 1e-4, $"mapping differs by {dW}");
        Assert.True(dImg < 1e-4, $"image differs by {dImg}");
        Assert.True(dTrunc < 1e-4, $"truncated image differs by {dTrunc}");
    }

    [Fact]
    public void Demodulated_conv_keeps_unit_variance_and_modulation_alone_does_not()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(3);
        using var conv = new ModulatedConv2d(64, 64, 3, dlatentSize: 32);
        var x = randn(8, 64, 16, 16, generator: gen);
        var w = randn(8, 32, generator: gen) * 3;        // large styles: s far from 1
        using var _ = no_grad();
        var interior = conv.forward(x, w)[.., .., 1..^1, 1..^1];
        Assert.InRange(interior.std().item<float>(), 0.9, 1.1);
        conv.Demodulate = false;
        var raw = conv.forward(x, w)[.., .., 1..^1, 1..^1].std().item<float>();
        Assert.True(raw > 1.5, $"without demodulation the std follows the styles (got {raw})");
    }

    [Fact]
    public void Grouped_modulated_conv_equals_a_per_sample_conv()
    {
        using var scope = NewDisposeScope();
        using var conv = new ModulatedConv2d(4, 5, 3, dlatentSize: 6);
        var x = randn(3, 4, 8, 8);
        var w = randn(3, 6);
        using var _ = no_grad();
        var batched = conv.forward(x, w);
        for (var i = 0; i < 3; i++)
        {
            var single = conv.forward(x[i..(i + 1)], w[i..(i + 1)]);
            Assert.True((single - batched[i..(i + 1)]).abs().max().item<float>() < 1e-5);
        }
    }

    [Fact]
    public void Style_mixing_takes_coarse_layers_from_the_first_w()
    {
        using var g = new StyleGanGenerator(StyleGanConfig.Small32);
        using var w1 = zeros(2, 64);
        using var w2 = ones(2, 64);
        using var mixed = g.Mix(w1, w2, 3);
        Assert.Equal(new long[] { 2, 8, 64 }, mixed.shape);
        Assert.Equal(0f, mixed[.., ..3].abs().max().item<float>());
        Assert.Equal(1f, mixed[.., 3..].min().item<float>());
    }

    [Fact]
    public void Training_step_with_R1_and_mixing_updates_G_and_moves_G_ema()
    {
        using var real = rand(4, 1, 32, 32) * 2 - 1;
        using var training = new StyleGanTraining(StyleGanTrainConfig.Small32 with { BatchSize = 4 }, () => real.clone(), seed: 1, device: CPU);
        var before = training.GeneratorEma.state_dict()["g_synthesis.torgb.weight"].clone();
        var steps = training.Train(5).Steps;
        // R1 lazily: on discriminator updates 0 and 4 only (R1Every = 4), with gain 4 folded into the loss
        Assert.Equal([true, false, false, false, true], steps.Select(s => s.Losses.ContainsKey("R1")).ToArray());
        Assert.True(steps[0].Losses["R1"] > 0 && steps.All(s => float.IsFinite(s.D) && float.IsFinite(s.G)));
        Assert.Equal(5, training.Steps);
        var after = training.GeneratorEma.state_dict()["g_synthesis.torgb.weight"];
        Assert.True((after - before).abs().max().item<float>() > 0, "G_ema did not move");
        Assert.Same(training.Ema, training.Trainer.Hook<Ema>());
    }

    [Fact]
    public void Same_seed_gives_the_same_StyleGAN_run()
    {
        using var data = GanCourse.Data.ImageDataset.Mnist("train", subset: 32, pad32: true);
        float[] Run(int seed)
        {
            GanCourse.Runtime.Course.Seed(5);
            using var t = new StyleGanTraining(StyleGanTrainConfig.Small32 with { BatchSize = 4 }, data, seed: seed, device: CPU);
            t.Train(3);
            return t.GeneratorEma.parameters().Concat(t.Discriminator.parameters()).SelectMany(p => p.detach().data<float>().ToArray()).ToArray();
        }
        var a = Run(1);
        Assert.Equal(a, Run(1));
        Assert.NotEqual(a, Run(2));   // batches and mixing draws follow the seed
    }

    [Fact]
    public void Style_mixing_sampler_mixes_with_its_probability_and_crossovers_in_range()
    {
        var sampler = new StyleMixingSampler(latentSize: 8, numLayers: 8, mixingProb: 0.9, seed: 3);
        var crossovers = new List<int>();
        for (var i = 0; i < 2000; i++)
        {
            using var _ = NewDisposeScope();
            var l = sampler.Sample(2, CPU);
            Assert.Equal([2L, 8], l.Z.shape);
            if (l.MixZ is not null) crossovers.Add(l.MixCrossover);
        }
        Assert.InRange(crossovers.Count / 2000.0, 0.88, 0.92);
        Assert.Equal(Enumerable.Range(1, 7), crossovers.Distinct().Order());   // 1 .. NumLayers - 1, never 0 (no mixing) or 8
        Assert.Equal(new StyleMixingSampler(8, 8, 0.9, seed: 3).Sample(1, CPU).MixCrossover, new StyleMixingSampler(8, 8, 0.9, seed: 3).Sample(1, CPU).MixCrossover);
        Assert.Throws<ArgumentOutOfRangeException>(() => new StyleMixingSampler(8, 8, mixingProb: 1.5));
    }
}
