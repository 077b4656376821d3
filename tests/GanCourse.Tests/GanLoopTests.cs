using GanCourse.Data;
using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;
using static GanCourse.Tests.TestTrainers;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Tests;

/// <summary>The adversarial training loop: determinism, n_critic, Top-k, non-finite stops and checkpoints.</summary>
public class GanLoopTests
{
    static AdversarialTrainer Parabola(int seed, double lr = 3e-4, AdversarialConfig? config = null, Func<Tensor>? data = null, IGanLoss? loss = null)
    {
        Course.Seed(seed);
        var g = new MlpGenerator(latentSpace: 10, hiddenDim: 50);
        var d = new MlpDiscriminator(hiddenDim: 50);
        return new AdversarialTrainer(g, d, loss ?? new NonSaturatingGanLoss(), data ?? (() => ToyData.Parabola(32)),
            config ?? new AdversarialConfig(LatentDim: 10, BatchSize: 32),
            p => optim.Adam(p, lr), p => optim.Adam(p, lr), device: CPU);
    }

    [Fact]
    public void Same_seed_gives_identical_losses_and_weights()
    {
        var a = AssertReproducible(() =>
        {
            using var t = Parabola(seed: 7, config: new AdversarialConfig(10, 32) { CriticSteps = 2, TopK = new TopK(0.9, 0.5, 5) });
            return Outcome(t, t.Train(40).SelectMany(s => new[] { s.D, s.G }));
        });
        // and a different seed really is a different run
        using var other = Parabola(seed: 8);
        Assert.NotEqual(a.Losses[0], other.TrainStep().D);
    }

    [Fact]
    public void Training_moves_the_weights_and_keeps_losses_finite()
    {
        using var t = Parabola(seed: 1);
        var before = Weights(t.Generator);
        var steps = t.Train(50);
        Assert.Equal(50, steps.Count);
        Assert.Equal(50, t.Step);
        Assert.All(steps, s => Assert.True(float.IsFinite(s.D) && float.IsFinite(s.G)));
        Assert.NotEqual(before, Weights(t.Generator));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Each_step_makes_n_critic_discriminator_updates_on_fresh_real_batches(int nCritic)
    {
        var batches = 0;
        using var t = Parabola(seed: 2, config: new AdversarialConfig(10, 32) { CriticSteps = nCritic },
            data: () => { batches++; return ToyData.Parabola(32); });
        var reports = t.Train(3);
        Assert.Equal(3 * nCritic, batches);
        Assert.Equal(3 * nCritic, t.CriticUpdates);
        Assert.All(reports, r => Assert.Equal(32 * nCritic, r.Samples));
    }

    [Fact]
    public void Top_k_decays_from_the_batch_to_its_minimum()
    {
        var topK = new TopK(Gamma: 0.5, MinFraction: 0.25, DecayEvery: 2);
        Assert.Equal([32, 32, 16, 16, 8, 8, 8], Enumerable.Range(0, 7).Select(t => topK.K(32, t)).ToArray());
        using var t = Parabola(seed: 3, config: new AdversarialConfig(10, 32) { TopK = topK });
        Assert.Equal([32, 32, 16, 16, 8], t.Train(5).Select(s => (int)s.Stat("k")).ToArray());
    }

    [Fact]
    public void A_huge_learning_rate_stops_with_a_clear_non_finite_message()
    {
        using var t = Parabola(seed: 4, lr: 1e30);
        var e = Assert.Throws<NonFiniteException>(() => t.Train(20));
        Assert.Matches("(loss|gradient).*(NaN|Infinity|∞)", e.Message);
        Assert.Contains("learning rate", e.Message);
    }

    [Fact]
    public void A_nan_in_the_real_data_stops_at_the_first_step()
    {
        using var t = Parabola(seed: 5, data: () => full(32, 2, float.NaN));
        var e = Assert.Throws<NonFiniteException>(() => t.TrainStep());
        Assert.Contains("D loss became NaN at step 0", e.Message);
        Assert.Equal(0, t.Step);
    }

    [Fact]
    public void Snapshots_and_step_callbacks_fire_on_schedule()
    {
        var snapshots = new List<long>();
        var reported = 0;
        using var t = Parabola(seed: 6, config: new AdversarialConfig(10, 32) { SnapshotEvery = 4 });
        t.OnSnapshot = tr => snapshots.Add(tr.Step);
        t.OnStep = _ => reported++;
        t.Train(10);
        Assert.Equal([0L, 4L, 8L, 10L], snapshots);   // before the first step, every 4, and after the last
        Assert.Equal(10, reported);
    }

    [Fact]
    public void Checkpoints_are_written_atomically_and_restore_weights_and_step()
    {
        var dir = Directory.CreateTempSubdirectory("gancourse-ckpt-").FullName;
        try
        {
            var path = Path.Combine(dir, "gan.ckpt");
            using var t = Parabola(seed: 9, config: new AdversarialConfig(10, 32) { CheckpointEvery = 5, CheckpointPath = path });
            t.Train(12); // checkpoints at 5, 10 and the end (12)
            Assert.True(File.Exists(path));
            Assert.Equal(["gan.ckpt"], Directory.GetFiles(dir).Select(Path.GetFileName).ToArray()); // no temp files left
            var g = Weights(t.Generator);
            var d = Weights(t.Discriminator);

            using var fresh = Parabola(seed: 10);
            Assert.NotEqual(g, Weights(fresh.Generator));
            fresh.LoadCheckpoint(path);
            Assert.Equal(12, fresh.Step);
            Assert.Equal(g, Weights(fresh.Generator));
            Assert.Equal(d, Weights(fresh.Discriminator));
            // the restored optimizers continue exactly like the original
            Course.Seed(11);
            var a = t.TrainStep();
            Course.Seed(11);
            var b = fresh.TrainStep();
            Assert.Equal(a.D, b.D);
            Assert.Equal(Weights(t.Generator), Weights(fresh.Generator));

            File.WriteAllText(Path.Combine(dir, "bad.ckpt"), "not a checkpoint");
            var e = Assert.Throws<InvalidDataException>(() => fresh.LoadCheckpoint(Path.Combine(dir, "bad.ckpt")));
            Assert.Contains("not an AdversarialTrainer checkpoint", e.Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Bad_settings_are_rejected_with_the_value_and_the_fix()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Parabola(1, config: new AdversarialConfig(10, 32) { CriticSteps = 0 }));
        Assert.Contains("CriticSteps", e.Message);
        var c = Assert.Throws<ArgumentException>(() => Parabola(1, config: new AdversarialConfig(10, 32) { CheckpointEvery = 10 }));
        Assert.Contains("CheckpointPath", c.Message);
    }

    [Fact]
    public void Memory_stays_flat_over_many_steps()
    {
        using var t = Parabola(seed: 12);
        t.Train(20);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        t.Train(200);
        var after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.True(after - before <= 0, $"{after - before} tensors leaked over 200 steps");
    }

    /// <summary>Notebook 03's TrainStep cell, verbatim: the lecture's discriminator step, then its generator step.</summary>
    static void LectureStep(MlpGenerator G, MlpDiscriminator D, optim.Optimizer optG, optim.Optimizer optD, int batchSize, int latentDim)
    {
        using var scope = NewDisposeScope();
        var real = ToyData.Parabola(batchSize);
        Tensor fake;
        using (no_grad()) fake = G.forward(randn(batchSize, latentDim));
        optD.zero_grad();
        var dReal = D.forward(real);
        var dFake = D.forward(fake);
        var lossD = F.binary_cross_entropy_with_logits(dReal, ones_like(dReal))
                  + F.binary_cross_entropy_with_logits(dFake, zeros_like(dFake));
        lossD.backward();
        optD.step();
        optG.zero_grad();
        var lossG = F.softplus(-D.forward(G.forward(randn(batchSize, latentDim)))).mean();
        lossG.backward();
        optG.step();
    }

    [Fact]
    public void The_lecture_step_written_out_and_the_library_loop_give_identical_weights()
    {
        const int steps = 60, batch = 32, latent = 10;
        Course.Seed(123);
        using var gA = new MlpGenerator(latent, 50);
        using var dA = new MlpDiscriminator(50);
        using var optGA = optim.Adam(gA.parameters(), 3e-4);
        using var optDA = optim.Adam(dA.parameters(), 3e-4);
        for (var i = 0; i < steps; i++) LectureStep(gA, dA, optGA, optDA, batch, latent);

        Course.Seed(123);
        using var gB = new MlpGenerator(latent, 50);
        using var dB = new MlpDiscriminator(50);
        using var t = new AdversarialTrainer(gB, dB, new NonSaturatingGanLoss(), () => ToyData.Parabola(batch),
            new AdversarialConfig(latent, batch), p => optim.Adam(p, 3e-4), p => optim.Adam(p, 3e-4), device: CPU);
        t.Train(steps);

        Assert.Equal(Weights(gA), Weights(gB));
        Assert.Equal(Weights(dA), Weights(dB));
        // and the comparison can fail: one more lecture step changes the weights
        LectureStep(gA, dA, optGA, optDA, batch, latent);
        Assert.NotEqual(Weights(gA), Weights(gB));
    }
}

public class CourseThreadsTests
{
    [Fact]
    public void SetThreads_changes_torch_threads_and_the_settings_and_rejects_zero()
    {
        var before = Course.Settings.Threads;
        try
        {
            Assert.Equal(1, Course.SetThreads(1).Threads);
            Assert.Equal(1, torch.get_num_threads());
            Assert.Equal(1, Course.Settings.Threads);
            Assert.Throws<ArgumentOutOfRangeException>(() => Course.SetThreads(0));
        }
        finally { Course.SetThreads(before); }
        Assert.Equal(before, torch.get_num_threads());
    }

}
