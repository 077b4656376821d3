using System.Diagnostics;
using System.Text.Json.Nodes;

namespace GanCourse.Runner;

/// <summary>What one executed notebook produced.</summary>
public sealed record NotebookResult(string Name, bool Ok, TimeSpan Elapsed, int CodeCells, int Images, int Charts,
    IReadOnlyList<CellError> Errors, string? OutputPath, string Log)
{
    /// <summary>Peak resident memory of the notebook kernel's process (Linux), MB.</summary>
    public double? PeakRssMb { get; init; }
    /// <summary>The results tables (class "gancourse-table") the notebook displayed.</summary>
    public IReadOnlyList<ResultTable> Tables { get; init; } = [];

    public string Summary => Ok
        ? $"ok    {Name,-28} {Elapsed.TotalSeconds,7:F1} s  {CodeCells,3} code cells  {Images,3} images  {Charts,3} charts  {(PeakRssMb is { } m ? $"peak {m,5:F0} MB" : "")}  -> {OutputPath}"
        : $"FAIL  {Name,-28} {Elapsed.TotalSeconds,7:F1} s  " + string.Join("; ", Errors.Select(e => e.ToString()));
}

/// <summary>An error output; <see cref="Cell"/> counts all cells from 1, as an editor shows them.</summary>
public sealed record CellError(int Cell, string Message)
{
    public override string ToString() => Cell >= 0 ? $"cell {Cell}: {Message}" : Message;
}

/// <summary>Options of one course run.</summary>
public sealed record RunOptions(string RepoRoot, string Profile, string OutputDir, TimeSpan TimeoutPerNotebook)
{
    /// <summary>Longest one code cell may run before the kernel is stopped and the notebook fails.</summary>
    public TimeSpan TimeoutPerCell { get; init; } = TimeSpan.FromMinutes(20);

    public string NotebooksDir => Path.Combine(RepoRoot, "notebooks");
}

/// <summary>
/// Runs notebooks top to bottom in the .NET Interactive kernel (<see cref="KernelClient"/>: dotnet-interactive from
/// the repository's tool manifest), one cell at a time with a per-cell and a per-notebook time limit, showing which
/// cell runs and its live view's progress (<see cref="CellProgress"/>). Writes the executed copies (nbformat, with
/// outputs) and their HTML to the output folder and checks them: any error output or a cell that threw fails the
/// notebook, naming the cell.
/// </summary>
public static class NotebookRunner
{
    /// <summary>Finds the repository root (the folder with GanCourse.sln) at or above <paramref name="start"/>.</summary>
    public static string FindRepoRoot(string? start = null)
    {
        for (var d = new DirectoryInfo(start ?? AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "GanCourse.sln"))) return d.FullName;
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "GanCourse.sln"))) return d.FullName;
        throw new RunnerException("Cannot find GanCourse.sln above the current folder: run from inside the course repository.");
    }

    public static IReadOnlyList<string> AllNotebooks(string repoRoot) =>
        Directory.GetFiles(Path.Combine(repoRoot, "notebooks"), "*.ipynb")
            .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToList()!;

    /// <summary>Maps names the user typed ("00", "00-setup", "00-setup.ipynb") to notebook names.</summary>
    public static IReadOnlyList<string> Resolve(string repoRoot, IEnumerable<string> requested)
    {
        var all = AllNotebooks(repoRoot);
        var result = new List<string>();
        foreach (var r in requested)
        {
            var key = Path.GetFileNameWithoutExtension(r.Trim());
            var hit = all.FirstOrDefault(n => n == key) ?? all.SingleOrDefault(n => n.StartsWith(key + "-", StringComparison.Ordinal));
            if (hit is null)
                throw new RunnerException($"Unknown notebook '{r}'. Available: {string.Join(", ", all)}.");
            result.Add(hit);
        }
        return result.Count > 0 ? result : all;
    }

    /// <summary>Creates the output folder and proves it is writable, or fails with what to do.</summary>
    public static void PrepareOutput(string dir)
    {
        try
        {
            Directory.CreateDirectory(dir);
            var probe = Path.Combine(dir, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunnerException($"Output folder '{dir}' is not writable ({e.Message}). Pass a writable folder with --out.");
        }
    }

    /// <summary>Restores the tool manifest (the dotnet-interactive kernel) so a bare machine needs nothing installed by hand.</summary>
    public static void EnsureTools(string repoRoot, TextWriter log)
    {
        var (code, output) = Exec("dotnet", ["tool", "restore"], repoRoot, TimeSpan.FromMinutes(5), null);
        if (code != 0)
            throw new RunnerException($"'dotnet tool restore' failed (exit {code}): the notebook kernel dotnet-interactive could not be installed. " +
                $"Check that NuGet is reachable. Output: {Tail(output, 400)}");
        log.WriteLine("tools: dotnet-interactive kernel ready");
    }

    /// <summary>Checks that the helper library has been built where the notebooks load it from.</summary>
    public static void EnsureLibraryBuilt(string repoRoot)
    {
        var dll = Path.Combine(repoRoot, "lib", "bin", "GanCourse.dll");
        if (!File.Exists(dll))
            throw new RunnerException($"{dll} is missing: build the library first (`dotnet build lib/GanCourse`).");
    }

    public static NotebookResult Run(string name, RunOptions o, TextWriter log)
    {
        var source = Path.Combine(o.NotebooksDir, name + ".ipynb");
        var final = Path.Combine(o.OutputDir, name + ".ipynb");
        var temp = Path.Combine(o.OutputDir, $".{name}.{Environment.ProcessId}.running.ipynb");
        var failed = Path.Combine(o.OutputDir, name + ".FAILED.ipynb");
        var status = Path.Combine(Path.GetFullPath(o.OutputDir), $".{name}.{Environment.ProcessId}.progress");
        foreach (var stale in new[] { final, failed, temp, Path.ChangeExtension(final, ".html"), Path.ChangeExtension(failed, ".html") })
            if (File.Exists(stale)) File.Delete(stale);

        var env = new Dictionary<string, string>
        {
            ["GANCOURSE_PROFILE"] = o.Profile,
            ["GANCOURSE_OUTPUT"] = Path.GetFullPath(o.OutputDir),
            ["GANCOURSE_HEADLESS"] = "1",   // the executed notebook is a record: live views show their final state
            ["GANCOURSE_PROGRESS"] = status, // ... and tell the runner's console how far they are
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_ROLL_FORWARD"] = "Major",
        };
        using var rss = new PeakRssSampler();
        var sw = Stopwatch.StartNew();
        var errors = new List<CellError>();
        int codeCells = 0, images = 0, charts = 0;
        List<ResultTable> tables = [];
        string kernelLog = "";
        try
        {
            // The kernel's working directory is the notebooks folder, as in VS Code, so `#r "../lib/bin/..."` resolves.
            using var kernel = KernelClient.Start(o.NotebooksDir, env, TimeSpan.FromMinutes(3));
            rss.Start(kernel.ProcessId);
            var live = ReferenceEquals(log, Console.Out) && !Console.IsOutputRedirected;
            ExecutionResult run;
            using (var progress = new CellProgress(name, log, live, status))
                run = NotebookExecution.Run(File.ReadAllText(source), kernel, o.TimeoutPerCell, DateTime.UtcNow + o.TimeoutPerNotebook, progress.OnCell);
            kernelLog = kernel.Log;
            File.WriteAllText(temp, run.ExecutedJson);
            var check = Inspect(run.ExecutedJson);
            (codeCells, images, charts) = (check.CodeCells, check.Images, check.Charts);
            tables = ResultsLog.Tables(check.Html);
            errors.AddRange(check.Errors);
            if (run.CodeCellsNotRun > 0)
                errors.Add(new CellError(-1, $"{run.CodeCellsNotRun} later code cell(s) were not run"));
        }
        catch (RunnerException e) { errors.Add(new CellError(-1, e.Message)); }
        sw.Stop();
        var peakRss = rss.Stop();

        string? outPath = null;
        if (File.Exists(temp))
        {
            outPath = errors.Count == 0 ? final : failed;
            NotebookHtml.Write(Path.ChangeExtension(outPath, ".html"), File.ReadAllText(temp), name);
            File.Move(temp, outPath, overwrite: true);
        }
        var result = new NotebookResult(name, errors.Count == 0, sw.Elapsed, codeCells, images, charts, errors, outPath, kernelLog)
            { PeakRssMb = peakRss, Tables = tables };
        log.WriteLine(result.Summary);
        ResultsLog.Record(o.OutputDir, o.Profile, result);
        return result;
    }

    public sealed record Inspection(int CodeCells, int Images, int Charts, IReadOnlyList<CellError> Errors, IReadOnlyList<string> Html);

    /// <summary>Reads an executed notebook: counts rich outputs and collects every error output by cell.</summary>
    public static Inspection Inspect(string ipynbJson)
    {
        var nb = JsonNode.Parse(ipynbJson) ?? throw new RunnerException("executed notebook is not JSON");
        var cells = nb["cells"]?.AsArray() ?? [];
        int codeCells = 0, images = 0, charts = 0;
        var errors = new List<CellError>();
        var html = new List<string>();
        for (int i = 0; i < cells.Count; i++)
        {
            var cell = cells[i]!;
            if ((string?)cell["cell_type"] != "code") continue;
            codeCells++;
            foreach (var output in cell["outputs"]?.AsArray() ?? [])
            {
                var type = (string?)output!["output_type"];
                if (type == "error")
                {
                    // the first line names the exception; the kernel's stack trace follows in the executed notebook
                    var evalue = ((string?)output["evalue"] ?? "").Split('\n')[0].Trim();
                    var msg = $"{(string?)output["ename"]}: {evalue}";
                    errors.Add(new CellError(i + 1, msg.Trim(' ', ':')));
                    continue;
                }
                if (type == "stream" && (string?)output["name"] == "stderr")
                {
                    var text = JoinText(output["text"]);
                    if (text.Contains("error", StringComparison.OrdinalIgnoreCase) || text.Contains("exception", StringComparison.OrdinalIgnoreCase))
                        errors.Add(new CellError(i + 1, Tail(text.Trim(), 300)));
                    continue;
                }
                var data = output["data"]?.AsObject();
                if (data is null) continue;
                if (data.ContainsKey("image/png")) images++;
                if (data["text/html"] is { } h)
                {
                    var s = JoinText(h);
                    html.Add(s);
                    images += ImgTag.Count(s);
                    // our Figure's div, or Plotly.NET.Interactive's
                    if (s.Contains("class=\"gancourse-figure\"", StringComparison.Ordinal) || s.Contains("Plotly chart will be drawn inside this DIV", StringComparison.Ordinal)) charts++;
                }
            }
        }
        return new Inspection(codeCells, images, charts, errors, html);
    }

    static readonly System.Text.RegularExpressions.Regex ImgTag = new("<img[^>]+src=\"data:image/(png|gif);base64,", System.Text.RegularExpressions.RegexOptions.Compiled);

    /// <summary>An nbformat multiline string (one string, or a list of lines) as one string.</summary>
    internal static string JoinText(JsonNode? node) => node switch
    {
        JsonArray a => string.Concat(a.Select(x => (string?)x)),
        JsonValue v => (string?)v ?? "",
        _ => "",
    };

    internal const int TimeoutExitCode = 124;

    /// <summary>Runs a process with stdin closed, collecting stdout and stderr; kills its tree and returns exit code 124 after <paramref name="timeout"/>.</summary>
    public static (int Code, string Output) Exec(string file, string[] args, string cwd, TimeSpan timeout, IDictionary<string, string>? env,
        Action<int>? started = null)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RunnerException($"Cannot start '{file}' ({e.Message}). Install the .NET 10 SDK and put dotnet on PATH (environment.md).");
        }
        using var _ = p;
        started?.Invoke(p.Id);
        p.StandardInput.Close();
        var sb = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (sb) sb.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (sb) sb.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeout))
        {
            try { p.Kill(entireProcessTree: true); } catch { /* already gone */ }
            p.WaitForExit();
            return (TimeoutExitCode, sb.ToString());
        }
        p.WaitForExit();
        return (p.ExitCode, sb.ToString());
    }

    internal static string Tail(string s, int n) => s.Length <= n ? s : "..." + s[^n..];
}

public sealed class RunnerException(string message) : Exception(message);
