using System.Diagnostics;
using GanCourse.Data;
using GanCourse.Interactive;
using GanCourse.Metrics;
using GanCourse.Networks;
using GanCourse.Training;
using GanCourse.Visuals;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GanCourse.Experiments;

/// <summary>The ring-of-Gaussians experiment of notebooks 03 and 06 (VEEGAN/PacGAN's 2-D benchmark) and its settings.</summary>
/// <param name="Steps">Generator steps per run.</param>
/// <param name="Batch">Real and generated points per step.</param>
/// <param name="Hidden">Width of the MLP generator and discriminator.</param>
/// <param name="Latent">Size of z.</param>
/// <param name="Std">Standard deviation of each mode (0.02 in VEEGAN/PacGAN).</param>
/// <param name="Snapshots">Snapshots over a run (the mode metric is measured at each).</param>
public sealed record RingSetup(int Steps, int Batch, int Hidden = 128, int Latent = 10, double Std = 0.02, int Snapshots = 10,
    int Modes = 8, double Radius = 2.0)
{
    public int SnapshotEvery => Math.Max(1, Steps / Snapshots);
    public Tensor Centres() => ToyData.RingCentres(Modes, Radius);
}

/// <summary>
/// The mode metric at one snapshot: G's samples from the fixed evaluation noise, their <see cref="ModeReport"/>, and the
/// critic's estimate E D(x) − E D(G(z)) averaged over the steps since the previous snapshot (NaN at step 0).
/// </summary>
public sealed record RingSnapshot(long Step, Tensor Samples, ModeReport Report, double CriticEstimate);

/// <summary>One run: its setting's name, seed, trainer, snapshots (the last one after the last step) and wall time.</summary>
public sealed record RingRun(string Setting, int Seed, AdversarialTrainer Trainer, IReadOnlyList<RingSnapshot> Snapshots, double Seconds)
{
    public RingSnapshot Final => Snapshots[^1];
    public ModeReport Report => Final.Report;
}

/// <summary>A setting's runs over several seeds, averaged.</summary>
public sealed record RingSummaryRow(string Setting, int Runs, double ModesCaptured, string ModesCapturedPerRun,
    double HighQualityPercent, double ReverseKL, double SecondsPerRun);

/// <summary>
/// Runs GANs on a ring of Gaussians with the course's one training loop (MLP G and D, a fresh ring batch each
/// discriminator update) and measures them with the VEEGAN/PacGAN mode metric on a fixed evaluation noise batch, so
/// that measuring draws no random numbers and the run is the same with or without snapshots.
/// </summary>
public sealed class RingExperiment(RingSetup setup, Tensor evalNoise)
{
    public RingSetup Setup { get; } = setup ?? throw new ArgumentNullException(nameof(setup));
    public Tensor EvalNoise { get; } = evalNoise.shape.Length == 2 && evalNoise.shape[1] == setup.Latent ? evalNoise
        : throw new ArgumentException($"The evaluation noise must be (N, {setup.Latent}), got [{string.Join(", ", evalNoise.shape)}].", nameof(evalNoise));
    public Tensor Centres { get; } = setup.Centres();

    /// <summary>A run of a paper's recipe (its loss, n_critic and optimizer for both networks).</summary>
    public RingRun Run(GanRecipe recipe, int seed, int snapshotEvery = -1, TrainingView? view = null, Action<AdversarialTrainer>? before = null) =>
        Run(recipe.Name, recipe.Loss(), seed, recipe.Optimizer, recipe.CriticSteps, null, snapshotEvery, view, before);

    /// <summary>
    /// One run from <see cref="Course.Seed"/>(<paramref name="seed"/>): networks, loss, optimizer for both networks,
    /// n_critic and Top-k; snapshots every <paramref name="snapshotEvery"/> steps (−1: the setup's interval; 0: only
    /// before and after training); <paramref name="before"/> sees the untrained trainer.
    /// </summary>
    /// <param name="configure">Changes the run's <see cref="AdversarialConfig"/> (e.g. instance noise, experience replay).</param>
    /// <param name="discriminatorOptimizer">D's optimizer when it differs from G's (e.g. SGD for D, Adam for G); null = <paramref name="optimizer"/>.</param>
    /// <param name="generatorDropout">&gt; 0: dropout as noise in G's hidden layers (<see cref="NoiseDropout"/>).</param>
    /// <param name="minibatchKernels">&gt; 0: minibatch discrimination in D (<see cref="MinibatchDiscrimination"/>).</param>
    public RingRun Run(string setting, IGanLoss loss, int seed, Func<IEnumerable<Parameter>, optim.Optimizer> optimizer,
        int criticSteps = 1, TopK? topK = null, int snapshotEvery = -1, TrainingView? view = null, Action<AdversarialTrainer>? before = null,
        Func<AdversarialConfig, AdversarialConfig>? configure = null, Func<IEnumerable<Parameter>, optim.Optimizer>? discriminatorOptimizer = null,
        double generatorDropout = 0, int minibatchKernels = 0)
    {
        Func<AdversarialConfig, AdversarialConfig> withTopK = c => c with { TopK = topK };
        return Run(setting, () => GanModel.Unconditional(new MlpGenerator(Setup.Latent, Setup.Hidden, dropout: generatorDropout),
                new MlpDiscriminator(Setup.Hidden, minibatchKernels: minibatchKernels)),
            loss, seed, optimizer, criticSteps, snapshotEvery, view, before,
            configure is null ? withTopK : c => configure(withTopK(c)), discriminatorOptimizer);
    }

    /// <summary>
    /// One run of any networks on the ring (e.g. MGAN's <see cref="GanModel.Mixture"/>): <paramref name="model"/> is
    /// built right after <see cref="Runtime.Course.Seed"/>(<paramref name="seed"/>); the rest as in the run above.
    /// </summary>
    public RingRun Run(string setting, Func<GanModel> model, IGanLoss loss, int seed, Func<IEnumerable<Parameter>, optim.Optimizer> optimizer,
        int criticSteps = 1, int snapshotEvery = -1, TrainingView? view = null, Action<AdversarialTrainer>? before = null,
        Func<AdversarialConfig, AdversarialConfig>? configure = null, Func<IEnumerable<Parameter>, optim.Optimizer>? discriminatorOptimizer = null)
    {
        Runtime.Course.Seed(seed);
        var every = snapshotEvery < 0 ? Setup.SnapshotEvery : snapshotEvery;
        var config = new AdversarialConfig(Setup.Latent, Setup.Batch) { CriticSteps = criticSteps };
        var t = new AdversarialTrainer(model(), loss,
            () => { using var ring = ToyData.Ring(Setup.Batch, Setup.Modes, Setup.Radius, Setup.Std); return ring.Samples.clone(); },
            configure is null ? config : configure(config), optimizer, discriminatorOptimizer ?? optimizer);
        var snaps = new List<RingSnapshot>();
        var window = every > 0 ? every : Setup.Steps;
        void Snapshot(AdversarialTrainer tr)
        {
            var samples = tr.Generate(EvalNoise);
            var recent = tr.History.Skip(Math.Max(0, tr.History.Count - window)).ToList();
            snaps.Add(new RingSnapshot(tr.Step, samples, ModeMetrics.Evaluate(samples, Centres, Setup.Std),
                recent.Count == 0 ? double.NaN : recent.Average(h => h.Wasserstein)));
        }
        before?.Invoke(t);
        var run = t.Run(Setup.Steps, view, every, Snapshot);
        return new RingRun(setting, seed, t, snaps, run.Seconds);
    }

    /// <summary>
    /// A (1, bins, bins) image of the log-density of 2-D points over [−lim, lim]², y pointing up, the mode centres in
    /// grey: one panel of Metz et al.'s ring figure (a row of these over training shows where the mass sits).
    /// </summary>
    public Tensor DensityImage(Tensor points, int bins = 48, double lim = 3.0)
    {
        if (bins < 2 || !(lim > 0)) throw new ArgumentOutOfRangeException(nameof(bins), $"bins must be >= 2 and lim > 0 (got {bins}, {lim}).");
        int Col(float x) => (int)Math.Floor((x + lim) / (2 * lim) * bins);
        int Row(float y) => bins - 1 - (int)Math.Floor((y + lim) / (2 * lim) * bins);
        var img = new float[bins * bins];
        var p = points.detach().cpu().contiguous().data<float>().ToArray();
        for (var i = 0; i < p.Length / 2; i++)
        {
            int c = Col(p[2 * i]), r = Row(p[2 * i + 1]);
            if (c >= 0 && c < bins && r >= 0 && r < bins) img[r * bins + c] += 1;
        }
        var max = Math.Log(1 + img.Max());
        var shade = img.Select(v => (float)(Math.Log(1 + v) / Math.Max(max, 1e-6))).ToArray();
        var cp = Centres.contiguous().data<float>().ToArray();
        for (var m = 0; m < cp.Length / 2; m++)
        {
            int c = Col(cp[2 * m]), r = Row(cp[2 * m + 1]);
            if (c >= 0 && c < bins && r >= 0 && r < bins) shade[r * bins + c] = Math.Max(shade[r * bins + c], 0.35f);
        }
        return torch.tensor(shade, [1, bins, bins]);
    }

    /// <summary>The mode metric at each snapshot of a run, one row per snapshot.</summary>
    public static Table SnapshotTable(RingRun run, string? title = null) => Table.From(run.Snapshots.Select(s => new
    {
        s.Step,
        ModesCaptured = $"{s.Report.ModesCaptured}/{s.Report.Modes}",
        HighQuality = $"{s.Report.HighQualityPercent:F1}%",
        ReverseKL = Math.Round(s.Report.ReverseKl, 3),
        MostSamplesNearMode = s.Report.DominantMode,
        ShareNearThatMode = $"{s.Report.DominantShare:P0}",
        CriticEstimate = Math.Round(s.CriticEstimate, 4),
    }), title ?? $"{run.Setting}, seed {run.Seed}: the mode metric at each snapshot ({run.Seconds:F1} s)");

    /// <summary>Each setting's runs averaged over seeds, in the order the settings first appear.</summary>
    public static IReadOnlyList<RingSummaryRow> Summarize(IEnumerable<RingRun> runs) =>
        runs.GroupBy(r => r.Setting).Select(g => g.ToList()).Select(rs => new RingSummaryRow(
            rs[0].Setting, rs.Count,
            Math.Round(rs.Average(r => r.Report.ModesCaptured), 2),
            string.Join(" ", rs.Select(r => r.Report.ModesCaptured)),
            Math.Round(rs.Average(r => r.Report.HighQualityPercent), 1),
            Math.Round(rs.Average(r => r.Report.ReverseKl), 3),
            Math.Round(rs.Average(r => r.Seconds), 1))).ToList();

    /// <summary>The summary as a table, then bar charts of modes captured and high-quality share, then each setting's final samples for one seed.</summary>
    public IHtmlView[] SummaryViews(IReadOnlyList<RingRun> runs, string title)
    {
        var rows = Summarize(runs);
        var seed = runs[0].Seed;
        return
        [
            Table.From(rows, title),
            Charts.Bars("Modes captured (of 8), mean over seeds", "modes", rows.Select(s => s.Setting).ToArray(), rows.Select(s => s.ModesCaptured).ToArray()),
            Charts.Bars("High-quality samples (%), mean over seeds", "%", rows.Select(s => s.Setting).ToArray(), rows.Select(s => s.HighQualityPercent).ToArray()),
            Charts.Scatter($"Final samples with seed {seed} (500 per setting)", "x", "y",
                runs.Where(r => r.Seed == seed).Select(r => Charts.Points(r.Setting, r.Final.Samples[..500]))
                    .Append(Charts.Points("mode centres", Centres)).ToArray()),
        ];
    }

    /// <summary>Every run on its own, in the kit's common metric-table layout.</summary>
    public static Table RunsTable(IEnumerable<RingRun> runs, string title) =>
        ModeMetrics.ToTable(runs.Select(r => ($"{r.Setting}, seed {r.Seed}", r.Report)), title);
}
