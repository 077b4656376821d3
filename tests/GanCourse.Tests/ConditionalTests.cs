using GanCourse.Data;
using GanCourse.Metrics;
using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>Conditional models (cGAN, cDCGAN, AC-GAN, SGAN) on the adversarial core, the sampling helpers and the confusion matrix.</summary>
public class ConditionalTests
{
    static readonly Tensor Labels6 = tensor(new long[] { 0, 1, 2, 7, 8, 9 });

    [Theory]
    [InlineData(28)]
    [InlineData(32)]
    public void Generators_and_discriminators_have_the_documented_shapes(int size)
    {
        Course.Seed(1);
        var z = randn(6, 16);
        var mlpG = new ConditionalMlpGenerator(latentDim: 16, imageSize: size, hidden: 8);
        var dcG = new ConditionalDcganGenerator(latentDim: 16, imageSize: size, baseChannels: 4);
        var unconditional = new ConditionalDcganGenerator(latentDim: 16, classes: 0, imageSize: size, baseChannels: 4);
        Assert.Equal(new long[] { 6, 1, size, size }, mlpG.forward(z, Labels6).shape);
        Assert.Equal(new long[] { 6, 1, size, size }, dcG.forward(z, Labels6).shape);
        Assert.Equal(new long[] { 6, 1, size, size }, unconditional.forward(z, ConditionalDcganGenerator.NoLabels).shape);

        var x = dcG.forward(z, Labels6).detach();
        Assert.True(x.abs().max().item<float>() <= 1f, "tanh output must lie in [-1, 1]");
        Assert.Equal(new long[] { 6, 1 }, new ConditionalMlpDiscriminator(imageSize: size, hidden: 8).forward(x, Labels6).shape);
        Assert.Equal(new long[] { 6, 1 }, new ConditionalDcganDiscriminator(imageSize: size, baseChannels: 4).forward(x, Labels6).shape);
        var (source, classes) = new AcganDiscriminator(imageSize: size, baseChannels: 4).forward(x);
        Assert.Equal(new long[] { 6, 1 }, source.shape);
        Assert.Equal(new long[] { 6, 10 }, classes.shape);
        var sgan = new SemiSupervisedDiscriminator(imageSize: size, baseChannels: 4);
        Assert.Equal(new long[] { 6, 11 }, sgan.forward(x).shape);
        Assert.Equal(10, sgan.FakeClass);
        Assert.Equal(new long[] { 6 }, sgan.Predict(x).shape);
        Assert.True(sgan.Predict(x).max().item<long>() < 10, "Predict chooses among the real classes only");
    }

    [Fact]
    public void The_label_reaches_the_output_through_the_embedding_in_both_networks()
    {
        Course.Seed(2);
        var g = new ConditionalDcganGenerator(latentDim: 16, baseChannels: 4);
        var d = new ConditionalDcganDiscriminator(baseChannels: 4);
        var mlpD = new ConditionalMlpDiscriminator(hidden: 8);
        g.eval(); d.eval(); mlpD.eval();
        var z = randn(1, 16).repeat(2, 1);                 // the same z, two different labels
        var two = tensor(new long[] { 3, 5 });
        using (no_grad())
        {
            var x = g.forward(z, two);
            Assert.True((x[0] - x[1]).abs().max().item<float>() > 1e-4, "G must depend on the label");
            var same = x[0].unsqueeze(0).repeat(2, 1, 1, 1);
            Assert.True((d.forward(same, two)[0] - d.forward(same, two)[1]).abs().item<float>() > 1e-6, "D must depend on the label");
            Assert.True((mlpD.forward(same, two)[0] - mlpD.forward(same, two)[1]).abs().item<float>() > 1e-6, "MLP D must depend on the label");
        }

        // the generator loss trains the label embedding, and only the rows of the labels in the batch
        g.train();
        var emb = g.named_parameters().Single(p => p.name == "label_emb.weight").parameter;
        g.forward(randn(2, 16), two).sum().backward();
        var rowGrad = emb.grad!.abs().sum(1);
        Assert.True(rowGrad[3].item<float>() > 0 && rowGrad[5].item<float>() > 0);
        Assert.Equal(0f, rowGrad[0].item<float>());
    }

    [Fact]
    public void Bad_labels_are_rejected_with_a_clear_message()
    {
        var g = new ConditionalMlpGenerator(latentDim: 4, hidden: 8);
        var e1 = Assert.Throws<ArgumentException>(() => g.forward(randn(3, 4), tensor(new float[] { 1, 2, 3 })));
        Assert.Contains("int64", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => g.forward(randn(3, 4), tensor(new long[] { 1, 2 })));
        Assert.Contains("one label per image", e2.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConditionalDcganGenerator(imageSize: 30));
    }

    static AdversarialTrainer Trainer(int seed, bool acgan, BatchStream stream)
    {
        Course.Seed(seed);
        var g = new ConditionalDcganGenerator(latentDim: 8, baseChannels: 4);
        IConditionalDiscriminator d = acgan ? new AcganDiscriminator(baseChannels: 4) : new ConditionalDcganDiscriminator(baseChannels: 4);
        return TestTrainers.NonSaturating(GanModel.Conditional(g, d), stream.NextLabelled, new AdversarialConfig(LatentDim: 8, BatchSize: 16) { Classes = 10 });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_cgan_and_acgan_configurations_are_reproducible_and_train_both_networks(bool acgan)
    {
        using var data = ImageDataset.Mnist("train", subset: 200);
        var a = TestTrainers.AssertReproducible(() =>
        {
            using var stream = new BatchStream(data, 16, seed: 5);
            using var t = Trainer(5, acgan, stream);
            var run = TestTrainers.Outcome(t, t.Train(4).SelectMany(s => new[] { s.D, s.G }));
            Assert.Equal(4, t.Step);
            Assert.All(t.History, s => Assert.Equal(acgan, s.Losses.ContainsKey("aux CE")));
            Assert.All(t.History, s => Assert.Equal(acgan, !double.IsNaN(s.Stat("aux accuracy"))));
            Assert.All(t.History, s => Assert.Equal(16, s.Samples));
            return run;
        });
        Assert.All(a.Losses, v => Assert.True(float.IsFinite(v)));

        using var s2 = new BatchStream(data, 16, seed: 5);
        using var t2 = Trainer(5, acgan, s2);
        var before = t2.Discriminator.parameters().Select(p => p.detach().clone()).ToList();
        t2.TrainStep();
        Assert.Contains(t2.Discriminator.parameters().Zip(before), pair => !pair.First.detach().allclose(pair.Second, rtol: 0, atol: 1e-7));
        Assert.NotEqual(a.G, TestTrainers.Weights(t2.Generator));   // 4 steps moved G away from where 1 step leaves it
        var samples = t2.Generate(randn(20, 8), ConditionalSampling.RowLabels(10, 2));
        Assert.Equal(new long[] { 20, 1, 28, 28 }, samples.shape);
    }

    [Fact]
    public void The_acgan_aux_CE_the_trainer_logs_is_the_hand_computed_L_C_on_the_same_batch()
    {
        using var data = ImageDataset.Mnist("train", subset: 100);
        using var stream = new BatchStream(data, 16, seed: 8);
        using var t = Trainer(8, acgan: true, stream);
        var g = (ConditionalDcganGenerator)t.Generator;
        var d = (AcganDiscriminator)t.Discriminator;
        // by hand, in the trainer's order: the real batch, requested labels y' then z, G(z, y') (no grad), C(x), C(G(z, y'))
        using var probe = new BatchStream(data, 16, seed: 8);   // the same batches as the trainer's stream
        Course.Seed(80);
        float handLc;
        {
            g.train(); d.train();
            var real = probe.NextLabelled();
            var yFake = randint(0, 10, [16], dtype: int64);
            var z = randn(16, 8);
            Tensor fake;
            using (no_grad()) fake = g.forward(z, yFake);
            using var _ = no_grad();
            var (_, realClasses) = d.forward(real.Images);
            var (_, fakeClasses) = d.forward(fake);
            handLc = (nn.functional.cross_entropy(realClasses, real.Labels!) + nn.functional.cross_entropy(fakeClasses, yFake)).item<float>();
        }
        Course.Seed(80);
        var step = t.TrainStep();
        Assert.Equal(handLc / 2, step.Losses["aux CE"], 5);   // logged: the mean of the two cross-entropies, L_C / 2
        Assert.True(handLc > 1, $"an untrained 10-class classifier has CE near ln 10 per term, got L_C = {handLc}");
    }

    [Fact]
    public void The_sgan_K_plus_1_split_matches_a_hand_computation()
    {
        // two images, K = 2: logits (l1, l2, l_fake)
        var logits = tensor(new float[] { 1, 2, 0.5f, -1, 0, 3 }).reshape(2, 3);
        var s = SemiSupervisedGan.RealLogit(logits).data<float>().ToArray();
        var s0 = Math.Log(Math.Exp(1) + Math.Exp(2)) - 0.5;
        var s1 = Math.Log(Math.Exp(-1) + Math.Exp(0)) - 3;
        Assert.Equal(s0, s[0], 5);
        Assert.Equal(s1, s[1], 5);
        // σ(−s) is p(K+1|x) of the softmax over the K + 1 logits
        var pFake = nn.functional.softmax(logits, 1)[.., 2].data<float>().ToArray();
        Assert.Equal(pFake[0], 1 / (1 + Math.Exp(s0)), 5);
        Assert.Equal(pFake[1], 1 / (1 + Math.Exp(s1)), 5);
        Assert.Throws<ArgumentException>(() => SemiSupervisedGan.RealLogit(zeros(3)));
    }

    static (AdversarialTrainer Trainer, LabelledCrossEntropy Ce, BatchStream Stream) Sgan(int seed, ImageDataset data, ImageDataset labelled)
    {
        Course.Seed(seed);
        var d = new SemiSupervisedDiscriminator(baseChannels: 4, dropout: 0);
        var g = new ConditionalDcganGenerator(latentDim: 8, classes: 0, baseChannels: 4);
        var ce = new LabelledCrossEntropy(d, labelled.Images, labelled.Labels, batchSize: 8);
        var stream = new BatchStream(data, 16, seed: seed);
        var t = TestTrainers.NonSaturating(SemiSupervisedGan.Model(g, d), () => stream.Next(), new AdversarialConfig(LatentDim: 8, BatchSize: 16) { Penalties = [ce] });
        return (t, ce, stream);
    }

    [Fact]
    public void The_sgan_configuration_is_reproducible_and_its_D_loss_is_the_old_K_plus_1_NLL()
    {
        using var data = ImageDataset.Mnist("train", subset: 200);
        using var labelled = data.Subset(20);
        TestTrainers.AssertReproducible(() =>
        {
            var (t, ce, stream) = Sgan(4, data, labelled);
            using (t) using (ce) using (stream)
                return TestTrainers.Outcome(t, t.Train(3).SelectMany(s => new[] { s.D, s.G, s.Losses["labelled CE"] }));
        });

        // one D update by hand, in the old SemiSupervisedTrainer's terms, vs what the trainer logs
        var (t1, ce1, s1) = Sgan(6, data, labelled);
        using var probe = new BatchStream(data, 16, seed: 6);
        using (t1) using (ce1) using (s1)
        {
            var g = (ConditionalDcganGenerator)t1.Generator;
            var d = (SemiSupervisedDiscriminator)t1.Discriminator;
            g.train(); d.train();
            Course.Seed(60);
            double unsupervised, supervised;
            using (no_grad())
            {
                var xu = probe.Next();
                var fake = g.forward(randn(16, 8), ConditionalDcganGenerator.NoLabels);
                var lu = d.forward(xu);
                var lf = d.forward(fake);
                // −log(1 − p(K+1|x_u)) − log p(K+1|G(z)) with the softmax over K + 1 = 11 logits
                var logRealU = lu[.., ..10].logsumexp(1) - lu.logsumexp(1);
                var logFakeG = lf[.., 10] - lf.logsumexp(1);
                unsupervised = (-logRealU.mean() - logFakeG.mean()).item<float>();
                var pick = randperm(20)[..8];
                supervised = nn.functional.cross_entropy(d.forward(labelled.Images.index_select(0, pick)), labelled.Labels.index_select(0, pick)).item<float>();
            }
            Course.Seed(60);
            var step = t1.TrainStep();
            Assert.Equal(unsupervised, step.D, 4);
            Assert.Equal(supervised, step.Losses["labelled CE"], 4);
            Assert.True(supervised > 1.5, $"an untrained D/C has CE near ln 11 on the labelled batch, got {supervised}");
        }
    }

    [Fact]
    public void Sampling_helpers_build_rows_and_straight_lines()
    {
        Assert.Equal(new long[] { 0, 0, 0, 1, 1, 1, 2, 2, 2 }, ConditionalSampling.RowLabels(3, 3).data<long>().ToArray());
        var z0 = zeros(4);
        var z1 = ones(4);
        var line = ConditionalSampling.Interpolate(z0, z1, 5);
        Assert.Equal(new long[] { 5, 4 }, line.shape);
        Assert.Equal(0f, line[0].sum().item<float>());
        Assert.Equal(4f, line[4].sum().item<float>());
        Assert.Equal(0.25f, line[1][0].item<float>(), 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => ConditionalSampling.Interpolate(z0, z1, 1));
    }

    [Fact]
    public void Confusion_matrix_counts_requested_against_predicted()
    {
        var requested = tensor(new long[] { 0, 0, 0, 0, 1, 1, 2, 2 });
        var predicted = tensor(new long[] { 0, 0, 0, 1, 1, 2, 2, 2 });
        var cm = ConfusionMatrix.From(requested, predicted, classes: 3);
        Assert.Equal(new long[] { 3, 1, 0 }, cm.Counts[0]);
        Assert.Equal(new long[] { 0, 1, 1 }, cm.Counts[1]);
        Assert.Equal(6 / 8.0, cm.Accuracy, 10);
        Assert.Equal(new[] { 0.75, 0.5, 1.0 }, cm.PerClassAccuracy);
        Assert.Contains("\"heatmap\"", cm.ToChart("test").Json);
        Assert.Throws<ArgumentException>(() => ConfusionMatrix.From(requested, predicted, classes: 2));
        Assert.Throws<ArgumentException>(() => ConfusionMatrix.From(requested, predicted[..4]));
    }

    [Fact]
    public void The_supervised_baseline_fits_its_labelled_images()
    {
        using var data = ImageDataset.Mnist("train", subset: 300);
        using var labelled = data.Subset(30);
        Course.Seed(3);
        var cnn = new SemiSupervisedDiscriminator(baseChannels: 8, dropout: 0);
        var losses = SupervisedClassifier.Train(cnn, labelled.Images, labelled.Labels, steps: 150, batchSize: 30, lr: 2e-3, beta1: 0.9, device: CPU);
        Assert.True(losses[^1] < losses[0] / 5, $"the CE should fall: {losses[0]} -> {losses[^1]}");
        Assert.True(SupervisedClassifier.Accuracy(cnn, labelled.Images, labelled.Labels, device: CPU) > 0.95);

        var e = Assert.Throws<ArgumentException>(() => new LabelledCrossEntropy(new SemiSupervisedDiscriminator(baseChannels: 4), labelled.Images, labelled.Labels + 10));
        Assert.Contains("Labels must be in 0..9", e.Message);
    }

    [Fact]
    public void Requested_class_accuracy_is_high_for_real_digits_with_their_labels_and_near_chance_with_wrong_ones()
    {
        using var test = ImageDataset.Mnist("test", subset: 500);
        var classifier = FeatureClassifier.Load("mnist", CPU);
        Tensor predicted;
        using (no_grad()) predicted = classifier.Predict(test.Images);
        var right = ConfusionMatrix.From(test.Labels, predicted);
        Assert.True(right.Accuracy > 0.95, $"real digits asked for as their own class: {right}");
        Assert.All(right.PerClassAccuracy, a => Assert.True(a > 0.85, $"every class should be recognised: {right}"));
        // a "generator" that draws the wrong digit: request (label + 1) mod 10 for each real image
        var wrong = ConfusionMatrix.From((test.Labels + 1).remainder(10), predicted);
        Assert.True(wrong.Accuracy < 0.05, $"shifted requests must score near 0: {wrong}");
        Assert.Equal(500, wrong.Total);
    }
}
