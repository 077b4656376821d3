using GanCourse.Experiments;
using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>Notebook 03b's fixes for mode collapse: feature matching (Salimans et al. 2016) and MGAN (Hoang et al. 2018) in the one training loop.</summary>
public class ModeCollapseTests
{
    /// <summary>A D on 1-D inputs with 2 hidden units and hand-picked weights.</summary>
    static MlpDiscriminator TinyD()
    {
        var d = new MlpDiscriminator(hiddenDim: 2, inputDim: 1);
        var w = new[] { tensor(new float[] { 1, -1 }, [2, 1]), tensor(new float[] { 0, 0.5f }), tensor(new float[] { 1, 1, 0.5f, -1 }, [2, 2]),
            tensor(new float[] { 0, 0.25f }), tensor(new float[] { 1, 1 }, [1, 2]), tensor(new float[] { 0 }) };
        using (no_grad())
            foreach (var (p, v) in d.parameters().Zip(w)) p.copy_(v);
        return d;
    }

    [Fact]
    public void Feature_matching_loss_matches_a_hand_computation_on_a_tiny_D()
    {
        using var scope = NewDisposeScope();
        var d = TinyD();
        // f(x) = relu(W2 relu(W1 x + b1) + b2). Real x = 1: h1 = (1, 0), f = (1, 0.75); x = 2: h1 = (2, 0), f = (2, 1.25) -> mean (1.5, 1).
        // Fake x = 0: h1 = (0, 0.5), f = (0.5, relu(-0.25)) = (0.5, 0); x = -1: h1 = (0, 1.5), f = (1.5, 0) -> mean (1, 0).
        var real = tensor(new float[] { 1, 2 }, [2, 1]);
        var fake = tensor(new float[] { 0, -1 }, [2, 1]);
        Assert.True(d.Features(real).allclose(tensor(new float[] { 1, 0.75f, 2, 1.25f }, [2, 2])));
        Assert.True(d.Features(fake).allclose(tensor(new float[] { 0.5f, 0, 1.5f, 0 }, [2, 2])));
        // ‖(1.5, 1) − (1, 0)‖² = 0.25 + 1
        Assert.Equal(1.25, FeatureMatching.Loss(d.Features(real), d.Features(fake)).item<float>(), 5);
        Assert.Throws<ArgumentException>(() => FeatureMatching.Loss(zeros(4, 3), zeros(4, 2)));
    }

    [Fact]
    public void Feature_matching_gradient_reaches_G_and_leaves_D_s_updates_as_in_the_plain_GAN()
    {
        var real = tensor(new float[] { 1, 0, -1, 0, 0, 1, 0, -1 }, [4, 2]);   // a fixed batch: the real data draws no random numbers
        (AdversarialTrainer T, MlpGenerator G, MlpDiscriminator D) Make(bool fm)
        {
            Course.Seed(11);
            var g = new MlpGenerator(3, 8);
            var d = new MlpDiscriminator(8);
            var cfg = new AdversarialConfig(3, 4) { FeatureMatching = fm ? new FeatureMatching() : null };
            // G's learning rate 0: both runs keep the same G, so only the G loss differs between them
            return (new AdversarialTrainer(g, d, new NonSaturatingGanLoss(), () => real, cfg, p => optim.SGD(p, 0), p => optim.Adam(p, 1e-2)), g, d);
        }
        var (fmT, fmG, fmD) = Make(fm: true);
        var (plainT, _, plainD) = Make(fm: false);
        Course.Seed(12);
        fmT.TrainStep();
        // step 1 by hand: D's update drew z₁ (4 latents), G's step drew z₂; then G's loss is ‖E f(x) − E f(G(z₂))‖² with the updated D
        Course.Seed(12);
        _ = randn(4, 3);
        var z2 = randn(4, 3);
        var expected = FeatureMatching.Loss(fmD.Features(real).detach(), fmD.Features(fmG.forward(z2)));
        Assert.Equal(expected.item<float>(), fmT.History[0].Losses["feature matching"], 5);
        var grads = autograd.grad([expected], fmG.parameters().Cast<Tensor>().ToList());
        foreach (var (p, g) in fmG.parameters().Zip(grads))
            Assert.True(p.grad!.allclose(g, 1e-5, 1e-6), "G's gradient is the gradient of the feature-matching loss");
        Assert.True(grads.Sum(g => g.abs().sum().item<float>()) > 0);

        Course.Seed(12);
        plainT.TrainStep();
        for (var i = 0; i < 2; i++)
        {
            Course.Seed(20 + i); fmT.TrainStep();
            Course.Seed(20 + i); plainT.TrainStep();
        }
        foreach (var (a, b) in fmD.parameters().Zip(plainD.parameters()))
            Assert.True(a.allclose(b, 0, 0), "feature matching's gradient in D's .grad never reaches D's step");
        Assert.Throws<ArgumentException>(() => new AdversarialTrainer(new MlpGenerator(3, 8), new MlpDiscriminator(8), new NonSaturatingGanLoss(),
            () => real, new AdversarialConfig(3, 4) { Classes = 2, FeatureMatching = new FeatureMatching() }, p => optim.SGD(p, 0), p => optim.SGD(p, 0)));
        Assert.Throws<ArgumentException>(() => new AdversarialTrainer(new MlpGenerator(3, 8), new MlpDiscriminator(8), new NonSaturatingGanLoss(),
            () => real, new AdversarialConfig(3, 4) { FeatureMatching = new FeatureMatching(), Unrolling = new UnrolledDiscriminator(1, 0.1) }, p => optim.SGD(p, 0), p => optim.SGD(p, 0)));
    }

    [Fact]
    public void Sample_i_comes_from_generator_i_mod_K()
    {
        using var scope = NewDisposeScope();
        Course.Seed(13);
        var latents = new MixtureLatentSampler(3, 4).Sample(10, CPU);
        Assert.Equal(new long[] { 0, 1, 2, 3, 0, 1, 2, 3, 0, 1 }, latents.Labels!.data<long>().ToArray());
        var g = new MixtureGenerator(4, 3, 8);
        using var _ = no_grad();
        var x = g.forward(latents.Z, latents.Labels);
        Assert.Equal(new long[] { 10, 2 }, x.shape);
        for (var i = 0; i < 10; i++)
            Assert.True(x[i].allclose(g.Forward(i % 4, latents.Z[i..(i + 1)])[0], 1e-5, 1e-6), $"row {i} is G_{i % 4}(z_{i})");
        Assert.False(g.Forward(0, latents.Z).allclose(g.Forward(1, latents.Z)), "the generators have their own weights");
        Assert.Throws<ArgumentException>(() => GanModel.Mixture(new MixtureGenerator(3), new MganDiscriminator(4, 8)));
    }

    [Fact]
    public void MGAN_classifier_loss_is_log_K_for_uniform_logits_and_its_accuracy_is_recorded()
    {
        Course.Seed(14);
        var d = new MganDiscriminator(generators: 4, hiddenDim: 8);
        using (no_grad()) { d.Classifier.weight!.zero_(); d.Classifier.bias!.zero_(); }   // C(x) = softmax(0) = 1/4 for every x
        var t = new AdversarialTrainer(GanModel.Mixture(new MixtureGenerator(4, 3, 8), d), new NonSaturatingGanLoss(),
            () => new RealBatch(randn(8, 2)), new AdversarialConfig(3, 8) { Sampler = new MixtureLatentSampler(3, 4), AuxWeight = 0.5 },
            p => optim.Adam(p, 1e-3), p => optim.Adam(p, 1e-3));
        var step = t.TrainStep();
        Assert.Equal(Math.Log(4), step.Losses["C CE"], 5);
        Assert.InRange(step.Stats!["C accuracy"], 0, 1);
        Assert.True(d.Classifier.weight!.abs().sum().item<float>() > 0, "D's step trains the classifier head");
    }

    [Fact]
    public void An_MGAN_ring_run_is_the_same_twice_with_one_seed()
    {
        Course.Seed(15);
        var ring = new RingExperiment(new RingSetup(Steps: 6, Batch: 16, Hidden: 8, Latent: 3, Snapshots: 2), randn(64, 3));
        RingRun Run() => ring.Run("MGAN", () => GanModel.Mixture(new MixtureGenerator(4, 3, 8), new MganDiscriminator(4, 8)),
            new NonSaturatingGanLoss(), seed: 3, p => optim.Adam(p, 1e-3), configure: c => c with { Sampler = new MixtureLatentSampler(3, 4) });
        var a = Run();
        var b = Run();
        Assert.Equal(3, a.Snapshots.Count);
        Assert.True(a.Final.Samples.allclose(b.Final.Samples, 0, 0));
        Assert.False(a.Final.Samples.allclose(a.Snapshots[0].Samples), "training moved the generators");
    }

    [Fact]
    public void Minibatch_features_match_the_paper_s_sum_computed_by_hand()
    {
        using var scope = NewDisposeScope();
        Course.Seed(16);
        var layer = new MinibatchDiscrimination(inFeatures: 3, kernels: 2, kernelDim: 2);
        var f = randn(4, 3) * 2;
        var o = layer.forward(f)[.., 3..].data<float>().ToArray();
        // Salimans et al. 2016, sec. 3.2: M_i = f(x_i) T (B x C), o(x_i)_b = Σ_{j≠i} exp(−‖M_{i,b} − M_{j,b}‖₁), by hand in doubles
        var fv = f.data<float>().ToArray();
        var t = layer.parameters().First().data<float>().ToArray();      // (A, B·C), row-major
        double M(int i, int b, int c) => Enumerable.Range(0, 3).Sum(a => (double)fv[i * 3 + a] * t[a * 4 + b * 2 + c]);
        for (var i = 0; i < 4; i++)
            for (var b = 0; b < 2; b++)
            {
                var expected = Enumerable.Range(0, 4).Where(j => j != i)
                    .Sum(j => Math.Exp(-Enumerable.Range(0, 2).Sum(c => Math.Abs(M(i, b, c) - M(j, b, c)))));
                Assert.Equal(expected, o[i * 2 + b], 4);
            }
    }
}
