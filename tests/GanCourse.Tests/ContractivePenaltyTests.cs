using GanCourse.Data;
using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>The contractive autoencoder's Jacobian penalty against answers known in closed form.</summary>
public class ContractivePenaltyTests
{
    [Fact]
    public void For_a_linear_encoder_the_penalty_is_the_squared_norm_of_its_matrix_and_its_gradient_is_2W()
    {
        using var scope = NewDisposeScope();
        var w = (randn(5, 12, generator: new Generator(1)) * 0.3).requires_grad_(true);
        var x = randn(16, 12, generator: new Generator(2));
        var exact = ContractivePenalty.Exact(v => v.matmul(w.t()), x);
        var expected = w.detach().square().sum().item<float>();
        Assert.Equal(expected, exact.item<float>(), 4);
        exact.backward();
        Assert.True(w.grad!.allclose(2 * w.detach(), rtol: 1e-4, atol: 1e-5), "the penalty's gradient reaches the encoder's weights (double backward)");

        // Hutchinson: unbiased, so many probes land close to the exact value
        var estimate = ContractivePenalty.Estimate(v => v.matmul(w.t()), x, probes: 400, generator: new Generator(3), createGraph: false).item<float>();
        Assert.InRange(estimate, 0.93 * expected, 1.07 * expected);
    }

    [Fact]
    public void For_a_sigmoid_layer_it_matches_the_papers_closed_form()
    {
        using var scope = NewDisposeScope();
        var lin = nn.Linear(10, 6);
        var x = randn(8, 10, generator: new Generator(4));
        var exact = ContractivePenalty.Exact(v => sigmoid(lin.forward(v)), x, createGraph: false).item<float>();
        // Rifai et al. 2011, eq. 3: Σ_j (h_j (1 − h_j))² Σ_i W_ji², averaged over the batch
        using var _ = no_grad();
        var h = sigmoid(lin.forward(x));
        var rowNorms = lin.weight!.square().sum(1);
        var closed = (h * (1 - h)).square().mul(rowNorms).sum(1).mean().item<float>();
        Assert.Equal(closed, exact, 4);
    }

    [Fact]
    public void Training_with_the_penalty_makes_the_encoder_contract()
    {
        var data = ImageDataset.Mnist("train", subset: 256, range: PixelRange.Unit);
        var probe = data.Images[..64];
        double JacobianAfter(double lambda)
        {
            Course.Seed(5);
            var model = new BottleneckAutoencoder(codeDim: 8, hidden: 32);
            var config = new AutoencoderTrainingConfig(Epochs: 1, BatchSize: 32, Lr: 1e-3, MaxSteps: 40, Seed: 1);
            var history = AutoencoderTraining.Train(model, data, config,
                regularizer: lambda == 0 ? null : x => lambda * ContractivePenalty.Estimate(model.Encode, x));
            if (lambda > 0) Assert.True(history.Mean("penalty", -10) > 0, "the penalty is logged");
            return ContractivePenalty.Exact(model.Encode, probe, createGraph: false).item<float>();
        }
        var plain = JacobianAfter(0);
        var contractive = JacobianAfter(1.0);
        Assert.True(contractive < 0.5 * plain, $"‖J‖²_F: {contractive:F3} with the penalty vs {plain:F3} without");
    }

    [Fact]
    public void An_encoder_that_mixes_the_batch_or_drops_it_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => ContractivePenalty.Exact(v => v.sum(), randn(4, 3)));
        Assert.Contains("one code per sample", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ContractivePenalty.Estimate(v => v, randn(4, 3), probes: 0));
    }
}
