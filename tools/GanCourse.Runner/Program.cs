using GanCourse.Runner;

// dotnet run --project tools/GanCourse.Runner -- [--profile ci|cpu|gpu] [--out DIR] [--timeout-min N] [--cell-timeout-min N] [NOTEBOOK ...]
//                                              | --export-apps | --check-apps
try
{
    if (args is ["--export-apps"] or ["--check-apps"])
    {
        var repo = NotebookRunner.FindRepoRoot();
        if (args[0] == "--check-apps")
        {
            var stale = AppExport.OutOfDate(repo);
            foreach (var s in stale) Console.Error.WriteLine($"out of date: notebooks/apps/{s}.cs");
            if (stale.Count > 0) Console.Error.WriteLine($"regenerate with: {AppExport.Command}");
            else Console.WriteLine("notebooks/apps: every app is up to date with its notebook");
            return stale.Count == 0 ? 0 : 1;
        }
        var changed = AppExport.ExportAll(repo);
        Console.WriteLine($"notebooks/apps: {changed.Count} app(s) written{(changed.Count > 0 ? ": " + string.Join(", ", changed) : "")}; run one with `dotnet run notebooks/apps/00-setup.cs`");
        return 0;
    }
    string? profile = Environment.GetEnvironmentVariable("GANCOURSE_PROFILE"), outDir = null;
    double timeoutMin = 30, cellTimeoutMin = 20;
    var names = new List<string>();
    for (int i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new RunnerException($"{args[i]} needs a value.");
        switch (args[i])
        {
            case "--profile": profile = Value(); break;
            case "--out": outDir = Value(); break;
            case "--timeout-min": timeoutMin = Minutes(args[i], Value()); break;
            case "--cell-timeout-min": cellTimeoutMin = Minutes(args[i], Value()); break;
            case "-h" or "--help":
                Console.WriteLine("""
                    Runs the GanCourse notebooks headlessly in the .NET Interactive kernel, cell by cell with progress, and writes executed copies.
                    usage: dotnet run --project tools/GanCourse.Runner -- [--profile ci|cpu|gpu] [--out DIR] [--timeout-min N] [--cell-timeout-min N] [NOTEBOOK ...]
                      --profile      ci (smoke, seconds), cpu (meaningful on a laptop CPU), gpu (the lectures' settings);
                                     default: GANCOURSE_PROFILE, else gpu with CUDA, else cpu
                      --out          folder for executed notebooks (default: output/<profile>)
                      --timeout-min  per-notebook limit (default 30)
                      --cell-timeout-min  per-cell limit (default 20); past either limit the kernel is stopped
                      NOTEBOOK       e.g. 00 or 00-setup; default: all, in order
                    dotnet run --project tools/GanCourse.Runner -- --export-apps   writes notebooks/apps/*.cs (file-based apps)
                    dotnet run --project tools/GanCourse.Runner -- --check-apps    fails when an app is out of date
                    """);
                return 0;
            default:
                if (args[i].StartsWith('-')) throw new RunnerException($"Unknown option '{args[i]}'. See --help.");
                names.Add(args[i]);
                break;
        }
    }
    var root = NotebookRunner.FindRepoRoot();
    if (!string.IsNullOrWhiteSpace(profile))
    {
        profile = profile.Trim().ToLowerInvariant();
        if (profile is not ("ci" or "cpu" or "gpu"))
            throw new RunnerException($"Unknown profile '{profile}'. Valid profiles: ci, cpu, gpu.");
    }
    var notebooks = NotebookRunner.Resolve(root, names);
    var label = string.IsNullOrWhiteSpace(profile) ? "auto" : profile;
    outDir = Path.GetFullPath(outDir ?? Path.Combine(root, "output", label));
    NotebookRunner.PrepareOutput(outDir);
    NotebookRunner.EnsureLibraryBuilt(root);
    NotebookRunner.EnsureTools(root, Console.Out);

    Console.WriteLine($"GanCourse: running {notebooks.Count} notebook(s), profile {label}, output {outDir}");
    var options = new RunOptions(root, profile ?? "", outDir, TimeSpan.FromMinutes(timeoutMin)) { TimeoutPerCell = TimeSpan.FromMinutes(cellTimeoutMin) };
    var results = notebooks.Select(n => NotebookRunner.Run(n, options, Console.Out)).ToList();
    var failed = results.Count(r => !r.Ok);
    Console.WriteLine($"GanCourse: {results.Count - failed} of {results.Count} notebooks ran cleanly in {results.Sum(r => r.Elapsed.TotalMinutes):F1} min.");
    if (failed > 0) Console.Error.WriteLine($"GanCourse: {failed} notebook(s) failed; open the *.FAILED.ipynb copies in {outDir} to see the outputs.");
    return failed == 0 ? 0 : 1;
}
catch (RunnerException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

static double Minutes(string option, string value) =>
    double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var m) && m > 0
        ? m : throw new RunnerException($"{option} {value}: give a positive number of minutes.");
