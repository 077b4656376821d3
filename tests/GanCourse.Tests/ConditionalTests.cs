using GanCourse.Data;
using GanCourse.Metrics;
using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>Conditional models (cGAN, cDCGAN, AC-GAN, SGAN), the conditional loop and the confusion matrix.</summary>
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

    static ConditionalTrainer Trainer(int seed, bool acgan, ImageDataset data)
    {
        Course.Seed(seed);
        var g = new ConditionalDcganGenerator(latentDim: 8, baseChannels: 4);
        IConditionalDiscriminator d = acgan ? new AcganDiscriminator(baseChannels: 4) : new ConditionalDcganDiscriminator(baseChannels: 4);
        return new ConditionalTrainer(g, d, new NonSaturatingGanLoss(), LabelledBatches.Forever(data, 16, CPU),
            new ConditionalConfig(LatentDim: 8, Classes: 10, BatchSize: 16), p => optim.Adam(p, 2e-4, 0.5), p => optim.Adam(p, 2e-4, 0.5), device: CPU);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_conditional_loop_is_reproducible_and_trains_both_networks(bool acgan)
    {
        using var data = ImageDataset.Mnist("train", subset: 200);
        float[] Run(out float[] weights)
        {
            using var t = Trainer(5, acgan, data);
            var losses = t.Train(6).SelectMany(s => new[] { s.DLoss, s.GLoss }).ToArray();
            weights = t.Generator.parameters().SelectMany(p => p.detach().data<float>().ToArray()).ToArray();
            Assert.Equal(6, t.Step);
            Assert.All(t.History, s => Assert.Equal(acgan, !float.IsNaN(s.AuxLoss)));
            Assert.All(t.History, s => Assert.Equal(16, s.Samples));
            return losses;
        }
        var a = Run(out var wa);
        var b = Run(out var wb);
        Assert.Equal(a, b);
        Assert.Equal(wa, wb);
        Assert.All(a, v => Assert.True(float.IsFinite(v)));

        using var t2 = Trainer(5, acgan, data);
        var before = t2.Discriminator.parameters().Select(p => p.detach().clone()).ToList();
        t2.TrainStep();
        Assert.Contains(t2.Discriminator.parameters().Zip(before), pair => !pair.First.detach().allclose(pair.Second, rtol: 0, atol: 1e-7));
        var samples = t2.Sample(ConditionalSampling.RowLabels(10, 2));
        Assert.Equal(new long[] { 20, 1, 28, 28 }, samples.shape);
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
    public void Semi_supervised_trainer_runs_and_the_supervised_baseline_fits_its_labelled_images()
    {
        using var data = ImageDataset.Mnist("train", subset: 300);
        using var labelled = data.Subset(30);
        Course.Seed(3);
        var cnn = new SemiSupervisedDiscriminator(baseChannels: 8, dropout: 0);
        var losses = SupervisedClassifier.Train(cnn, labelled.Images, labelled.Labels, steps: 150, batchSize: 30, lr: 2e-3, beta1: 0.9, device: CPU);
        Assert.True(losses[^1] < losses[0] / 5, $"the CE should fall: {losses[0]} -> {losses[^1]}");
        Assert.True(SupervisedClassifier.Accuracy(cnn, labelled.Images, labelled.Labels, device: CPU) > 0.95);

        Course.Seed(4);
        using var sgan = new SemiSupervisedTrainer(new ConditionalDcganGenerator(latentDim: 8, classes: 0, baseChannels: 4),
            new SemiSupervisedDiscriminator(baseChannels: 4), labelled.Images, labelled.Labels,
            LabelledBatches.ImagesForever(data, 16, CPU), new SemiSupervisedConfig(LatentDim: 8, BatchSize: 16, LabelledBatch: 8), CPU);
        var steps = new List<SemiSupervisedStep>();
        sgan.OnStep = steps.Add;
        sgan.Train(5);
        Assert.Equal(5, steps.Count);
        sgan.OnStep = null;
        sgan.Train(2);
        Assert.Equal(7, sgan.Step);   // steps run without a callback too
        Assert.All(steps, s => Assert.True(float.IsFinite(s.Supervised) && float.IsFinite(s.Unsupervised) && float.IsFinite(s.G) && s.Unsupervised > 0));
        Assert.Throws<ArgumentException>(() => new SemiSupervisedTrainer(new ConditionalDcganGenerator(classes: 0), new SemiSupervisedDiscriminator(),
            labelled.Images, labelled.Labels + 10, LabelledBatches.ImagesForever(data, 16, CPU)));
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
