using GanCourse.Data;
using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Tests;

/// <summary>WGAN-GP's gradient penalty against finite differences, WGAN's weight clipping, the LSGAN and WGAN losses.</summary>
public class WassersteinTests
{
    // A smooth float64 critic on flattened inputs: finite differences in double precision are accurate to ~1e-9.
    static Module<Tensor, Tensor> Critic(int inputs, long seed)
    {
        torch.manual_seed(seed);
        var m = Sequential(Flatten(), Linear(inputs, 16), Tanh(), Linear(16, 16), Tanh(), Linear(16, 1));
        m.to(float64);
        return m;
    }

    /// <summary>‖∇_x f(x)‖₂ per sample by central differences, each input coordinate moved by ±h.</summary>
    static double[] FiniteDifferenceNorms(Module<Tensor, Tensor> critic, Tensor x, double h = 1e-6)
    {
        using var _ = NewDisposeScope();
        using var noGrad = no_grad();
        var n = (int)x.shape[0];
        var flat = x.reshape(n, -1);
        var d = (int)flat.shape[1];
        var sq = new double[n];
        for (var j = 0; j < d; j++)
        {
            var step = zeros_like(flat);
            step[.., j] = h;
            var up = critic.forward((flat + step).reshape(x.shape)).reshape(-1);
            var down = critic.forward((flat - step).reshape(x.shape)).reshape(-1);
            var partial = ((up - down) / (2 * h)).data<double>().ToArray();
            for (var i = 0; i < n; i++) sq[i] += partial[i] * partial[i];
        }
        return sq.Select(Math.Sqrt).ToArray();
    }

    [Fact]
    public void Input_gradient_norms_match_a_finite_difference_estimate()
    {
        var critic = Critic(3, seed: 1);
        torch.manual_seed(2);
        var x = randn(6, 3, dtype: float64) * 2;
        var autograd = GradientPenalty.InputGradientNorms(critic, x).data<double>().ToArray();
        var fd = FiniteDifferenceNorms(critic, x);
        Assert.All(autograd, v => Assert.True(v > 1e-3, $"degenerate test critic: gradient norm {v}"));
        for (var i = 0; i < fd.Length; i++) Assert.Equal(fd[i], autograd[i], 7);
    }

    [Fact]
    public void Penalty_on_interpolates_matches_lambda_times_finite_difference_norms()
    {
        // images (N, 1, 3, 3): one ε per sample, broadcast over the pixels
        var critic = Critic(9, seed: 3);
        torch.manual_seed(4);
        var real = randn(5, 1, 3, 3, dtype: float64);
        var fake = randn(5, 1, 3, 3, dtype: float64) + 1;
        const double lambda = 10;

        var penalty = GradientPenalty.Compute(critic, real, fake, lambda, generator: new torch.Generator(11)).item<double>();
        var xHat = GradientPenalty.Interpolate(real, fake, new torch.Generator(11));
        var fd = FiniteDifferenceNorms(critic, xHat);
        var expected = lambda * fd.Average(g => (g - 1) * (g - 1));
        Assert.Equal(expected, penalty, 7);
        Assert.True(expected > 1e-3, "the test critic's norms are all 1: the check would not catch a missing penalty");

        // every x̂ lies on the segment between its real and fake sample, with one ε in [0, 1] for all its pixels
        for (var i = 0; i < 5; i++)
        {
            var eps = ((xHat[i] - fake[i]) / (real[i] - fake[i])).reshape(-1).data<double>().ToArray();
            Assert.InRange(eps[0], 0, 1);
            Assert.All(eps, e => Assert.Equal(eps[0], e, 9));
        }
    }

    [Fact]
    public void Penalty_back_propagates_into_the_critic_weights_like_a_finite_difference()
    {
        // create_graph: the gradient of the penalty w.r.t. a weight must equal (P(w + h) − P(w − h)) / 2h
        var critic = Critic(3, seed: 5);
        torch.manual_seed(6);
        var real = randn(8, 3, dtype: float64);
        var fake = randn(8, 3, dtype: float64) * 3;
        var xHat = GradientPenalty.Interpolate(real, fake, new torch.Generator(7));
        double P() => GradientPenalty.InputGradientNorms(critic, xHat, createGraph: true).sub(1).square().mean().item<double>() * 10;

        critic.zero_grad();
        (10 * GradientPenalty.InputGradientNorms(critic, xHat, createGraph: true).sub(1).square().mean()).backward();
        var weight = critic.parameters().First();         // first Linear's weight (16, 3)
        var analytic = weight.grad!.data<double>().ToArray();
        Assert.Contains(analytic, g => Math.Abs(g) > 1e-4);
        const double h = 1e-6;
        foreach (var index in new[] { 0, 7, 20, 41 })
        {
            var (r, c) = (index / 3, index % 3);
            double Shifted(double delta)
            {
                using (no_grad()) weight[r, c] = weight[r, c] + delta;
                var v = P();
                using (no_grad()) weight[r, c] = weight[r, c] - delta;
                return v;
            }
            var numeric = (Shifted(h) - Shifted(-h)) / (2 * h);
            Assert.Equal(numeric, analytic[index], 6);
        }
    }

    [Fact]
    public void Wgan_gp_loss_adds_the_penalty_in_the_shared_loop()
    {
        Course.Seed(3);
        var loss = new WganGpLoss(lambda: 10);
        using var t = new AdversarialTrainer(new MlpGenerator(4, 16), new MlpDiscriminator(16), loss,
            TestTrainers.Ring(32),
            new AdversarialConfig(4, 32) { CriticSteps = 5 },
            p => optim.Adam(p, 1e-4, beta1: 0, beta2: 0.9), p => optim.Adam(p, 1e-4, beta1: 0, beta2: 0.9), device: CPU);
        var s = t.TrainStep();
        Assert.Equal(5, t.CriticUpdates);
        var gp = loss.GradientPenalty;
        Assert.True(double.IsFinite(gp.LastGradientNorm) && gp.LastGradientNorm > 0);
        Assert.True(gp.LastPenalty > 0);
        // the logged D loss is E f(G(z)) − E f(x); the penalty is logged beside it as "GP"
        Assert.Equal(s.FakeScore - s.RealScore, s.D, 4);
        Assert.Equal(gp.LastPenalty, s.Losses["GP"], 4);
    }

    [Fact]
    public void Weight_clipping_keeps_every_critic_weight_in_minus_c_to_c()
    {
        Course.Seed(4);
        const double c = 0.01;
        // a large critic step: weights want to leave [-c, c]
        AdversarialTrainer Wgan(MlpDiscriminator critic, double? clip) => new(new MlpGenerator(4, 32), critic, new WganLoss(clip: clip),
            TestTrainers.Ring(64), new AdversarialConfig(4, 64) { CriticSteps = 5 },
            p => optim.RMSProp(p, 5e-5), p => optim.RMSProp(p, 1e-2), device: CPU);
        var critic = new MlpDiscriminator(32);
        using var t = Wgan(critic, c);
        t.Train(20);
        var w = TestTrainers.Weights(critic);
        Assert.All(w, v => Assert.InRange(v, -c, c));
        Assert.True(w.Count(v => Math.Abs(v) >= c * 0.9999) > w.Length / 10, "clipping was never active: the test would pass without it");
        // and without clipping the same run leaves the box
        Course.Seed(4);
        var free = new MlpDiscriminator(32);
        using var t2 = Wgan(free, null);
        t2.Train(20);
        Assert.Contains(TestTrainers.Weights(free), v => Math.Abs(v) > c);
    }

    [Fact]
    public void Wgan_and_lsgan_losses_match_their_formulas()
    {
        var real = tensor(new float[] { 1, 3 }).reshape(2, 1);
        var fake = tensor(new float[] { -1, 0 }).reshape(2, 1);
        var wgan = new WganLoss();
        Assert.Equal(-0.5 - 2, TestTrainers.Value(wgan.Discriminator(real, fake)), 5);          // E f(fake) − E f(real)
        Assert.Equal(0.5, TestTrainers.Value(wgan.Generator(fake)), 5);                         // −E f(fake)
        var ls = new LsganLoss(a: -1, b: 1, c: 0);
        // ½·((1−1)² + (3−1)²)/2 + ½·((−1+1)² + (0+1)²)/2 = 1 + 0.25
        Assert.Equal(1.25, TestTrainers.Value(ls.Discriminator(real, fake)), 5);
        Assert.Equal(0.5 * (1 + 0) / 2, TestTrainers.Value(ls.Generator(fake)), 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightClipping(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientPenalty(lambda: double.NaN));
    }

    [Fact]
    public void Interpolating_batches_of_different_shapes_names_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => GradientPenalty.Interpolate(zeros(4, 2), zeros(3, 2)));
        Assert.Contains("[4, 2]", e.Message);
        Assert.Contains("[3, 2]", e.Message);
    }
}
