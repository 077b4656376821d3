using GanCourse.Runner;

namespace GanCourse.Tests;

/// <summary>
/// Executes every notebook in the real .NET Interactive kernel (the runner's dotnet-interactive stdio) in the `ci` profile and checks the
/// executed copy: no error output in any cell, and the rich outputs the notebook promises.
/// </summary>
[Trait("Category", "Notebooks")]
public class NotebookTests
{
    static readonly string Root = NotebookRunner.FindRepoRoot();

    /// <summary>Minimum (images, charts) each notebook must show; a notebook not listed must show at least one of either.</summary>
    static readonly Dictionary<string, (int Images, int Charts)> Expected = new()
    {
        ["00-setup"] = (1, 1),
        ["01-autoencoders"] = (16, 12),
        ["01b-explicit-density"] = (10, 9),
        ["02-naive-generator"] = (0, 6),
        ["03-gan"] = (1, 10),
        ["03b-mode-collapse"] = (2, 12),
        ["04-dcgan"] = (27, 5),
        ["05-cgan"] = (9, 10),
        ["05b-bigan"] = (4, 2),
        ["06-wgan-gp"] = (9, 24),
        ["07-progan"] = (17, 4),
        ["08-stylegan"] = (12, 5),
        ["09-image-translation"] = (15, 10),
    };

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var n in NotebookRunner.AllNotebooks(Root)) data.Add(n);
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_runs_in_ci_profile_with_its_charts_and_images_and_no_errors(string name)
    {
        NotebookRunner.EnsureTools(Root, TextWriter.Null);
        var outDir = Directory.CreateTempSubdirectory("gancourse-nb-").FullName;
        try
        {
            var result = NotebookRunner.Run(name, new RunOptions(Root, "ci", outDir, TimeSpan.FromMinutes(10)), TextWriter.Null);
            Assert.True(result.Ok, $"{name}: {string.Join("; ", result.Errors)}\n{result.Log[^Math.Min(result.Log.Length, 2000)..]}");
            Assert.True(result.CodeCells > 0);
            var (images, charts) = Expected.GetValueOrDefault(name, (0, 0));
            Assert.True(result.Images >= images, $"{name}: expected at least {images} image(s), got {result.Images}");
            Assert.True(result.Charts >= charts, $"{name}: expected at least {charts} chart(s), got {result.Charts}");
            Assert.True(result.Images + result.Charts > 0, $"{name}: shows no image and no chart");
            Assert.True(File.Exists(Path.Combine(outDir, name + ".ipynb")));
            // the run-built text ("What this run measured ...") states only numbers the run's tables hold
            var unsupported = RunStatements.Unsupported(File.ReadAllText(Path.Combine(outDir, name + ".ipynb")), out _);
            Assert.True(unsupported.Count == 0, $"{name}: the notebook's text says {string.Join("; ", unsupported)}");
        }
        finally { Directory.Delete(outDir, recursive: true); }
    }

    [Fact]
    public void Committed_notebooks_are_clean_and_load_the_library_in_their_first_code_cell()
    {
        foreach (var name in NotebookRunner.AllNotebooks(Root))
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "notebooks", name + ".ipynb")))!;
            var code = json["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code").ToList();
            Assert.All(code, c => Assert.Empty(c!["outputs"]!.AsArray()));
            var first = string.Concat(code[0]!["source"]!.AsArray().Select(x => (string?)x));
            Assert.Contains("#r \"../lib/bin/GanCourse.dll\"", first);
            Assert.Contains("Course.Init(", first);
            // nbformat 4.5: every cell has an id, unique within the notebook (Jupyter refuses notebooks without them)
            Assert.Equal(5, (int)json["nbformat_minor"]!);
            var ids = json["cells"]!.AsArray().Select(c => (string?)c!["id"]).ToList();
            Assert.All(ids, id => Assert.False(string.IsNullOrWhiteSpace(id), $"{name}: a cell has no id"));
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }
    }

    [Fact]
    public void Runner_rejects_unknown_notebooks_and_unwritable_output_with_one_line_errors()
    {
        var e = Assert.Throws<RunnerException>(() => NotebookRunner.Resolve(Root, ["99-nope"]));
        Assert.Contains("Unknown notebook '99-nope'", e.Message);
        Assert.Contains("00-setup", e.Message);
        Assert.Equal(["00-setup"], NotebookRunner.Resolve(Root, ["00"]));

        var file = Path.GetTempFileName(); // a file where a folder is expected
        try
        {
            var w = Assert.Throws<RunnerException>(() => NotebookRunner.PrepareOutput(Path.Combine(file, "out")));
            Assert.Contains("--out", w.Message);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Inspection_names_the_failing_cell_and_counts_rich_outputs()
    {
        const string ipynb = """
            {"cells":[
              {"cell_type":"markdown","source":["# t"]},
              {"cell_type":"code","outputs":[{"output_type":"display_data","data":{"text/html":"<img src=\"data:image/png;base64,iVBO\"/>"}}]},
              {"cell_type":"code","outputs":[{"output_type":"display_data","data":{"text/html":["<div id=\"a\" class=\"gancourse-figure\"></div>"]}}]},
              {"cell_type":"code","outputs":[{"output_type":"error","ename":"Error","evalue":"System.Exception: boom","traceback":[]}]}
            ]}
            """;
        var r = NotebookRunner.Inspect(ipynb);
        Assert.Equal(3, r.CodeCells);
        Assert.Equal(1, r.Images);
        Assert.Equal(1, r.Charts);
        var err = Assert.Single(r.Errors);
        Assert.Equal(4, err.Cell); // the fourth cell, counting from 1
        Assert.Contains("boom", err.Message);
    }
}
