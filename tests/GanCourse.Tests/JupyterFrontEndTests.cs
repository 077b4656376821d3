using GanCourse.Runner;

namespace GanCourse.Tests;

/// <summary>
/// Jupyter as a front-end: executes notebooks through nbclient (what <c>jupyter nbconvert --execute</c>,
/// JupyterLab and VS Code's Jupyter extension drive) with the .NET Interactive kernel spec <c>.net-csharp</c>, in
/// the <c>ci</c> profile with the notebooks folder as working folder, and checks the executed copy as
/// <see cref="NotebookTests"/> does. Skipped, with the reason, when Jupyter or the kernel spec is missing
/// (<c>tools/jupyter/install.sh</c> installs both; <c>.ci/run</c> calls it).
/// </summary>
[Trait("Category", "JupyterFrontEnd")]
[Trait("Category", "Notebooks")]
public class JupyterFrontEndTests
{
    static readonly string Root = NotebookRunner.FindRepoRoot();

    [SkippableTheory]
    [InlineData("00-setup", 1, 1)]
    [InlineData("02-naive-generator", 0, 6)]
    public void Notebook_runs_in_Jupyter_with_the_dotnet_kernel_and_shows_its_charts_and_images(string name, int minImages, int minCharts)
    {
        var why = JupyterEnvironment.WhyNotAvailable();
        Skip.If(why is not null, why);
        NotebookRunner.EnsureLibraryBuilt(Root);
        NotebookRunner.EnsureTools(Root, TextWriter.Null); // the kernel spec's `dotnet interactive` is a local tool

        var outDir = Directory.CreateTempSubdirectory("gancourse-jupyter-").FullName;
        try
        {
            var executed = Path.Combine(outDir, name + ".ipynb");
            var (code, log) = JupyterEnvironment.Exec(JupyterEnvironment.Python("nbformat", "nbclient", "jupyter_client")!,
                [Path.Combine(Root, "tools", "jupyter", "execute.py"), Path.Combine(Root, "notebooks", name + ".ipynb"), executed, "--kernel", ".net-csharp"],
                TimeSpan.FromMinutes(10), cwd: Path.Combine(Root, "notebooks"),
                env: new Dictionary<string, string>
                {
                    ["GANCOURSE_PROFILE"] = "ci",
                    ["GANCOURSE_OUTPUT"] = outDir,
                    ["GANCOURSE_HEADLESS"] = "1",
                    ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                    ["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1",
                    ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1",
                });
            Assert.True(code == 0 && File.Exists(executed), $"{name}: nbclient failed (exit {code}): {log[^Math.Min(log.Length, 2000)..]}");

            var r = NotebookRunner.Inspect(File.ReadAllText(executed));
            Assert.True(r.Errors.Count == 0, $"{name}: {string.Join("; ", r.Errors)}");
            Assert.True(r.CodeCells > 0);
            Assert.True(r.Images >= minImages, $"{name}: expected at least {minImages} image(s), got {r.Images}");
            Assert.True(r.Charts >= minCharts, $"{name}: expected at least {minCharts} chart(s), got {r.Charts}");
        }
        finally { Directory.Delete(outDir, recursive: true); }
    }
}
