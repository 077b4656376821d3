using GanCourse.Networks;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Training;

/// <summary>Hyper-parameters of the small StyleGAN (StyleGAN paper, appendix C, scaled down for a CPU).</summary>
/// <param name="Lr">Adam learning rate of both networks (the mapping network's layers multiply it by lrmul = 0.01).</param>
/// <param name="Beta1">Adam beta1 (StyleGAN: 0), <paramref name="Beta2"/> beta2 (0.99).</param>
/// <param name="R1Gamma">gamma of the R1 penalty (gamma/2) E_real ||grad D(x)||^2 (Mescheder et al. 2018).</param>
/// <param name="R1Every">Lazy regularization (StyleGAN2): the R1 term every k discriminator steps, scaled by k.</param>
/// <param name="MixingProb">Probability that a batch uses two latents with a random crossover layer (style mixing regularization).</param>
/// <param name="EmaHalfLifeImages">Half-life, in images, of the exponential moving average of G's weights (G_ema).</param>
public sealed record StyleGanTrainConfig(StyleGanConfig Generator, int[] DiscriminatorChannels, int BatchSize = 32,
    double Lr = 0.002, double Beta1 = 0.0, double Beta2 = 0.99, double R1Gamma = 1.0, int R1Every = 4,
    double MixingProb = 0.9, double EmaHalfLifeImages = 2000)
{
    public static StyleGanTrainConfig Small32 => new(StyleGanConfig.Small32, [16, 32, 64]);
}

/// <summary>Losses of one step: non-saturating D and G losses, the last R1 penalty, D's mean raw outputs.</summary>
public readonly record struct StyleGanStep(long Step, float D, float G, float R1, float RealScore, float FakeScore)
{
    public IReadOnlyDictionary<string, float> Losses => new Dictionary<string, float> { ["D"] = D, ["G"] = G, ["R1"] = R1 };
}

/// <summary>
/// StyleGAN's training step (non-saturating logistic loss with R1, style-mixing regularization, G_ema) without
/// progressive growing: the small 32 px networks are trained at full resolution from the start.
/// <list type="bullet">
/// <item>D: softplus(D(G(z))) + softplus(-D(x)), and every R1Every steps R1Every * (gamma/2) ||grad_x D(x)||^2.</item>
/// <item>G: softplus(-D(G(z))) (the non-saturating loss of lecture 004).</item>
/// <item>Mixing: with probability MixingProb, w = f(z1) for layers below a random crossover and f(z2) above.</item>
/// </list>
/// Each step runs in one dispose scope; a non-finite loss or gradient stops training.
/// </summary>
public sealed class StyleGanTraining : IDisposable
{
    public StyleGanTrainConfig Config { get; }
    public StyleGanGenerator Generator { get; }
    /// <summary>Exponential moving average of the generator's weights: the model used for pictures.</summary>
    public StyleGanGenerator GeneratorEma { get; }
    public StyleGanDiscriminator Discriminator { get; }
    public long Steps { get; private set; }
    public bool CheckGradients { get; set; } = true;
    readonly Device device;
    readonly optim.Optimizer optG, optD;
    readonly Random random;
    float lastR1;

    public StyleGanTraining(StyleGanTrainConfig? config = null, Device? device = null, int seed = 0)
    {
        Config = config ?? StyleGanTrainConfig.Small32;
        this.device = device ?? CPU;
        random = new Random(seed);
        Generator = new StyleGanGenerator(Config.Generator);
        GeneratorEma = new StyleGanGenerator(Config.Generator);
        Discriminator = new StyleGanDiscriminator(Config.Generator.Resolution, Config.Generator.Channels, Config.DiscriminatorChannels);
        Generator.to(this.device);
        GeneratorEma.to(this.device);
        Discriminator.to(this.device);
        CopyInto(Generator, GeneratorEma);
        GeneratorEma.eval();
        optG = optim.Adam(Generator.parameters(), Config.Lr, Config.Beta1, Config.Beta2, eps: 1e-8);
        optD = optim.Adam(Discriminator.parameters(), Config.Lr, Config.Beta1, Config.Beta2, eps: 1e-8);
    }

    /// <summary>Images from random latents with style mixing (probability MixingProb).</summary>
    Tensor GenerateMixed(long n)
    {
        var g = Generator;
        var w1 = g.Mapping.forward(randn(n, Config.Generator.LatentSize, device: device));
        if (random.NextDouble() < Config.MixingProb)
        {
            var w2 = g.Mapping.forward(randn(n, Config.Generator.LatentSize, device: device));
            var crossover = random.Next(1, g.NumLayers);
            w1 = g.Mix(w1, w2, crossover);
        }
        return g.Synthesis.forward(w1);
    }

    /// <summary>One discriminator and one generator update on a batch of real images in [-1, 1].</summary>
    public StyleGanStep Step(Tensor realImages)
    {
        using var scope = NewDisposeScope();
        Generator.train();
        Discriminator.train();
        var real = realImages.to(device);
        var n = real.size(0);

        // Discriminator: logistic loss, plus lazy R1 on real images.
        optD.zero_grad();
        Tensor fake;
        using (no_grad()) fake = GenerateMixed(n);
        var realScore = Discriminator.forward(real);
        var fakeScore = Discriminator.forward(fake);
        var dLoss = F.softplus(fakeScore).mean() + F.softplus(-realScore).mean();
        var dTotal = dLoss;
        if (Config.R1Gamma > 0 && Steps % Config.R1Every == 0)
        {
            var x = real.detach().requires_grad_(true);
            var score = Discriminator.forward(x);
            var grad = autograd.grad([score.sum()], [x], retain_graph: true, create_graph: true)[0];
            var r1 = grad.pow(2).sum([1, 2, 3]).mean();
            lastR1 = r1.item<float>();
            dTotal = dTotal + r1 * (Config.R1Gamma / 2 * Config.R1Every); // eq. (4) of Mescheder et al., lazy
        }
        dTotal.backward();
        if (CheckGradients) NonFiniteGuard.Gradients(Discriminator, "discriminator", Steps);
        optD.step();

        // Generator: non-saturating loss.
        optG.zero_grad();
        var gLoss = F.softplus(-Discriminator.forward(GenerateMixed(n))).mean();
        gLoss.backward();
        if (CheckGradients) NonFiniteGuard.Gradients(Generator, "generator", Steps);
        optG.step();
        Discriminator.zero_grad();

        UpdateEma(Math.Pow(0.5, n / Config.EmaHalfLifeImages));
        var result = new StyleGanStep(Steps, NonFiniteGuard.Loss(dLoss, "D loss", Steps), NonFiniteGuard.Loss(gLoss, "G loss", Steps),
            lastR1, realScore.mean().item<float>(), fakeScore.mean().item<float>());
        Steps++;
        return result;
    }

    void UpdateEma(double beta)
    {
        using var _ = no_grad();
        var src = Generator.parameters().ToList();
        var dst = GeneratorEma.parameters().ToList();
        for (var i = 0; i < src.Count; i++) dst[i].lerp_(src[i], 1 - beta);
    }

    static void CopyInto(nn.Module from, nn.Module to)
    {
        using var _ = no_grad();
        var dst = to.state_dict();
        foreach (var (k, v) in from.state_dict()) dst[k].copy_(v);
    }

    /// <summary>Save G_ema (the model the demos use) as a PyTorch .pt state dict.</summary>
    public void SaveGeneratorEma(string path) => StateDictLoader.Save(GeneratorEma, path);

    public void Dispose()
    {
        optG.Dispose();
        optD.Dispose();
        Generator.Dispose();
        GeneratorEma.Dispose();
        Discriminator.Dispose();
    }
}
