using GanCourse.Data;
using GanCourse.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>One phase of progressive growing: a resolution either fading in (alpha 0 -> 1) or stable (alpha 1).</summary>
public sealed record ProGanPhase(int Index, int Resolution, bool FadeIn, long StartImage, long Images)
{
    public long EndImage => StartImage + Images;
    public string Name => FadeIn ? $"{Resolution}x{Resolution} fade-in" : $"{Resolution}x{Resolution}";
}

/// <summary>
/// The growth schedule in images shown to the discriminator, as in the paper (800k images per fade-in and per
/// stable phase there): 4x4 stable, then for every doubled resolution a fade-in where alpha rises linearly from
/// 0 to 1, then a stable phase.
/// </summary>
public sealed record ProGanSchedule(int MaxResolution, long FadeImages, long StableImages)
{
    public IReadOnlyList<ProGanPhase> Phases()
    {
        if (FadeImages < 1 || StableImages < 1)
            throw new ArgumentException($"FadeImages ({FadeImages}) and StableImages ({StableImages}) must be positive.");
        var list = new List<ProGanPhase> { new(0, 4, false, 0, StableImages) };
        for (var r = 8; r <= MaxResolution; r *= 2)
        {
            list.Add(new(list.Count, r, true, list[^1].EndImage, FadeImages));
            list.Add(new(list.Count, r, false, list[^1].EndImage, StableImages));
        }
        return list;
    }

    public long TotalImages => Phases()[^1].EndImage;

    /// <summary>Phase, resolution and alpha after <paramref name="images"/> images.</summary>
    public (ProGanPhase Phase, int Resolution, double Alpha) At(long images)
    {
        var phases = Phases();
        var p = phases.FirstOrDefault(q => images < q.EndImage) ?? phases[^1];
        var alpha = p.FadeIn ? Math.Clamp((images - p.StartImage) / (double)p.Images, 0, 1) : 1.0;
        return (p, p.Resolution, alpha);
    }
}

/// <summary>
/// Hyper-parameters of ProGAN training (paper section A.1): WGAN-GP loss with lambda = 10 and the drift term
/// epsilon_drift = 0.001, Adam(lr 1e-3, betas (0, 0.99), eps 1e-8), one critic step per generator step, the
/// optimizers' state reset when a new resolution starts fading in, and an exponential moving average of the
/// generator's weights for samples (decay 0.999).
/// </summary>
public sealed record ProGanTrainingConfig(ProGanConfig Model, int BatchSize = 32, long FadeImages = 60_000,
    long StableImages = 60_000, double Lr = 1e-3, double Beta1 = 0.0, double Beta2 = 0.99, double GpWeight = 10,
    double DriftWeight = 1e-3, double EmaDecay = 0.999)
{
    public ProGanSchedule Schedule => new(Model.MaxResolution, FadeImages, StableImages);
}

/// <summary>Losses of one ProGAN step. <see cref="Wasserstein"/> = E[D(x)] - E[D(G(z))], the critic's estimate.</summary>
public readonly record struct ProGanStepLosses(float D, float G, float Wasserstein, float Penalty, float Drift, int Resolution, float Alpha);

/// <summary>
/// Progressive growing training (Karras et al., 2018): a generator, a critic and an averaged generator, trained
/// step by step along a <see cref="ProGanSchedule"/>. Each <see cref="Step"/> takes full-size real images, shrinks
/// them to the current resolution (blending two resolutions during a fade-in, like the generator's output), and
/// makes one critic and one generator update. Every step runs in its own dispose scope.
/// </summary>
public sealed class ProGanTraining : IDisposable
{
    public const string CheckpointKind = "progan";

    public ProGanTrainingConfig Config { get; }
    public ProGanGenerator Generator { get; }
    public ProGanDiscriminator Discriminator { get; }
    /// <summary>Exponential moving average of the generator's weights: what samples are drawn from.</summary>
    public ProGanGenerator GeneratorEma { get; }
    public ProGanSchedule Schedule { get; }
    public Device Device { get; }
    public long Steps { get; private set; }
    /// <summary>Real images shown to the critic so far (the schedule's clock).</summary>
    public long Images { get; private set; }
    public bool CheckGradients { get; set; } = true;

    public int Resolution => Schedule.At(Images).Resolution;
    public double Alpha => Schedule.At(Images).Alpha;
    public ProGanPhase Phase => Schedule.At(Images).Phase;
    public bool Done => Images >= Schedule.TotalImages;

    optim.Optimizer optG, optD;
    int optimizerPhase = -1;

    public ProGanTraining(ProGanTrainingConfig config, Device? device = null)
    {
        Config = config;
        if (config.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(config), config.BatchSize, "BatchSize must be at least 1.");
        Schedule = config.Schedule;
        Device = device ?? CPU;
        Generator = new ProGanGenerator(config.Model);
        Discriminator = new ProGanDiscriminator(config.Model);
        GeneratorEma = new ProGanGenerator(config.Model);
        Generator.to(Device);
        Discriminator.to(Device);
        GeneratorEma.to(Device);
        CopyWeights(Generator, GeneratorEma);
        GeneratorEma.eval();
        foreach (var p in GeneratorEma.parameters()) p.requires_grad = false;
        (optG, optD) = NewOptimizers();
        optimizerPhase = Phase.Index;
    }

    (optim.Optimizer, optim.Optimizer) NewOptimizers() =>
        (optim.Adam(Generator.parameters(), Config.Lr, Config.Beta1, Config.Beta2, eps: 1e-8),
         optim.Adam(Discriminator.parameters(), Config.Lr, Config.Beta1, Config.Beta2, eps: 1e-8));

    /// <summary>One critic and one generator update on full-size real images (N, C, S, S) in [-1, 1].</summary>
    public ProGanStepLosses Step(Tensor realImages)
    {
        var (phase, res, alpha) = Schedule.At(Images);
        if (phase.FadeIn && phase.Index != optimizerPhase)
        {
            // a new resolution starts: reset Adam's moments (the official code's reset_opt_for_new_lod)
            optG.Dispose();
            optD.Dispose();
            (optG, optD) = NewOptimizers();
        }
        optimizerPhase = phase.Index;
        using var _ = NewDisposeScope();
        Generator.train();
        Discriminator.train();
        var real = ProGanImages.Real(realImages.to(Device), res, alpha);
        var n = real.shape[0];

        // Critic: L_D = D(G(z)) - D(x) + lambda * GP + epsilon_drift * D(x)^2   (ProGAN A.1, WGAN-GP eq. 3)
        optD.zero_grad();
        var z = randn(n, Config.Model.LatentDim, device: Device);
        Tensor fake;
        using (no_grad()) fake = Generator.Synthesize(z, res, alpha);
        var dReal = Discriminator.Score(real, res, alpha);
        var dFake = Discriminator.Score(fake, res, alpha);
        // forward() of both networks now works at (res, alpha), as the penalty calls the critic's forward()
        (Discriminator.Resolution, Discriminator.Alpha, Generator.Resolution, Generator.Alpha) = (res, alpha, res, alpha);
        var penalty = GradientPenalty.Compute(Discriminator, real, fake, lambda: 1); // E[(||grad D(x_hat)|| - 1)^2]
        var drift = dReal.square().mean();
        var dLoss = dFake.mean() - dReal.mean() + Config.GpWeight * penalty + Config.DriftWeight * drift;
        dLoss.backward();
        if (CheckGradients) NonFiniteGuard.Gradients(Discriminator, "discriminator", Steps);
        optD.step();

        // Generator: L_G = -D(G(z))
        optG.zero_grad();
        var z2 = randn(n, Config.Model.LatentDim, device: Device);
        var gLoss = -Discriminator.Score(Generator.Synthesize(z2, res, alpha), res, alpha).mean();
        gLoss.backward();
        if (CheckGradients) NonFiniteGuard.Gradients(Generator, "generator", Steps);
        optG.step();
        UpdateEma();

        var losses = new ProGanStepLosses(
            NonFiniteGuard.Loss(dLoss, "D loss", Steps), NonFiniteGuard.Loss(gLoss, "G loss", Steps),
            (dReal.mean() - dFake.mean()).item<float>(), penalty.item<float>(), drift.item<float>(), res, (float)alpha);
        Steps++;
        Images += n;
        return losses;
    }

    /// <summary>G_ema = beta * G_ema + (1 - beta) * G for every weight.</summary>
    void UpdateEma()
    {
        using var _ = no_grad();
        var beta = Config.EmaDecay;
        foreach (var (e, p) in GeneratorEma.parameters().Zip(Generator.parameters()))
            e.mul_(beta).add_(p, alpha: 1 - beta);
    }

    static void CopyWeights(nn.Module from, nn.Module to)
    {
        using var _ = no_grad();
        foreach (var (t, f) in to.parameters().Zip(from.parameters())) t.copy_(f);
    }

    /// <summary>
    /// Trains until the schedule ends (or <paramref name="maxSteps"/>), drawing shuffled epochs of
    /// <paramref name="data"/>; calls <paramref name="onStep"/> after every step.
    /// </summary>
    public void Train(ImageDataset data, Action<ProGanTraining, ProGanStepLosses>? onStep = null, long? maxSteps = null)
    {
        if (data.Height != Config.Model.MaxResolution)
            throw new ArgumentException($"The data set's images are {data.Height}x{data.Width} but the model grows to {Config.Model.MaxResolution}x{Config.Model.MaxResolution}. Load it with pad32: true or change MaxResolution.");
        if (data.Count < Config.BatchSize)
            throw new ArgumentException($"The data set has {data.Count} images, fewer than one batch of {Config.BatchSize}.");
        long steps = 0;
        while (!Done && (maxSteps is null || steps < maxSteps))
            foreach (var (x, _) in data.Batches(Config.BatchSize, device: Device, dropLast: true))
            {
                var losses = Step(x);
                steps++;
                onStep?.Invoke(this, losses);
                if (Done || steps >= maxSteps) break;
            }
    }

    /// <summary>Samples of the averaged generator at the current (or given) resolution and alpha, on the CPU.</summary>
    public Tensor Generate(Tensor z, int? resolution = null, double? alpha = null)
    {
        using var _ = NewDisposeScope();
        using var __ = no_grad();
        return GeneratorEma.Synthesize(z.to(Device), resolution ?? Resolution, alpha ?? Alpha).cpu().MoveToOuterDisposeScope();
    }

    /// <summary>Saves G, G_ema and D with the training config and the given notes (command, settings, timing).</summary>
    public string Save(string path, IReadOnlyDictionary<string, string>? notes = null)
    {
        var all = new Dictionary<string, string>(notes ?? new Dictionary<string, string>())
        {
            ["training"] = System.Text.Json.JsonSerializer.Serialize(Config),
            ["steps"] = Steps.ToString(),
            ["images"] = Images.ToString(),
        };
        return ModelCheckpoint.Save(path, CheckpointKind, Config.Model,
            new Dictionary<string, nn.Module> { ["G_ema"] = GeneratorEma, ["G"] = Generator, ["D"] = Discriminator }, all);
    }

    /// <summary>
    /// Loads the averaged generator of a ProGAN checkpoint, built from the architecture the checkpoint records.
    /// Pass <paramref name="expected"/> to insist on an architecture: a mismatch throws naming the field.
    /// </summary>
    /// <param name="module">"G_ema" (the averaged weights, default) or "G" (the last training weights).</param>
    public static (ProGanGenerator Generator, CheckpointInfo Info) LoadGenerator(string path, ProGanConfig? expected = null,
        Device? device = null, string module = "G_ema")
    {
        var config = expected ?? ModelCheckpoint.ReadConfig<ProGanConfig>(path, CheckpointKind);
        var g = new ProGanGenerator(config);
        var info = ModelCheckpoint.Load(path, CheckpointKind, config, new Dictionary<string, nn.Module> { [module] = g });
        g.to(device ?? CPU);
        g.eval();
        return (g, info);
    }

    public void Dispose()
    {
        optG.Dispose();
        optD.Dispose();
        Generator.Dispose();
        Discriminator.Dispose();
        GeneratorEma.Dispose();
    }
}
