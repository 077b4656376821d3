using System.Diagnostics;
using System.Text.Json.Nodes;
using GanCourse.Runner;

namespace GanCourse.Tests;

/// <summary>
/// The notebooks as C# file-based apps (notebooks/apps/*.cs, made by the runner's --export-apps): they are in step with
/// their notebooks (an nbdev-style sync check), the export handles what a notebook allows and a program does not, and
/// (category Notebooks) an app runs with <c>dotnet run</c> in the ci profile and writes the runner's report.
/// </summary>
public class FileBasedAppTests
{
    static readonly string Root = NotebookRunner.FindRepoRoot();

    [Fact]
    public void Every_notebook_has_an_app_and_the_committed_apps_are_up_to_date()
    {
        var stale = AppExport.OutOfDate(Root);
        Assert.True(stale.Count == 0,
            $"out of date with their notebooks: {string.Join(", ", stale.Select(s => $"notebooks/apps/{s}.cs"))}; regenerate them with `{AppExport.Command}` and commit the result");
        var apps = Directory.GetFiles(AppExport.AppsDir(Root), "*.cs").Select(f => Path.GetFileNameWithoutExtension(f)!).Order().ToList();
        Assert.Equal(NotebookRunner.AllNotebooks(Root), apps);
    }

    static string Notebook(params (string Type, string Source)[] cells) => new JsonObject
    {
        ["cells"] = new JsonArray(cells.Select(c => (JsonNode)new JsonObject
        {
            ["cell_type"] = c.Type, ["id"] = Guid.NewGuid().ToString("N")[..8], ["metadata"] = new JsonObject(),
            ["source"] = c.Source, ["outputs"] = new JsonArray(),
        }).ToArray()),
        ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5,
    }.ToJsonString();

    [Fact]
    public void Export_hoists_usings_displays_trailing_values_renames_clashes_and_moves_types_last()
    {
        var app = AppExport.Generate("99-test", Notebook(
            ("markdown", "# Title\n\nSome *text*."),
            ("code", "#r \"../lib/bin/GanCourse.dll\"\nusing GanCourse.Runtime;\n\nvar course = Course.Init();"),
            ("code", "using System.Text;\nvar x = 1;\nforeach (var y in new[] { 1, 2 }) Console.WriteLine(y);\nint Twice(int v) => 2 * v;\nTwice(x)"),
            ("code", "var x = \"again\";   // a notebook may declare x again\nvar y = x.Length;\nrecord Point(int X, int Y);\ndisplay(new Point(y, 0));\nConsole.WriteLine(x)"),
            ("code", "x")));

        Assert.StartsWith("// Generated from 99-test.ipynb by `dotnet run --project tools/GanCourse.Runner -- --export-apps`; do not edit", app);
        Assert.Contains("#:project ../../lib/GanCourse/GanCourse.csproj\n", app);
        Assert.DoesNotContain("#r ", app);
        // usings first, each once, before any statement
        var start = app.IndexOf("NotebookApp.Start(\"99-test\"", StringComparison.Ordinal);
        Assert.True(app.IndexOf("using GanCourse.Runtime;", StringComparison.Ordinal) is var u1 && u1 >= 0 && u1 < start);
        Assert.True(app.IndexOf("using System.Text;", StringComparison.Ordinal) is var u2 && u2 >= 0 && u2 < start);
        // markdown as comments, each code cell marked with its number (all cells counted from 1)
        Assert.Contains("// # Title\n//\n// Some *text*.\n", app);
        Assert.Contains("NotebookApp.Cell(2);\nvar course = Course.Init();", app);
        Assert.Contains("NotebookApp.Cell(5);", app);
        // the trailing expression is displayed; a trailing Console.WriteLine is just run
        Assert.Contains("display(Twice(x));", app);
        Assert.Contains("Console.WriteLine(x2);", app);
        Assert.DoesNotContain("display(Console", app);
        // the second `var x` (and every later use) is renamed; the block-scoped y clashes with the top-level y
        Assert.Contains("var x2 = \"again\";", app);
        Assert.Contains("var y = x2.Length;", app);
        Assert.Contains("foreach (var y2 in new[] { 1, 2 }) Console.WriteLine(y2);", app);
        Assert.Contains("NotebookApp.Cell(5);\ndisplay(x2);", app);
        // types after the top-level statements
        Assert.True(app.IndexOf("record Point(int X, int Y);", StringComparison.Ordinal) > app.IndexOf("NotebookApp.End();", StringComparison.Ordinal));
    }

    [Fact]
    public void Export_names_the_cell_it_cannot_export()
    {
        var e = Assert.Throws<RunnerException>(() => AppExport.Generate("99-test", Notebook(("code", "#r \"nuget: Foo\"\nvar a = 1;"))));
        Assert.Contains("cell 1", e.Message);
    }

    public static TheoryData<string> AllApps()
    {
        var data = new TheoryData<string>();
        foreach (var n in NotebookRunner.AllNotebooks(Root)) data.Add(n);
        return data;
    }

    /// <summary>The export works on syntax alone: compiling every app catches what it cannot see (e.g. a trailing void call).</summary>
    [Theory]
    [Trait("Category", "Notebooks")]
    [MemberData(nameof(AllApps))]
    public void App_compiles_with_dotnet_build(string name)
    {
        var (code, log) = Dotnet(["build", $"notebooks/apps/{name}.cs", "-nologo", "-v", "q"], null, TimeSpan.FromMinutes(10));
        Assert.True(code == 0, $"dotnet build notebooks/apps/{name}.cs exited with {code}:\n" +
            string.Join("\n", log.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct().Take(20)));
    }

    /// <summary>Minimum (images, charts) the report of each app run here must show (as NotebookTests asks of the notebooks).</summary>
    public static TheoryData<string, int, int> Apps() => new() { { "00-setup", 1, 1 }, { "03-gan", 1, 10 } };

    [Theory]
    [Trait("Category", "Notebooks")]
    [MemberData(nameof(Apps))]
    public void App_runs_with_dotnet_run_in_the_ci_profile_and_writes_the_report(string name, int images, int charts)
    {
        var outDir = Directory.CreateTempSubdirectory("gancourse-app-").FullName;
        try
        {
            var (code, log) = Dotnet(["run", $"notebooks/apps/{name}.cs"], outDir, TimeSpan.FromMinutes(10));
            Assert.True(code == 0, $"dotnet run notebooks/apps/{name}.cs exited with {code}:\n{log[^Math.Min(log.Length, 3000)..]}");
            Assert.Contains("profile ci", log);                                   // Course.Init() printed its line to the console
            Assert.Contains($"{name}: done", log);
            var ipynb = Path.Combine(outDir, name + ".ipynb");
            var html = Path.Combine(outDir, name + ".html");
            Assert.True(File.Exists(ipynb) && File.Exists(html), $"no report in {outDir}");
            var check = NotebookRunner.Inspect(File.ReadAllText(ipynb));
            Assert.Empty(check.Errors);
            Assert.True(check.Images >= images, $"{name} app: expected at least {images} image(s) in the report, got {check.Images}");
            Assert.True(check.Charts >= charts, $"{name} app: expected at least {charts} chart(s) in the report, got {check.Charts}");
            var page = File.ReadAllText(html);
            var text = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(page, "<[^>]+>", ""));
            Assert.Contains("Course.Init()", text);                                // the code cells (highlighted), as in the runner's export
            Assert.True(File.Exists(Path.Combine(outDir, "assets", "katex", "katex.min.js")), "the app copies KaTeX beside its report");
            Assert.Contains("profile ci", text);                                   // and what they printed
        }
        finally { Directory.Delete(outDir, recursive: true); }
    }

    /// <summary>Runs <c>dotnet ARGS</c> from the repository root in the ci profile, without the test host's MSBuild variables.</summary>
    static (int Code, string Log) Dotnet(string[] args, string? outDir, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "DOTNET_HOST_PATH").ToList())
            psi.Environment.Remove(key);
        psi.Environment["GANCOURSE_PROFILE"] = "ci";
        if (outDir is not null) psi.Environment["GANCOURSE_OUTPUT"] = outDir;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var sb = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (sb) sb.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (sb) sb.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return (124, sb.ToString() + $"\n(timed out after {timeout.TotalMinutes:F0} min)");
        }
        p.WaitForExit();
        return (p.ExitCode, sb.ToString());
    }
}
