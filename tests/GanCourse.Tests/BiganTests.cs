using GanCourse.Metrics;
using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;
using static GanCourse.Tests.TestTrainers;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Tests;

/// <summary>
/// BiGAN (Donahue et al. 2017) as a configuration of the one training core: the pairs D judges, the losses on known
/// logits, which network each term's gradient reaches, determinism, and the linear probe of the representation.
/// </summary>
public class BiganTests
{
    const int Latent = 3, Side = 4, Pixels = Side * Side, Batch = 8;

    static (Bigan Pair, JointDiscriminator D) Tiny(int seed, bool useLatent = true)
    {
        Course.Seed(seed);
        var pair = new Bigan(new BiganGenerator(Latent, hidden: 8, imageSize: Side), new BiganEncoder(Latent, Pixels, hidden: 8));
        var d = new JointDiscriminator(Latent, Pixels, hidden: 8, useLatent: useLatent, dropout: 0);
        return (pair, d);
    }

    static Func<RealBatch> Images(int seed)
    {
        var g = new Generator((ulong)seed);
        return () => new RealBatch(randn([Batch, 1, Side, Side], generator: g).tanh());
    }

    static AdversarialTrainer Trainer(Bigan pair, JointDiscriminator d, Func<RealBatch> data, IGanLoss? loss = null, double lr = 1e-3) =>
        new(GanModel.Bidirectional(pair, d), loss ?? new NonSaturatingGanLoss(), data, new AdversarialConfig(Latent, Batch),
            p => optim.Adam(p, lr), p => optim.Adam(p, lr), device: CPU);

    [Fact]
    public void Pairs_pack_the_flattened_image_and_its_code_and_D_gives_one_logit_per_pair()
    {
        var (pair, d) = Tiny(1);
        pair.eval();
        using var z = randn(5, Latent);
        using var x = rand(5, 1, Side, Side);
        using var fake = pair.forward(z);                      // (G(z), z)
        using var real = pair.EncodePair(x);                   // (x, E(x))
        Assert.Equal(new long[] { 5, Pixels + Latent }, fake.shape);
        Assert.Equal(new long[] { 5, Pixels + Latent }, real.shape);
        Assert.True(fake[.., Pixels..].allclose(z, 0, 0));                                   // the code of a fake pair is z itself
        Assert.True(fake[.., ..Pixels].allclose(pair.Generator.forward(z).flatten(1), 0, 0)); // its image G(z)
        Assert.True(real[.., ..Pixels].allclose(x.flatten(1), 0, 0));                        // the image of a real pair is x itself
        Assert.True(real[.., Pixels..].allclose(pair.Encoder.forward(x)));                       // its code E(x)
        Assert.True(Bigan.ImagesOf(real, [1, Side, Side]).allclose(x, 0, 0));
        using var logits = d.forward(real);
        Assert.Equal(new long[] { 5, 1 }, logits.shape);
        var e = Assert.Throws<ArgumentException>(() => d.forward(x.flatten(1)));               // an image without its code
        Assert.Contains("Bigan.Pair", e.Message);
        Assert.Throws<ArgumentException>(() => Bigan.Pair(x, randn(4, Latent)));
    }

    [Fact]
    public void Losses_on_known_logits_are_the_BCE_terms_of_the_paper_with_flipped_labels_for_G_and_E()
    {
        // D with zero weights and output bias b gives every pair the logit b: D's loss softplus(−b) + softplus(b),
        // G's term −log D(G(z), z) = softplus(−b), E's term −log(1 − D(x, E(x))) = softplus(b)
        var (pair, d) = Tiny(2);
        const float b = 0.7f;
        using (no_grad())
        {
            foreach (var p in d.parameters()) p.zero_();
            d.named_parameters().Single(p => p.name == "joint.3.bias").parameter.fill_(b);   // the output layer's bias
        }
        using var t = new AdversarialTrainer(GanModel.Bidirectional(pair, d), new NonSaturatingGanLoss(), Images(3), new AdversarialConfig(Latent, Batch),
            p => optim.SGD(p, 0), p => optim.SGD(p, 0), device: CPU);
        var s = t.TrainStep();
        double Softplus(double v) => Math.Log(1 + Math.Exp(v));
        Assert.Equal(Softplus(-b) + Softplus(b), s.D, 5);
        Assert.Equal(Softplus(-b), s.G, 5);
        Assert.Equal(Softplus(b), s.Losses["E"], 5);
        Assert.Equal(b, s.RealScore, 5);
        Assert.Equal(b, s.FakeScore, 5);
    }

    [Fact]
    public void The_discriminator_step_changes_only_D_and_the_second_real_batch_comes_after_it()
    {
        var (pair, d) = Tiny(3);
        var (g0, e0, d0) = (Weights(pair.Generator), Weights(pair.Encoder), Weights(d));
        var calls = 0;
        float[]? gMid = null, eMid = null, dMid = null;
        var data = Images(4);
        using var t = Trainer(pair, d, () =>
        {
            if (++calls == 2) (gMid, eMid, dMid) = (Weights(pair.Generator), Weights(pair.Encoder), Weights(d));   // inside the G/E step
            return data();
        });
        t.TrainStep();
        Assert.Equal(2, calls);                        // one real batch for D's step, one for E's term
        Assert.NotEqual(d0, dMid);                     // after the D step: D moved
        Assert.Equal(g0, gMid);                        // G did not
        Assert.Equal(e0, eMid);                        // nor E (the real pairs were encoded without gradient)
        Assert.NotEqual(g0, Weights(pair.Generator));  // the G/E step moved both
        Assert.NotEqual(e0, Weights(pair.Encoder));
        Assert.Equal(dMid, Weights(d));                // and left D alone
    }

    /// <summary>The non-saturating loss, with the generator-side terms of the G/E step kept or zeroed by call (0: G's fake term, 1: E's real term).</summary>
    sealed class KeepTerm(int keep) : IGanLoss
    {
        readonly NonSaturatingGanLoss inner = new();
        int call;
        public string Name => "non-saturating, one G/E term";
        public Tensor Discriminator(Tensor realScores, Tensor fakeScores) => inner.Discriminator(realScores, fakeScores);
        public Tensor Generator(Tensor fakeScores) => inner.Generator(fakeScores) * (call++ % 2 == keep ? 1 : 0);
    }

    static bool HasGradient(nn.Module m) => m.parameters().Any(p => p.grad is { } g && g.abs().sum().item<float>() > 0);

    [Theory]
    [InlineData(0, true, false)]   // the fake-pair term alone: G gets gradient, E none
    [InlineData(1, false, true)]   // the real-pair term alone: E gets gradient, G none
    public void In_the_G_E_step_G_learns_from_the_fake_pairs_and_E_from_the_real_pairs(int keep, bool gGets, bool eGets)
    {
        var (pair, d) = Tiny(5);
        using var t = Trainer(pair, d, Images(6), new KeepTerm(keep));
        t.TrainStep();
        Assert.Equal(gGets, HasGradient(pair.Generator));
        Assert.Equal(eGets, HasGradient(pair.Encoder));
    }

    [Fact]
    public void Without_the_z_branch_the_encoder_gets_no_gradient_at_all()
    {
        var (pair, d) = Tiny(7, useLatent: false);
        var e0 = Weights(pair.Encoder);
        using var t = Trainer(pair, d, Images(8));
        t.TrainStep();
        Assert.True(HasGradient(pair.Generator));
        Assert.False(HasGradient(pair.Encoder));       // D never reads the code, so E(x) changes nothing it judges
        Assert.Equal(e0, Weights(pair.Encoder));
    }

    [Fact]
    public void Same_seed_gives_the_same_BiGAN_run()
    {
        var a = AssertReproducible(() =>
        {
            var (pair, d) = Tiny(9);
            using var t = Trainer(pair, d, Images(10));
            return Outcome(t, t.Train(5).SelectMany(s => new[] { s.D, s.G, s.Losses["E"] }));
        });
        var (pair2, d2) = Tiny(11);
        using var other = Trainer(pair2, d2, Images(10));
        Assert.NotEqual(a.Losses[0], other.TrainStep().D);
    }

    [Fact]
    public void Unrolling_is_refused_for_a_bidirectional_GAN()
    {
        var (pair, d) = Tiny(12);
        var e = Assert.Throws<ArgumentException>(() => new AdversarialTrainer(GanModel.Bidirectional(pair, d), new NonSaturatingGanLoss(), Images(1),
            new AdversarialConfig(Latent, Batch) { Unrolling = new UnrolledDiscriminator(2, 0.1) }, p => optim.Adam(p, 1e-3), p => optim.Adam(p, 1e-3), device: CPU));
        Assert.Contains("Unrolling", e.Message);
    }

    [Fact]
    public void The_linear_probe_separates_a_linearly_separable_set_and_stays_at_chance_on_random_labels()
    {
        var g = new Generator(13);
        using var w = randn([6, 4], generator: g);
        using var xTrain = randn([400, 6], generator: g);
        using var xTest = randn([1000, 6], generator: g);
        using var yTrain = xTrain.matmul(w).argmax(1);             // labels a linear map decides: separable
        using var yTest = xTest.matmul(w).argmax(1);
        using var probe = LinearProbe.Fit(xTrain, yTrain, classes: 4, steps: 500);
        Assert.True(probe.Accuracy(xTest, yTest) > 0.95, $"separable set: test accuracy {probe.Accuracy(xTest, yTest):P1}");

        using var noise = randn([300, 20], generator: g);
        using var randomLabels = randint(0, 10, [300], generator: g);
        using var heldOut = randn([2000, 20], generator: g);
        using var heldOutLabels = randint(0, 10, [2000], generator: g);
        using var memorised = LinearProbe.Fit(noise, randomLabels);
        var chance = memorised.Accuracy(heldOut, heldOutLabels);
        Assert.True(chance is > 0.05 and < 0.15, $"random labels: held-out accuracy {chance:P1}, chance 10%");
        Assert.True(memorised.TrainAccuracy > 0.2, $"it does fit its training set ({memorised.TrainAccuracy:P1}), which tells nothing");

        var e = Assert.Throws<ArgumentException>(() => LinearProbe.Fit(xTrain, yTrain, classes: 3));
        Assert.Contains("0..2", e.Message);
    }
}
