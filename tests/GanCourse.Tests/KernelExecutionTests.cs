using System.Text.Json.Nodes;
using GanCourse.Runner;

namespace GanCourse.Tests;

/// <summary>
/// The runner's own execution engine (<see cref="KernelClient"/> + <see cref="NotebookExecution"/>) on small
/// synthetic notebooks in a real dotnet-interactive kernel: nbformat outputs, a failing cell stops the run, the
/// per-cell limit, and a live view's status reaching the runner's progress line.
/// </summary>
[Trait("Category", "Notebooks")]
public class KernelExecutionTests
{
    static readonly string Root = NotebookRunner.FindRepoRoot();

    static string Notebook(params string[] codeCells)
    {
        var cells = new JsonArray();
        cells.Add(new JsonObject { ["cell_type"] = "markdown", ["id"] = "md0", ["metadata"] = new JsonObject(), ["source"] = "# test" });
        for (int i = 0; i < codeCells.Length; i++)
            cells.Add(new JsonObject
            {
                ["cell_type"] = "code", ["id"] = $"c{i}", ["metadata"] = new JsonObject(), ["execution_count"] = null,
                ["outputs"] = new JsonArray(), ["source"] = codeCells[i],
            });
        return new JsonObject
        {
            ["cells"] = cells, ["nbformat"] = 4, ["nbformat_minor"] = 5,
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = ".net-csharp", ["display_name"] = ".NET (C#)", ["language"] = "C#" } },
        }.ToJsonString();
    }

    static ExecutionResult Execute(string notebook, TimeSpan cellTimeout, Dictionary<string, string>? env = null, Action<CellStart>? onCell = null)
    {
        NotebookRunner.EnsureTools(Root, TextWriter.Null);
        using var kernel = KernelClient.Start(Path.Combine(Root, "notebooks"), env ?? [], TimeSpan.FromMinutes(3));
        return NotebookExecution.Run(notebook, kernel, cellTimeout, DateTime.UtcNow.AddMinutes(5), onCell);
    }

    static JsonArray Outputs(ExecutionResult r, int codeCell) =>
        JsonNode.Parse(r.ExecutedJson)!["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code").ElementAt(codeCell)!["outputs"]!.AsArray();

    [Fact]
    public void Outputs_are_saved_as_nbformat_and_a_failing_cell_stops_the_run()
    {
        var starts = new List<CellStart>();
        var r = Execute(Notebook(
            "Console.Write(\"a\"); Console.WriteLine(\"b\");\nvar d = display(\"first\"); d.Update(\"second\");\n40 + 2",
            "throw new InvalidOperationException(\"the data folder is missing\");",
            "Console.WriteLine(\"never\");"), TimeSpan.FromMinutes(2), onCell: starts.Add);

        Assert.Equal(CellOutcome.Failed, r.Stop);
        Assert.Equal((2, 1), (r.CodeCellsRun, r.CodeCellsNotRun));
        Assert.Equal([new CellStart(2, 4, 1, 3), new CellStart(3, 4, 2, 3)], starts);

        var first = Outputs(r, 0);
        Assert.Equal(["stream", "display_data", "execute_result"], first.Select(o => (string?)o!["output_type"]));
        Assert.Equal("ab\n", (string?)first[0]!["text"]);                       // two writes, one stream output
        Assert.Equal("second", (string?)first[1]!["data"]!["text/plain"]);      // updated in place, not appended
        Assert.Contains("42", (string?)first[2]!["data"]!["text/html"]);
        Assert.Equal(1, (int)first[2]!["execution_count"]!);

        var error = Assert.Single(Outputs(r, 1));
        Assert.Equal("System.InvalidOperationException", (string?)error!["ename"]);
        Assert.Equal("the data folder is missing", (string?)error["evalue"]);
        Assert.Empty(Outputs(r, 2));

        // the runner's checker names the failing cell as an editor counts it (markdown included)
        var e = Assert.Single(NotebookRunner.Inspect(r.ExecutedJson).Errors);
        Assert.Equal(3, e.Cell);
        Assert.Contains("the data folder is missing", e.Message);

        if (JupyterEnvironment.Python("nbformat") is { } py)
        {
            var file = Path.GetTempFileName();
            try
            {
                File.WriteAllText(file, r.ExecutedJson);
                var (code, output) = JupyterEnvironment.Exec(py, ["-c", "import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print('valid')", file], TimeSpan.FromMinutes(1));
                Assert.True(code == 0 && output.Contains("valid"), $"the executed notebook is not valid nbformat: {output}");
            }
            finally { File.Delete(file); }
        }
    }

    [Fact]
    public void A_cell_past_its_limit_stops_the_kernel_and_says_which_option_raises_it()
    {
        var r = Execute(Notebook("1 + 1", "System.Threading.Thread.Sleep(60_000);", "2 + 2"), TimeSpan.FromSeconds(8));
        Assert.Equal(CellOutcome.TimedOut, r.Stop);
        Assert.Equal((2, 1), (r.CodeCellsRun, r.CodeCellsNotRun));
        var e = Assert.Single(NotebookRunner.Inspect(r.ExecutedJson).Errors);
        Assert.Equal(3, e.Cell);
        Assert.Contains("per-cell limit of 8 s", e.Message);
        Assert.Contains("--cell-timeout-min", e.Message);
    }

    [Fact]
    public void A_headless_training_view_in_the_kernel_reaches_the_runners_progress_line()
    {
        var dir = Directory.CreateTempSubdirectory("gancourse-kernel-").FullName;
        try
        {
            var status = Path.Combine(dir, "nb.progress");
            var dll = Path.Combine(Root, "lib", "bin", "GanCourse.dll").Replace("\\", "/");
            var log = new StringWriter();
            var sync = TextWriter.Synchronized(log);
            using (var progress = new CellProgress("toy-notebook", sync, live: false, status, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)))
            {
                var r = Execute(Notebook(
                    $"#r \"{dll}\"",
                    """
                    var view = new GanCourse.Visuals.TrainingView("toy GAN", 10) { MinInterval = TimeSpan.Zero }.Show();
                    for (int i = 1; i <= 4; i++) view.Report(i, new Dictionary<string, float> { ["loss_D"] = 0.5f });
                    System.Threading.Thread.Sleep(2500);
                    view.Complete();
                    """), TimeSpan.FromMinutes(2),
                    new() { ["GANCOURSE_HEADLESS"] = "1", ["GANCOURSE_PROGRESS"] = status }, progress.OnCell);
                Assert.Null(r.Stop);
                Assert.Single(Outputs(r, 1), o => (string?)o!["output_type"] == "display_data"); // final state only
            }
            var text = log.ToString();
            Assert.Contains("toy-notebook  cell 3 of 3 (code 2/2)", text);
            Assert.Matches(@"\|  toy GAN: step [1-4]/10", text);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
