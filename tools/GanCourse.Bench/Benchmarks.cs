using GanCourse.Networks;
using GanCourse.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Bench;

/// <summary>One benchmark: a name shared with bench/seed_benchmarks.py, the batch, and how many items one step makes.</summary>
/// <param name="Steps">timed steps per side</param>
/// <param name="Block">steps per block: TorchSharp and PyTorch run alternating blocks, so that a change of the
/// machine's load hits both sides alike</param>
public sealed record BenchSpec(string Name, string Title, int Batch, string Items, int Steps, int Warmup, Func<IBenchCase> Create)
{
    public int Block { get; init; } = 1;
    /// <summary>The benchmark in bench/seed_benchmarks.py that is the same computation.</summary>
    public string Python { get; init; } = Name;
    public bool Default { get; init; } = true;
}

public interface IBenchCase : IDisposable
{
    /// <summary>One timed step; false when a loss was not finite.</summary>
    bool Step();
}

public static class Benchmarks
{
    public static readonly BenchSpec[] All =
    [
        new("dcgan_step", "lecture DCGAN training step as notebook 04 runs it (AdversarialTrainer: D on real and fake, then G on fresh noise, non-saturating loss), 32x32", 64, "img", 12, 2, () => new DcganStep()),
        new("mlp_gan_step", "parabola MLP GAN training step (D on real and fake, then G)", 32, "points", 400, 50, () => new MlpGanStep()) { Block = 20 },
        new("wgan_gp_step", "WGAN-GP iteration (5 critic steps with gradient penalty, 1 G step), 32x32", 64, "img", 4, 1, () => new WganGpStep()),
        // not in the default list: the step as it was before NearestUpsample2x (nn.Upsample), against the same PyTorch code
        new("dcgan_step_nn_upsample", "lecture 004's DCGAN training step (G, then D on real and fake) with nn.Upsample (before NearestUpsample2x)", 64, "img", 12, 2, () => new DcganStepNnUpsample()) { Python = "dcgan_step_lecture", Default = false },
        new("sampling", "seed DCGAN generator forward, eval, no_grad", 256, "img", 12, 2, () => new Sampling()),
    ];

    /// <summary>
    /// The step notebook 04 trains the lecture's DCGAN with (<see cref="LectureDcganTrainer"/>: AdversarialTrainer,
    /// non-saturating loss, Adam(2e-4, (0.5, 0.999))), on the CPU; the python side mirrors it (dcgan_step).
    /// </summary>
    sealed class DcganStep : IBenchCase
    {
        readonly Tensor real = rand(64, 1, 32, 32) * 2 - 1;
        readonly AdversarialTrainer trainer;
        public DcganStep() => trainer = LectureDcganTrainer.Create(() => real, device: CPU, checkGradients: false);
        public bool Step()
        {
            try { trainer.TrainStep(); return true; }
            catch (NonFiniteException) { return false; }
        }
        public void Dispose() { trainer.Dispose(); trainer.Generator.Dispose(); trainer.Discriminator.Dispose(); real.Dispose(); }
    }

    /// <summary>Lecture 004's step, line for line (G first, then D on the same fakes), with the generator written with nn.Upsample as in the lecture.</summary>
    sealed class DcganStepNnUpsample : IBenchCase
    {
        readonly GeneratorWithUpsample generator = new();
        readonly LectureDcganDiscriminator discriminator = new();
        readonly BCELoss criterion = BCELoss();
        readonly optim.Optimizer optG, optD;
        readonly Tensor real = rand(64, 1, 32, 32) * 2 - 1;

        public DcganStepNnUpsample()
        {
            generator.apply(Init.DcganNormal);
            discriminator.apply(Init.DcganNormal);
            optG = optim.Adam(generator.parameters(), 2e-4, 0.5, 0.999);
            optD = optim.Adam(discriminator.parameters(), 2e-4, 0.5, 0.999);
        }

        public bool Step()
        {
            using var _ = NewDisposeScope();
            generator.train();
            discriminator.train();
            var valid = ones(64, 1);
            var fake = zeros(64, 1);
            optG.zero_grad();
            var genImgs = generator.forward(randn(64, 100));
            var gLoss = criterion.forward(discriminator.forward(genImgs), valid);
            gLoss.backward();
            optG.step();
            optD.zero_grad();
            var dLoss = (criterion.forward(discriminator.forward(real), valid) + criterion.forward(discriminator.forward(genImgs.detach()), fake)) / 2;
            dLoss.backward();
            optD.step();
            return float.IsFinite(dLoss.item<float>()) && float.IsFinite(gLoss.item<float>());
        }

        public void Dispose() { optG.Dispose(); optD.Dispose(); criterion.Dispose(); generator.Dispose(); discriminator.Dispose(); real.Dispose(); }
    }

    sealed class GeneratorWithUpsample : Module<Tensor, Tensor>
    {
        readonly Sequential l1, conv_blocks;
        public GeneratorWithUpsample() : base(nameof(GeneratorWithUpsample))
        {
            l1 = Sequential(Linear(100, 128 * 8 * 8));
            conv_blocks = Sequential(
                BatchNorm2d(128), Upsample(scale_factor: [2.0, 2.0]), Conv2d(128, 128, 3, stride: 1, padding: 1),
                BatchNorm2d(128, eps: 0.8), LeakyReLU(0.2, inplace: true), Upsample(scale_factor: [2.0, 2.0]),
                Conv2d(128, 64, 3, stride: 1, padding: 1), BatchNorm2d(64, eps: 0.8), LeakyReLU(0.2, inplace: true),
                Conv2d(64, 1, 3, stride: 1, padding: 1), Tanh());
            RegisterComponents();
        }
        public override Tensor forward(Tensor z)
        {
            using var _ = NewDisposeScope();
            return conv_blocks.forward(l1.forward(z).view(z.shape[0], 128, 8, 8)).MoveToOuterDisposeScope();
        }
    }

    /// <summary>Lecture 004's parabola GAN loop body with the kit's MlpGenerator/MlpDiscriminator (logits, BCE-with-logits).</summary>
    sealed class MlpGanStep : IBenchCase
    {
        const int BatchSize = 32, LatentDim = 10;
        readonly MlpGenerator gen = new(LatentDim, 50);
        readonly MlpDiscriminator disc = new(50);
        readonly BCEWithLogitsLoss criterion = BCEWithLogitsLoss();
        readonly optim.Optimizer optimizerD, optimizerG;

        public MlpGanStep()
        {
            optimizerD = optim.Adam(disc.parameters(), 3e-4);
            optimizerG = optim.Adam(gen.parameters(), 3e-4);
        }

        public bool Step()
        {
            using var _ = NewDisposeScope();
            disc.zero_grad();
            var x = rand(BatchSize) * 2 - 1;
            var realPoints = stack([x, x * x], 1);
            var label = full(BatchSize, 1.0f).view(-1);
            var errDReal = criterion.forward(disc.forward(realPoints).view(-1), label);
            errDReal.backward();
            var noise = randn(BatchSize, LatentDim);
            var fakePoints = gen.forward(noise);
            label.fill_(0.0f);
            var errDFake = criterion.forward(disc.forward(fakePoints.detach()).view(-1), label);
            errDFake.backward();
            var errD = errDReal + errDFake;
            optimizerD.step();
            gen.zero_grad();
            label.fill_(1.0f);
            var errG = criterion.forward(disc.forward(fakePoints).view(-1), label);
            errG.backward();
            optimizerG.step();
            float d = errD.item<float>() / 2, g = errG.item<float>();
            return float.IsFinite(d) && float.IsFinite(g);
        }

        public void Dispose() { optimizerD.Dispose(); optimizerG.Dispose(); criterion.Dispose(); gen.Dispose(); disc.Dispose(); }
    }

    /// <summary>
    /// WGAN-GP (Gulrajani et al. 2017, Algorithm 1), written here and mirrored line for line in bench/seed_benchmarks.py:
    /// L = D(x~) - D(x) + lambda (||grad D(x^)||_2 - 1)^2 with x^ = a x + (1 - a) x~, n_critic 5, lambda 10, Adam(1e-4, (0, 0.9)).
    /// </summary>
    sealed class WganGpStep : IBenchCase
    {
        const int BatchSize = 64, NCritic = 5, LatentDim = 100;
        const double LambdaGp = 10.0;
        readonly LectureDcganGenerator generator = new();
        readonly Critic critic = new();
        readonly optim.Optimizer optimizerG, optimizerD;
        readonly Tensor realImgs = rand(BatchSize, 1, 32, 32) * 2 - 1;

        public WganGpStep()
        {
            generator.apply(Init.DcganNormal);
            critic.apply(Init.DcganNormal);
            optimizerG = optim.Adam(generator.parameters(), 1e-4, 0.0, 0.9);
            optimizerD = optim.Adam(critic.parameters(), 1e-4, 0.0, 0.9);
        }

        public bool Step()
        {
            using var _ = NewDisposeScope();
            Tensor dLoss = null!;
            for (int i = 0; i < NCritic; i++)
            {
                using var inner = NewDisposeScope();
                optimizerD.zero_grad();
                var z = randn(BatchSize, LatentDim);
                var fakeImgs = generator.forward(z).detach();
                var alpha = rand(BatchSize, 1, 1, 1);
                var interpolates = (alpha * realImgs + (1 - alpha) * fakeImgs).requires_grad_(true);
                var dInterpolates = critic.forward(interpolates);
                var gradients = autograd.grad([dInterpolates], [interpolates], [ones_like(dInterpolates)],
                    retain_graph: true, create_graph: true)[0];
                var gradientPenalty = (gradients.view(BatchSize, -1).norm(1) - 1).pow(2).mean();
                dLoss = critic.forward(fakeImgs).mean() - critic.forward(realImgs).mean() + LambdaGp * gradientPenalty;
                dLoss.backward();
                optimizerD.step();
                dLoss = dLoss.detach().MoveToOuterDisposeScope();
            }
            optimizerG.zero_grad();
            var gLoss = -critic.forward(generator.forward(randn(BatchSize, LatentDim))).mean();
            gLoss.backward();
            optimizerG.step();
            return float.IsFinite(dLoss.item<float>()) && float.IsFinite(gLoss.item<float>());
        }

        public void Dispose() { optimizerG.Dispose(); optimizerD.Dispose(); generator.Dispose(); critic.Dispose(); realImgs.Dispose(); }
    }

    /// <summary>DCGAN-like critic without BatchNorm: four (Conv 3x3 stride 2, LeakyReLU 0.2), then Linear -> score.</summary>
    sealed class Critic : Module<Tensor, Tensor>
    {
        readonly Sequential model;
        readonly Linear adv_layer;

        public Critic() : base(nameof(Critic))
        {
            model = Sequential(
                Conv2d(1, 16, 3, stride: 2, padding: 1), LeakyReLU(0.2, inplace: true),
                Conv2d(16, 32, 3, stride: 2, padding: 1), LeakyReLU(0.2, inplace: true),
                Conv2d(32, 64, 3, stride: 2, padding: 1), LeakyReLU(0.2, inplace: true),
                Conv2d(64, 128, 3, stride: 2, padding: 1), LeakyReLU(0.2, inplace: true));
            adv_layer = Linear(128 * 2 * 2, 1);
            RegisterComponents();
        }

        public override Tensor forward(Tensor img)
        {
            using var _ = NewDisposeScope();
            var out_ = model.forward(img);
            return adv_layer.forward(out_.view(out_.shape[0], -1)).MoveToOuterDisposeScope();
        }
    }

    sealed class Sampling : IBenchCase
    {
        readonly LectureDcganGenerator generator = new();
        public Sampling() { generator.apply(Init.DcganNormal); generator.eval(); }
        public bool Step()
        {
            using var _ = NewDisposeScope();
            using var __ = no_grad();
            var imgs = generator.forward(randn(256, 100));
            return isfinite(imgs).all().item<bool>();
        }
        public void Dispose() => generator.Dispose();
    }
}
