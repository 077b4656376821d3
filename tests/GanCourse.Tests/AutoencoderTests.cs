using GanCourse.Data;
using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Tests;

public class AutoencoderTests
{
    static ImageDataset Mnist(int n) => ImageDataset.Mnist("train", subset: n, range: PixelRange.Unit);

    [Fact]
    public void Seed_conv_autoencoder_has_the_lectures_layers_names_and_shapes()
    {
        using var ae = new LectureConvAutoencoder();
        var shapes = ae.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal(new[] { "conv1.bias", "conv1.weight", "conv2.bias", "conv2.weight", "t_conv1.bias", "t_conv1.weight", "t_conv2.bias", "t_conv2.weight" },
            shapes.Keys.Order().ToArray());
        Assert.Equal(new long[] { 16, 1, 3, 3 }, shapes["conv1.weight"]);
        Assert.Equal(new long[] { 4, 16, 3, 3 }, shapes["conv2.weight"]);
        Assert.Equal(new long[] { 4, 16, 2, 2 }, shapes["t_conv1.weight"]); // ConvTranspose2d weights are (in, out, k, k) as in PyTorch
        Assert.Equal(new long[] { 16, 1, 2, 2 }, shapes["t_conv2.weight"]);
        Assert.Equal(160 + 580 + 272 + 65, ae.parameters().Sum(p => p.numel()));

        using var x = rand(3, 1, 28, 28);
        using var code = ae.Encode(x);
        Assert.Equal(new long[] { 3, 4, 7, 7 }, code.shape);
        using var y = ae.forward(x);
        Assert.Equal(x.shape, y.shape);
        Assert.True(y.min().item<float>() >= 0 && y.max().item<float>() <= 1);
    }

    [Fact]
    public void Bottleneck_and_vae_shapes_and_names()
    {
        using var ae = new BottleneckAutoencoder(codeDim: 8);
        using var x = rand(5, 1, 28, 28);
        using var code = ae.Encode(x);
        Assert.Equal(new long[] { 5, 8 }, code.shape);
        using var y = ae.forward(x);
        Assert.Equal(x.shape, y.shape);
        Assert.Contains("encoder.3.weight", ae.named_parameters().Select(p => p.name));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BottleneckAutoencoder(0));

        using var vae = new Vae();
        Assert.Equal(new[] { "fc1.bias", "fc1.weight", "fc21.bias", "fc21.weight", "fc22.bias", "fc22.weight", "fc3.bias", "fc3.weight", "fc4.bias", "fc4.weight" },
            vae.named_parameters().Select(p => p.name).Order().ToArray());
        var (logits, mu, logVar) = vae.forward(x);
        Assert.Equal(x.shape, logits.shape);
        Assert.Equal(new long[] { 5, 2 }, mu.shape);
        Assert.Equal(new long[] { 5, 2 }, logVar.shape);
    }

    [Fact]
    public void Kl_term_matches_the_hand_computed_value()
    {
        // row 1: KL(N(1, 1) || N(0, 1)) + KL(N(0, 4) || N(0, 1)) = 1/2 + (4 - 1 - ln 4)/2 = 2 - ln 2
        // row 2: mu = 0, log sigma^2 = 0 -> 0.  The batch mean is (2 - ln 2) / 2.
        using var mu = tensor(new float[] { 1, 0, 0, 0 }).view(2, 2);
        using var logVar = tensor(new float[] { 0, (float)Math.Log(4), 0, 0 }).view(2, 2);
        using var kl = VaeLoss.Kl(mu, logVar);
        Assert.Equal((2 - Math.Log(2)) / 2, kl.item<float>(), 5);

        // Reconstruction: logits 0 are p = 0.5 everywhere: ln 2 nats per pixel, summed over 784 pixels, whatever x is.
        using var logits = zeros(4, 1, 28, 28);
        using var target = rand(4, 1, 28, 28).round();
        using var rec = VaeLoss.Reconstruction(logits, target);
        Assert.Equal(784 * Math.Log(2), rec.item<float>(), 2);

        using var both = VaeLoss.Total(rec, kl, VaeObjective.Both);
        Assert.Equal(rec.item<float>() + kl.item<float>(), both.item<float>(), 3);
        using var onlyKl = VaeLoss.Total(rec, kl, VaeObjective.KlOnly);
        Assert.Equal(kl.item<float>(), onlyKl.item<float>());
    }

    [Fact]
    public void Reparameterisation_has_the_encoders_mean_and_spread_and_passes_gradients()
    {
        const int n = 200_000;
        var mu = tensor(new float[] { 2, -1 }).expand(n, 2).requires_grad_(true);
        using var logVar = tensor(new float[] { (float)Math.Log(0.25), (float)Math.Log(4) }).expand(n, 2);
        using var z = Vae.Reparameterize(mu, logVar, new Generator(3));
        var mean = z.mean([0]).data<float>().ToArray();
        var std = z.std(0).data<float>().ToArray();
        Assert.InRange(mean[0], 1.99, 2.01);
        Assert.InRange(mean[1], -1.02, -0.98);
        Assert.InRange(std[0], 0.49, 0.51);
        Assert.InRange(std[1], 1.98, 2.02);
        z.sum().backward();
        Assert.True(mu.grad!.eq(1).all().item<bool>()); // dz/dmu = 1
    }

    [Fact]
    public void Masking_noise_zeroes_the_requested_fraction_and_gaussian_noise_stays_in_range()
    {
        using var ones_ = ones(100, 1, 28, 28);
        foreach (var nu in new[] { 0.0, 0.25, 0.5, 1.0 })
        {
            using var masked = Corruption.Masking(nu).Apply(ones_, new Generator(1));
            var zeroFraction = masked.eq(0).to(float32).mean().item<float>();
            Assert.InRange(zeroFraction, nu - 0.01, nu + 0.01);
            Assert.True(masked.eq(0).logical_or(masked.eq(1)).all().item<bool>());
        }
        using var grey = full(100, 1, 28, 28, 0.5f);
        using var noisy = Corruption.Gaussian(0.1).Apply(grey, new Generator(1));
        Assert.InRange((noisy - grey).std().item<float>(), 0.098, 0.102);
        using var loud = Corruption.Gaussian(2).Apply(grey, new Generator(1));
        Assert.True(loud.min().item<float>() >= 0 && loud.max().item<float>() <= 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => Corruption.Masking(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Corruption.Gaussian(-1));
    }

    [Fact]
    public void Short_training_lowers_the_reconstruction_error_of_the_seed_autoencoder()
    {
        using var data = Mnist(1000);
        Course.Seed(11);
        using var ae = new LectureConvAutoencoder();
        var before = AutoencoderTraining.Evaluate(ae, data);
        var history = AutoencoderTraining.Train(ae, data, new AutoencoderTrainingConfig(Epochs: 3, BatchSize: 20));
        var after = AutoencoderTraining.Evaluate(ae, data);
        Assert.Equal(150, history.Steps);
        Assert.True(history.Mean("loss", -10) < 0.5 * history.Mean("loss", 10), $"loss {history.Mean("loss", 10)} -> {history.Mean("loss", -10)}");
        Assert.True(after.Mse < 0.5 * before.Mse, $"test MSE {before.Mse} -> {after.Mse}");
    }

    [Fact]
    public void Vae_training_lowers_the_negative_elbo_and_kl_only_collapses_to_the_prior()
    {
        using var data = Mnist(1000);
        Course.Seed(5);
        using var vae = new Vae(hidden: 128);
        var before = VaeTraining.Evaluate(vae, data);
        var history = VaeTraining.Train(vae, data, new VaeTrainingConfig(Epochs: 4, BatchSize: 50));
        var after = VaeTraining.Evaluate(vae, data);
        Assert.True(after.Elbo > before.Elbo + 100, $"ELBO {before.Elbo} -> {after.Elbo}");
        Assert.True(history.Mean("reconstruction", -5) < history.Mean("reconstruction", 5));

        Course.Seed(5);
        using var klOnly = new Vae(hidden: 128);
        VaeTraining.Train(klOnly, data, new VaeTrainingConfig(Epochs: 4, BatchSize: 50, Objective: VaeObjective.KlOnly));
        Assert.True(VaeTraining.Evaluate(klOnly, data).Kl < 0.05);
    }

    [Fact]
    public void Training_is_deterministic_for_a_seed()
    {
        using var data = Mnist(300);
        float[] RunAe(int seed)
        {
            Course.Seed(seed);
            using var ae = new LectureConvAutoencoder();
            var h = AutoencoderTraining.Train(ae, data, new AutoencoderTrainingConfig(Epochs: 1, BatchSize: 20, Seed: seed), Corruption.Masking(0.3));
            return [.. h["loss"].Select(v => (float)v), .. TestTrainers.Weights(ae)];
        }
        float[] RunVae(int seed)
        {
            Course.Seed(seed);
            using var vae = new Vae(hidden: 64);
            var h = VaeTraining.Train(vae, data, new VaeTrainingConfig(Epochs: 1, BatchSize: 30, Seed: seed));
            return [.. h["loss"].Select(v => (float)v), .. TestTrainers.Weights(vae)];
        }
        Assert.Equal(RunAe(1), RunAe(1));
        Assert.NotEqual(RunAe(1), RunAe(2));
        Assert.Equal(RunVae(1), RunVae(1));
        Assert.NotEqual(RunVae(1), RunVae(2));
    }

    [Fact]
    public void Gaussian_lattice_spans_the_quantiles_top_row_first()
    {
        using var z = VaeTraining.GaussianLattice(15, 0.05, 0.95);
        Assert.Equal(new long[] { 225, 2 }, z.shape);
        var q95 = 1.6448536;
        Assert.Equal(-q95, z[0, 0].item<float>(), 4);   // top-left: smallest z1,
        Assert.Equal(q95, z[0, 1].item<float>(), 4);    //           largest z2
        Assert.Equal(q95, z[224, 0].item<float>(), 4);
        Assert.Equal(-q95, z[224, 1].item<float>(), 4);
        Assert.Equal(0, z[112, 0].item<float>(), 4);     // centre
    }

    [Fact]
    public void Loss_history_keeps_every_step_and_smooths_by_a_moving_average()
    {
        var h = new LossHistory();
        foreach (var v in new[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f })
            h.Add(new Dictionary<string, float> { ["loss"] = v });
        Assert.Equal(10, h.Steps);
        Assert.Equal(1.5, h.Mean("loss", 2));
        Assert.Equal(9.5, h.Mean("loss", -2));
        var s = h.ToSeries("loss", smooth: 2, label: "smoothed");
        Assert.Equal("smoothed", s.Name);
        Assert.Equal(new[] { 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5 }, s.Y);
        Assert.Equal(9, h.ToSeries("loss", smooth: 50).Y.Count); // capped at a fifth of the run: still a curve
        Assert.Throws<KeyNotFoundException>(() => h["KL"]);
    }

    [Fact]
    public void Training_rejects_images_in_the_tanh_range_with_the_fix_in_the_message()
    {
        using var data = ImageDataset.Mnist("test", subset: 10);
        using var ae = new LectureConvAutoencoder();
        var e = Assert.Throws<ArgumentException>(() => AutoencoderTraining.Train(ae, data));
        Assert.Contains("PixelRange.Unit", e.Message);
    }
}
