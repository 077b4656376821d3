using System.Diagnostics;
using System.Text;
using GanCourse.Interactive;

namespace GanCourse.Visuals;

/// <summary>
/// A live view of a training run: one notebook output that updates in place with a progress line
/// (step/total, images per second, ETA), the loss curves and the latest samples (an image grid or a scatter).
/// Updates are throttled so they cost at most about <see cref="MaxOverhead"/> of the training time; in headless
/// runs only the final state is shown, and each update's progress line goes to the runner's console
/// (<see cref="RunProgress"/>). Outside a notebook it prints a progress line now and then.
/// </summary>
[Microsoft.DotNet.Interactive.Formatting.TypeFormatterSource(typeof(HtmlFormatterSource))]
public sealed class TrainingView : IHtmlView
{
    readonly Stopwatch clock = new();
    readonly Dictionary<string, List<double>> losses = [];
    readonly List<double> lossSteps = [];
    readonly Func<IHtmlView?>? samples;
    DisplayHandle? handle;
    TimeSpan spentUpdating, nextUpdate;
    long images;
    IHtmlView? lastSamples;

    public string Title { get; }
    public long TotalSteps { get; }
    public long Step { get; private set; }
    /// <summary>Shortest time between two updates.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Largest share of wall time spent drawing updates.</summary>
    public double MaxOverhead { get; init; } = 0.03;
    /// <summary>How many updates were drawn (for tests and for the curious).</summary>
    public int Updates { get; private set; }
    public IReadOnlyDictionary<string, List<double>> Losses => losses;
    public IReadOnlyList<double> LossSteps => lossSteps;
    public bool Completed { get; private set; }

    /// <param name="samples">Called at each update to draw the latest samples (e.g. a grid of G(z_fixed)).</param>
    public TrainingView(string title, long totalSteps, Func<IHtmlView?>? samples = null)
    {
        if (totalSteps < 1) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "totalSteps must be at least 1");
        (Title, TotalSteps, this.samples) = (title, totalSteps, samples);
    }

    /// <summary>Shows the view in the notebook (an empty progress line until the first update).</summary>
    public TrainingView Show()
    {
        clock.Start();
        if (!NotebookDisplay.Headless) handle = NotebookDisplay.Show(this);
        return this;
    }

    /// <summary>Records one training step: its losses and the number of images it processed.</summary>
    public void Report(long step, IReadOnlyDictionary<string, float> stepLosses, int batchImages = 0)
    {
        if (!clock.IsRunning) clock.Start();
        Step = step;
        images += batchImages;
        lossSteps.Add(step);
        foreach (var (k, v) in stepLosses)
        {
            if (!losses.TryGetValue(k, out var list)) losses[k] = list = [];
            while (list.Count < lossSteps.Count - 1) list.Add(double.NaN);
            list.Add(v);
        }
        if (clock.Elapsed >= nextUpdate && step < TotalSteps) Refresh();
    }

    /// <summary>Draws the final state: in place in a notebook, as the only output in headless runs.</summary>
    public void Complete()
    {
        Completed = true;
        clock.Stop();
        if (handle is null && NotebookDisplay.Headless && NotebookDisplay.InKernel)
        {
            lastSamples = samples?.Invoke() ?? lastSamples;
            handle = NotebookDisplay.Show(this);
            RunProgress.Report(ProgressLine());
            Updates++;
        }
        else Refresh();
    }

    void Refresh()
    {
        var t0 = clock.Elapsed;
        lastSamples = samples?.Invoke() ?? lastSamples;
        if (handle is not null) handle.Update(this);
        else if (!NotebookDisplay.Headless || Completed) Console.WriteLine(ProgressLine());
        if (NotebookDisplay.Headless) RunProgress.Report(ProgressLine()); // the runner's "cell i of n | ..." line
        Updates++;
        var cost = clock.Elapsed - t0;
        spentUpdating += cost;
        // Next update when the drawing cost is at most MaxOverhead of the time since this one.
        var wait = TimeSpan.FromTicks(Math.Max(MinInterval.Ticks, (long)(cost.Ticks / MaxOverhead)));
        nextUpdate = clock.Elapsed + wait;
    }

    /// <summary>Share of wall time spent drawing updates so far.</summary>
    public double Overhead => clock.Elapsed.Ticks == 0 ? 0 : spentUpdating.Ticks / (double)clock.Elapsed.Ticks;

    public string ProgressLine()
    {
        var elapsed = clock.Elapsed;
        var rate = elapsed.TotalSeconds > 0 ? images / elapsed.TotalSeconds : 0;
        var frac = Math.Clamp(Step / (double)TotalSteps, 0, 1);
        var eta = frac > 0 && !Completed ? TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - frac) / frac) : TimeSpan.Zero;
        var last = string.Join("  ", losses.Select(kv => $"{kv.Key} {kv.Value.LastOrDefault(double.NaN):F3}"));
        return $"{Title}: step {Step}/{TotalSteps} ({frac:P0})  {rate:F0} img/s  elapsed {elapsed:mm\\:ss}" +
               (Completed ? "  done" : $"  ETA {eta:mm\\:ss}") + (last.Length > 0 ? "  |  " + last : "");
    }

    public string ToHtml()
    {
        var sb = new StringBuilder("<div class=\"gancourse-training\">");
        sb.Append($"<div style=\"font-family:monospace;margin:4px 0\">{System.Net.WebUtility.HtmlEncode(ProgressLine())}</div>");
        sb.Append("<div style=\"display:flex;flex-wrap:wrap;align-items:flex-start;gap:12px\">");
        if (losses.Count > 0)
        {
            // at most ~2,000 points per curve: enough for the eye, cheap to redraw
            int n = lossSteps.Count, stride = Math.Max(1, (n + 1999) / 2000);
            var idx = Enumerable.Range(0, n).Where(i => i % stride == 0 || i == n - 1).ToArray();
            var series = losses.Select(kv => new Series(kv.Key,
                idx.Select(i => lossSteps[i]).ToArray(),
                idx.Select(i => i < kv.Value.Count ? kv.Value[i] : double.NaN).ToArray())).ToArray();
            sb.Append("<div>").Append(Charts.Lines("Losses", "step", "loss", series).ToHtml()).Append("</div>");
        }
        if (lastSamples is not null) sb.Append("<div>").Append(lastSamples.ToHtml()).Append("</div>");
        sb.Append("</div></div>");
        return sb.ToString();
    }

    public override string ToString() => ProgressLine();
}
