using GanCourse.Training;
using TorchSharp;
using static GanCourse.Tests.TestTrainers;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>The GAN and naive-generator losses against values computed by hand.</summary>
public class LossTests
{
    static double Softplus(double v) => Math.Log(1 + Math.Exp(v));
    static Tensor Logits(params float[] v) => tensor(v).reshape(v.Length, 1);

    [Fact]
    public void Discriminator_loss_is_bce_on_real_plus_bce_on_fake()
    {
        var loss = new MinimaxGanLoss();
        // l = 0 means D = 1/2 everywhere: -log 1/2 - log 1/2 = 2 log 2
        Assert.Equal(2 * Math.Log(2), Value(loss.Discriminator(Logits(0, 0), Logits(0, 0))), 5);
        // real logits 2, fake logits -1: softplus(-2) + softplus(-1)
        var expected = Softplus(-2) + Softplus(-1); // 0.126928 + 0.313262 = 0.440190
        Assert.Equal(0.440190, expected, 5);
        Assert.Equal(expected, Value(loss.Discriminator(Logits(2, 2), Logits(-1, -1))), 5);
        // the same through probabilities: -log σ(2) - log(1 - σ(-1))
        double S(double v) => 1 / (1 + Math.Exp(-v));
        Assert.Equal(-Math.Log(S(2)) - Math.Log(1 - S(-1)), Value(loss.Discriminator(Logits(2), Logits(-1))), 5);
    }

    [Fact]
    public void Saturating_and_non_saturating_generator_losses_match_their_formulas()
    {
        var sat = new MinimaxGanLoss();
        var ns = new NonSaturatingGanLoss();
        // D(G(z)) = 1/2: log(1 - 1/2) = -log 2 and -log(1/2) = log 2
        Assert.Equal(-Math.Log(2), Value(sat.Generator(Logits(0))), 5);
        Assert.Equal(Math.Log(2), Value(ns.Generator(Logits(0))), 5);
        // D(G(z)) = σ(-3) = 0.0474: log(1 - 0.0474) = -0.048587, -log 0.0474 = 3.048587
        Assert.Equal(-0.048587, Value(sat.Generator(Logits(-3))), 5);
        Assert.Equal(3.048587, Value(ns.Generator(Logits(-3))), 5);
        // mean over the batch
        Assert.Equal((Softplus(3) + Softplus(-1)) / 2, Value(ns.Generator(Logits(-3, 1))), 5);
    }

    [Fact]
    public void Non_saturating_gradient_does_not_vanish_where_the_saturating_one_does()
    {
        // d/dl of log(1 - σ(l)) = -σ(l) -> 0 as D(G(z)) -> 0; d/dl of -log σ(l) = σ(l) - 1 -> -1
        var l = Logits(-8).requires_grad_(true);
        new MinimaxGanLoss().Generator(l).backward();
        var gSat = l.grad!.item<float>();
        var l2 = Logits(-8).requires_grad_(true);
        new NonSaturatingGanLoss().Generator(l2).backward();
        var gNs = l2.grad!.item<float>();
        var sigma = 1 / (1 + Math.Exp(8));
        Assert.Equal(-sigma, gSat, 6);
        Assert.Equal(sigma - 1, gNs, 5);
    }

    [Fact]
    public void One_sided_label_smoothing_targets_the_real_label()
    {
        var loss = new NonSaturatingGanLoss(realLabel: 0.9);
        // 0.9·softplus(-2) + 0.1·softplus(2) + softplus(-1)... fake target stays 0: softplus(l_fake) with l_fake = -1
        var expected = 0.9 * Softplus(-2) + 0.1 * Softplus(2) + Softplus(-1);
        Assert.Equal(expected, Value(loss.Discriminator(Logits(2), Logits(-1))), 5);
        // the generator's target is not smoothed
        Assert.Equal(Softplus(1), Value(loss.Generator(Logits(-1))), 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MinimaxGanLoss(realLabel: double.NaN));
    }

    [Fact]
    public void Naive_generator_losses_match_hand_computed_values()
    {
        // |x² - y|: (0.5, 0.25) -> 0, (1, 0) -> 1, (-0.5, 1) -> 0.75; mean 0.583333
        var pts = tensor(new float[] { 0.5f, 0.25f, 1f, 0f, -0.5f, 1f }, [3, 2]);
        Assert.Equal(1.75 / 3, Value(AnalyticParabolaLoss.Compute(pts)), 5);
        // nearest target: (0,0) and (1,1); points (0,1) -> 1, (2,1) -> 1, (0.3,0.4) -> 0.5; mean 0.833333
        var targets = tensor(new float[] { 0, 0, 1, 1 }, [2, 2]);
        var gen = tensor(new float[] { 0, 1, 2, 1, 0.3f, 0.4f }, [3, 2]);
        Assert.Equal(2.5 / 3, Value(new NearestNeighbourLoss(targets).Compute(gen)), 5);
        Assert.Throws<ArgumentException>(() => AnalyticParabolaLoss.Compute(zeros(3, 3)));
    }
}
