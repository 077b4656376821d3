using GanCourse.Data;
using GanCourse.Experiments;
using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;
using static GanCourse.Tests.TestTrainers;

namespace GanCourse.Tests;

/// <summary>pix2pix and CycleGAN (issue 17): U-Net skips, PatchGAN receptive fields, the L1, cycle and identity terms, the paired sampler, and both as configurations of the one training loop.</summary>
public class ImageTranslationTests
{
    /// <summary>y = s·x: a fixed mapping for cycle-loss known answers.</summary>
    sealed class Scale(double s) : nn.Module<Tensor, Tensor>("Scale")
    {
        public override Tensor forward(Tensor x) => x * s;
    }

    [Fact]
    public void The_U_Net_concatenates_each_encoder_layer_into_its_decoder_layer_and_the_plain_encoder_decoder_does_not()
    {
        Course.Seed(1);
        using var unet = new UNetGenerator(imgSize: 32, baseChannels: 8, maxChannels: 32);
        using var plain = new UNetGenerator(imgSize: 32, baseChannels: 8, maxChannels: 32, skips: false);
        Assert.Equal([8, 16, 32, 32, 32], unet.EncoderChannels);
        // ConvTranspose2d weights are (in, out, k, k): decoder layer 1 (2x2 -> 4x4) takes 32 + 32 skip channels in the U-Net
        var w = unet.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        var v = plain.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal(new long[] { 32, 32, 4, 4 }, w["up.0.0.weight"]);          // the bottleneck has no skip
        Assert.Equal(new long[] { 64, 16, 4, 4 }, w["up.2.0.weight"]);          // 4x4: 32 up + 32 from the encoder
        Assert.Equal(new long[] { 16, 1, 4, 4 }, w["up.4.0.weight"]);           // 16x16 -> 32x32: 8 up + 8 skip
        Assert.Equal(new long[] { 32, 16, 4, 4 }, v["up.2.0.weight"]);
        Assert.Equal(new long[] { 8, 1, 4, 4 }, v["up.4.0.weight"]);
        using var x = rand(3, 1, 32, 32) * 2 - 1;
        using var y = unet.forward(x);
        Assert.Equal(new long[] { 3, 1, 32, 32 }, y.shape);
        Assert.True(y.abs().max().item<float>() <= 1f);
        var e = Assert.Throws<ArgumentException>(() => unet.forward(rand(1, 1, 28, 28)));
        Assert.Contains("32", e.Message);
    }

    [Fact]
    public void Dropout_is_the_noise_source_at_test_time_too_unless_switched_off()
    {
        Course.Seed(2);
        using var g = new UNetGenerator(imgSize: 16, baseChannels: 8, maxChannels: 16);
        g.eval();
        using var x = rand(2, 1, 16, 16);
        using (no_grad())
        {
            Assert.False(g.forward(x).allclose(g.forward(x)));               // two draws of the noise
            g.DropoutAtTest = false;
            Assert.True(g.forward(x).equal(g.forward(x)).all().item<bool>());        // deterministic for measurement
        }
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 16)]
    [InlineData(2, 34)]
    [InlineData(3, 70)]
    public void The_PatchGAN_patch_is_the_receptive_field_one_score_depends_on(int layers, int patch)
    {
        Course.Seed(3);
        using var d = new PatchGanDiscriminator(channels: 2, layers: layers, baseChannels: 4);
        Assert.Equal(patch, d.ReceptiveField);
        d.eval();                                              // batch statistics would couple every pixel
        var size = Math.Max(16, 2 * patch + 16);
        using var x = randn(1, 2, size, size).requires_grad_(true);
        using var scores = d.forward(x);
        var (h, w) = (scores.shape[2], scores.shape[3]);
        scores[0, 0, h / 2, w / 2].backward();
        using var touched = x.grad!.abs().sum(1)[0].gt(0);
        var rows = touched.any(1).sum().item<long>();
        var cols = touched.any(0).sum().item<long>();
        Assert.Equal(patch, rows);
        Assert.Equal(patch, cols);
    }

    [Fact]
    public void The_receptive_field_recursion_matches_the_hand_computation()
    {
        Assert.Equal(70, PatchGanDiscriminator.ReceptiveFieldOf([(4, 2), (4, 2), (4, 2), (4, 1), (4, 1)]));
        Assert.Equal(7, PatchGanDiscriminator.ReceptiveFieldOf([(3, 1), (3, 1), (3, 1)]));
        Assert.Equal(1, PatchGanDiscriminator.ReceptiveFieldOf([]));
        var e = Assert.Throws<ArgumentException>(() => new PatchGanDiscriminator(layers: 2).forward(zeros(1, 2, 8, 8)));
        Assert.Contains("12x12", e.Message);
    }

    [Fact]
    public void L1_reconstruction_is_lambda_times_the_mean_absolute_error_of_the_output_channels()
    {
        using var x = rand(4, 1, 8, 8);
        using var target = rand(4, 1, 8, 8);
        using var stacked = cat([x, target + 0.5], 1);
        using var term = new L1Reconstruction(100).Penalty(new GeneratorContext(new Latents(x) { Target = target }, stacked, 0, CPU));
        Assert.Equal(50.0, term.item<float>(), 4);
        Assert.Throws<ArgumentException>(() => new L1Reconstruction().Penalty(new GeneratorContext(new Latents(x), stacked, 0, CPU)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new L1Reconstruction(double.NaN));
    }

    [Fact]
    public void Cycle_and_identity_losses_have_their_known_values_for_fixed_mappings()
    {
        // G = 2x, F = x: F(G(x)) = 2x and G(F(y)) = 2y, so the cycle loss is λ(E|x| + E|y|); identity: |G(y) − y| = |y|, |F(x) − x| = 0
        using var gens = new CycleGanGenerators(new Scale(2), new Scale(1));
        using var pair = randn([5, 2, 1, 4, 4]);
        using var generated = gens.forward(pair);
        var ctx = new GeneratorContext(new Latents(pair), generated, 0, CPU);
        var ex = pair[.., 0].abs().mean().item<float>();
        var ey = pair[.., 1].abs().mean().item<float>();
        Assert.Equal(10 * (ex + ey), Value(new CycleConsistency(gens, 10).Penalty(ctx)), 3);
        Assert.Equal(10 * ex, Value(new CycleConsistency(gens, 10, backward: false).Penalty(ctx)), 3);
        Assert.Equal(10 * ey, Value(new CycleConsistency(gens, 10, forward: false).Penalty(ctx)), 3);
        Assert.Equal(10 * (ex + ey) + 0.5 * 10 * ey, Value(new CycleConsistency(gens, 10, identityWeight: 0.5).Penalty(ctx)), 3);
        // slots: F(y) in 0 (a fake x), G(x) in 1 (a fake y)
        Assert.True(generated[.., 1].equal(pair[.., 0] * 2).all().item<bool>());
        Assert.True(generated[.., 0].equal(pair[.., 1]).all().item<bool>());
        var (xc, yc) = CycleConsistency.Reconstruct(gens, pair);
        Assert.True(xc.equal(pair[.., 0] * 2).all().item<bool>());
        Assert.Throws<ArgumentException>(() => new CycleGanGenerators(gens.G, gens.G));
    }

    [Fact]
    public void The_paired_sampler_keeps_each_target_with_its_input_and_one_seed_draws_the_same_batches()
    {
        using var x = arange(20, dtype: float32).view(20, 1, 1, 1).expand(20, 1, 2, 2).contiguous();
        using var y = x * 10;
        var paired = new PairedImageSampler(x, y, paired: true);
        Course.Seed(4);
        var a = paired.Sample(8, CPU);
        Assert.True(a.Target!.equal(a.Z * 10).all().item<bool>());
        Course.Seed(4);
        Assert.True(paired.Sample(8, CPU).Z.equal(a.Z).all().item<bool>());
        var real = paired.RealBatch(6, CPU).Images;
        Assert.Equal(new long[] { 6, 2, 2, 2 }, real.shape);
        Assert.True(real[.., 1].equal(real[.., 0] * 10).all().item<bool>());
        var unpaired = new PairedImageSampler(x, y[..5], paired: false);
        var u = unpaired.Sample(30, CPU).Z;
        Assert.Equal(new long[] { 30, 2, 1, 2, 2 }, u.shape);
        Assert.True(u[.., 1].max().item<float>() <= 40f);                   // y drawn from its own 5 images
        var e = Assert.Throws<ArgumentException>(() => new PairedImageSampler(x, y[..5], paired: true));
        Assert.Contains("20 inputs but 5 targets", e.Message);
    }

    [Fact]
    public void Edge_maps_of_a_square_are_its_outline()
    {
        using var img = full([1, 1, 12, 12], -1f);
        img[0, 0, 3..9, 3..9] = tensor(1f);
        using var edges = EdgeMaps.Sobel(img);
        Assert.True(edges.abs().eq(1).all().item<bool>());                 // white lines on black, in [-1, 1]
        Assert.Equal(1f, edges[0, 0, 3, 5].item<float>());                 // on the outline
        Assert.Equal(-1f, edges[0, 0, 6, 6].item<float>());                // inside, flat
        Assert.Equal(-1f, edges[0, 0, 0, 0].item<float>());                // outside, flat
        Assert.True(EdgeMaps.Sobel(img).equal(edges).all().item<bool>());
    }

    static (AdversarialTrainer Trainer, PairedImageSampler Data) Pix2Pix(int seed)
    {
        Course.Seed(seed);
        var xs = EdgeMaps.Sobel(rand(16, 1, 8, 8) * 2 - 1);
        var ys = -xs;                                       // learnable: the inverted edge map
        var data = new PairedImageSampler(xs, ys, paired: true);
        var model = GanModel.Paired(new UNetGenerator(imgSize: 8, baseChannels: 4, maxChannels: 8), new PatchGanDiscriminator(channels: 2, layers: 0, baseChannels: 4));
        var config = new AdversarialConfig(1, 8) { Sampler = data, GeneratorPenalties = [new L1Reconstruction(100)] };
        return (new AdversarialTrainer(model, new LsganLoss(), () => data.RealBatch(8, CPU), config,
            p => optim.Adam(p, 2e-3, 0.5), p => optim.Adam(p, 2e-3, 0.5), CPU), data);
    }

    [Fact]
    public void A_pix2pix_step_of_the_training_loop_logs_L1_and_is_reproducible()
    {
        var outcome = AssertReproducible(() =>
        {
            var (t, _) = Pix2Pix(5);
            using (t) return Outcome(t, t.Train(3).SelectMany(s => new[] { s.D, s.G, s.Losses["L1"] }));
        });
        Assert.All(outcome.Losses, l => Assert.True(float.IsFinite(l)));
        var (trainer, data) = Pix2Pix(6);
        using (trainer)
        {
            var steps = trainer.Train(40);
            Assert.True(steps[^1].Losses["L1"] < 0.8 * steps[0].Losses["L1"], $"L1 went {steps[0].Losses["L1"]} -> {steps[^1].Losses["L1"]}");
        }
    }

    [Fact]
    public void A_CycleGAN_step_updates_both_generators_and_both_discriminators_through_the_image_pool()
    {
        Course.Seed(7);
        using var xs = rand(12, 1, 8, 8) * 2 - 1;
        using var ys = rand(10, 1, 8, 8) * 2 - 1;
        var data = new PairedImageSampler(xs, ys, paired: false);
        var gens = new CycleGanGenerators(new UNetGenerator(imgSize: 8, baseChannels: 4, maxChannels: 8, dropout: 0),
            new UNetGenerator(imgSize: 8, baseChannels: 4, maxChannels: 8, dropout: 0));
        var discs = new CycleGanDiscriminators(new PatchGanDiscriminator(channels: 1, layers: 0, baseChannels: 4), new PatchGanDiscriminator(channels: 1, layers: 0, baseChannels: 4));
        using var pool = new ImagePool(6);
        var config = new AdversarialConfig(1, 4) { Sampler = data, FakeReplay = pool, GeneratorPenalties = [new CycleConsistency(gens, 10, identityWeight: 0.5)] };
        using var t = new AdversarialTrainer(GanModel.Unconditional(gens, discs), new LsganLoss(), () => data.RealBatch(4, CPU), config,
            p => optim.Adam(p, 2e-4, 0.5), p => optim.Adam(p, 2e-4, 0.5), CPU);
        var before = new[] { Weights(gens.G), Weights(gens.F), Weights(discs.DX), Weights(discs.DY) };
        var steps = t.Train(2);
        var after = new[] { Weights(gens.G), Weights(gens.F), Weights(discs.DX), Weights(discs.DY) };
        for (var i = 0; i < 4; i++) Assert.NotEqual(before[i], after[i]);
        Assert.True(steps[^1].Losses["cycle"] > 0);
        Assert.Equal(6, pool.Count);                                            // 8 (F(y), G(x)) pairs went in, 6 fit
    }

    [Fact]
    public void The_shipped_pix2pix_and_CycleGAN_load_and_translate_as_their_README_states()
    {
        Course.Seed(8);
        var root = DataPaths.Root();
        var (edges, garments) = TranslationData.EdgesToGarments("test", 200);
        var (g, setup) = ImageTranslation.LoadPix2Pix(Path.Combine(root, "translation", "pix2pix-edges2garments.bin"));
        Assert.Equal(4000, setup.Steps);
        using (var outputs = ImageTranslation.Translate(g, edges))
        {
            var l1 = (outputs - garments).abs().mean().item<float>() / 2;
            Assert.InRange(l1, 0, 0.07);                                      // README: 0.0513 on 1,000 pairs; an untrained U-Net is near 0.4
        }
        var (x, y) = TranslationData.Domains("test", perDomain: 100);
        var (gens, cycle) = ImageTranslation.LoadCycleGan(Path.Combine(root, "translation", "cyclegan-sneaker2boot.bin"));
        Assert.Equal(0.5, cycle.IdentityWeight);
        var report = ImageTranslation.Evaluate("shipped", gens, x, y);
        Assert.True(report.ShareXToY > 0.5 && report.ShareYToX > 0.5, $"sneaker -> boot {report.ShareXToY:P0}, boot -> sneaker {report.ShareYToX:P0} (README: 69% each)");
        Assert.InRange(report.CycleErrorX, 0, 0.05);
    }
}
