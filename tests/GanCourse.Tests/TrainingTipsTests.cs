using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>The ganhacks tips of notebook 03's table as parts of the one training loop: instance noise, experience replay, dropout in G.</summary>
public class TrainingTipsTests
{
    [Fact]
    public void Instance_noise_is_annealed_linearly_to_zero_and_has_the_stated_spread()
    {
        var noise = new InstanceNoise(Sigma: 0.2, AnnealSteps: 100);
        Assert.Equal(0.2, noise.SigmaAt(0), 12);
        Assert.Equal(0.1, noise.SigmaAt(50), 12);
        Assert.Equal(0.0, noise.SigmaAt(100));
        Assert.Equal(0.0, noise.SigmaAt(1_000));
        using var scope = NewDisposeScope();
        Course.Seed(1);
        var x = zeros(20_000, 2);
        Assert.Equal(0.1, noise.Apply(x, 50).std().item<float>(), 2);
        Assert.True(noise.Apply(x, 100).allclose(x, 0, 0), "no noise once annealed");
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdversarialTrainer(new MlpGenerator(), new MlpDiscriminator(), new NonSaturatingGanLoss(),
            () => zeros(4, 2), new AdversarialConfig(10, 4) { InstanceNoise = new InstanceNoise(-1, 10) }, p => optim.Adam(p), p => optim.Adam(p)));
    }

    [Fact]
    public void The_pool_passes_new_fakes_while_it_fills_then_replays_about_half_old_ones()
    {
        using var scope = NewDisposeScope();
        Course.Seed(2);
        using var pool = new ImagePool(capacity: 8);
        var first = arange(8, dtype: float32).reshape(8, 1);
        Assert.True(pool.Query(first).allclose(first, 0, 0), "while the buffer fills, D sees the new fakes");
        Assert.Equal(8, pool.Count);

        int old = 0, total = 0;
        for (int round = 1; round <= 50; round++)
        {
            var fresh = full(8, 1, 100.0f * round);
            var shown = pool.Query(fresh);
            Assert.Equal(new long[] { 8, 1 }, shown.shape);
            old += (int)shown.lt(100.0f * round).sum().item<long>();
            total += 8;
            Assert.Equal(8, pool.Count); // never more than its capacity
        }
        Assert.InRange(old / (double)total, 0.4, 0.6);   // each sample: an old fake with probability 1/2
        Assert.False(pool.Query(first.requires_grad_(true)).requires_grad, "the pool hands D detached copies");
    }

    [Fact]
    public void The_trainer_shows_D_replayed_fakes_and_refuses_replay_for_a_conditional_GAN()
    {
        Course.Seed(3);
        var pool = new ImagePool(16);
        var t = new AdversarialTrainer(new MlpGenerator(4, 16), new MlpDiscriminator(16), new NonSaturatingGanLoss(),
            () => randn(8, 2), new AdversarialConfig(4, 8) { FakeReplay = pool, InstanceNoise = new InstanceNoise(0.1, 10) }, p => optim.Adam(p, 1e-3), p => optim.SGD(p, 1e-2));
        for (int i = 0; i < 3; i++) Assert.True(float.IsFinite(t.TrainStep().Losses["D"]));
        Assert.Equal(16, pool.Count);       // 3 steps x 8 fakes went through the pool
        Assert.IsType<TorchSharp.Modules.SGD>(t.DiscriminatorOptimizer);

        var e = Assert.Throws<ArgumentException>(() => new AdversarialTrainer(new MlpGenerator(4, 16), new MlpDiscriminator(16), new NonSaturatingGanLoss(),
            () => randn(8, 2), new AdversarialConfig(4, 8) { Classes = 10, FakeReplay = new ImagePool(4) }, p => optim.Adam(p), p => optim.Adam(p)));
        Assert.Contains("unconditional", e.Message);
    }

    [Fact]
    public void Dropout_in_G_stays_on_when_sampling_and_leaves_the_plain_generator_unchanged()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(["model.0.weight", "model.0.bias", "model.2.weight", "model.2.bias", "model.4.weight", "model.4.bias"],
            new MlpGenerator(10, 16).named_parameters().Select(p => p.name));
        Course.Seed(4);
        var g = new MlpGenerator(10, 16, dropout: 0.5);
        g.eval();
        var z = randn(64, 10);
        using var _ = no_grad();
        Assert.False(g.forward(z).allclose(g.forward(z)), "a new dropout mask at every call, in eval mode too");
        Assert.Throws<ArgumentOutOfRangeException>(() => new NoiseDropout(1.0));
    }
}

/// <summary>Minibatch discrimination (Salimans et al. 2016): features of a sample's closeness to the rest of its batch.</summary>
public class MinibatchDiscriminationTests
{
    [Fact]
    public void A_batch_of_copies_scores_N_minus_1_per_kernel_and_far_apart_samples_about_0()
    {
        using var scope = NewDisposeScope();
        Course.Seed(5);
        var layer = new MinibatchDiscrimination(inFeatures: 6, kernels: 4, kernelDim: 3);
        var copies = randn(1, 6).expand(10, 6).contiguous();
        var o = layer.forward(copies);
        Assert.Equal(new long[] { 10, 10 }, o.shape);                       // the 6 features, then one value per kernel
        Assert.True(o[.., 6..].allclose(full(10, 4, 9f)), "ten identical samples: each is close to the 9 others in every kernel");
        Assert.True(o[.., ..6].allclose(copies), "the features themselves pass through");
        var spread = layer.forward(arange(10, dtype: float32).unsqueeze(1).expand(10, 6) * 1000);
        Assert.True(spread[.., 6..].abs().max().item<float>() < 1e-3, "samples far apart are not close to any other");
    }

    [Fact]
    public void The_ring_discriminator_with_minibatch_features_keeps_the_plain_names_and_trains()
    {
        Assert.Equal(["model.0.weight", "model.0.bias", "model.2.weight", "model.2.bias", "model.4.weight", "model.4.bias"],
            new MlpDiscriminator(16).named_parameters().Select(p => p.name));
        Course.Seed(6);
        var d = new MlpDiscriminator(16, minibatchKernels: 4);
        Assert.Contains("model.4.T", d.named_parameters().Select(p => p.name));
        var t = new AdversarialTrainer(new MlpGenerator(4, 16), d, new NonSaturatingGanLoss(), () => randn(8, 2),
            new AdversarialConfig(4, 8), p => optim.Adam(p, 1e-3), p => optim.Adam(p, 1e-3));
        for (int i = 0; i < 3; i++) Assert.True(float.IsFinite(t.TrainStep().Losses["G"]));
    }
}

/// <summary>The unrolled GAN's look-ahead (Metz et al. 2017) against plain SGD steps on a copy of D.</summary>
public class UnrolledDiscriminatorTests
{
    [Fact]
    public void The_functional_discriminator_is_the_module_and_unrolling_is_K_sgd_steps_on_D()
    {
        using var scope = NewDisposeScope();
        Course.Seed(7);
        var d = new MlpDiscriminator(16);
        var x = randn(32, 2);
        Assert.True(d.Forward(x, d.parameters().Select(p => (Tensor)p).ToList()).allclose(d.forward(x), 1e-6, 1e-6));

        var (real, fake) = (randn(32, 2), randn(32, 2) + 1);
        var loss = new NonSaturatingGanLoss();
        var theta = new UnrolledDiscriminator(Steps: 3, LearningRate: 0.05).Unroll(d, d.parameters(), loss, () => real, () => fake);

        var copy = new MlpDiscriminator(16);
        copy.load_state_dict(d.state_dict());
        var sgd = optim.SGD(copy.parameters(), 0.05);
        for (int k = 0; k < 3; k++)
        {
            sgd.zero_grad();
            loss.Discriminator(copy.forward(real), copy.forward(fake)).backward();
            sgd.step();
        }
        foreach (var (unrolled, stepped) in theta.Zip(copy.parameters()))
            Assert.True(unrolled.allclose(stepped, 1e-5, 1e-6), "θᴷ equals K SGD steps of D's loss");
        Assert.True(d.parameters().First().allclose(copy.parameters().First()) == false, "D itself is not changed by unrolling");
    }

    [Fact]
    public void The_generator_trains_through_the_look_ahead_and_its_gradient_differs_from_the_plain_GANs()
    {
        Tensor GradAfterOneStep(UnrolledDiscriminator? unroll)
        {
            Course.Seed(8);
            var g = new MlpGenerator(4, 16);
            var t = new AdversarialTrainer(g, new MlpDiscriminator(16), new NonSaturatingGanLoss(), () => randn(16, 2) * 0.1 + 1,
                new AdversarialConfig(4, 16) { Unrolling = unroll }, p => optim.SGD(p, 0), p => optim.SGD(p, 0)); // lr 0: read the gradient
            var step = t.TrainStep();
            Assert.True(float.IsFinite(step.Losses["G"]));
            return g.parameters().First().grad!.clone();
        }
        var plain = GradAfterOneStep(null);
        var unrolled = GradAfterOneStep(new UnrolledDiscriminator(5, 0.5));
        Assert.True(unrolled.abs().sum().item<float>() > 0);
        Assert.False(unrolled.allclose(plain, 1e-4, 1e-6), "looking 5 steps ahead changes G's gradient");
        Assert.Throws<ArgumentException>(() => new AdversarialTrainer(new MlpGenerator(4, 16), new MlpDiscriminator(16), new NonSaturatingGanLoss(), () => randn(16, 2),
            new AdversarialConfig(4, 16) { Classes = 10, Unrolling = new UnrolledDiscriminator(1, 0.1) }, p => optim.Adam(p), p => optim.Adam(p)));
    }
}
