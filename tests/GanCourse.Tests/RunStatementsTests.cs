using System.Text.Json.Nodes;

namespace GanCourse.Tests;

/// <summary>The check that a notebook's run-built text agrees with its tables (used on every executed notebook by NotebookTests).</summary>
public class RunStatementsTests
{
    static string Notebook(params string[] htmlOutputs) => new JsonObject
    {
        ["cells"] = new JsonArray(htmlOutputs.Select(h => (JsonNode)new JsonObject
        {
            ["cell_type"] = "code",
            ["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "display_data", ["data"] = new JsonObject { ["text/html"] = h } }),
        }).ToArray()),
    }.ToJsonString();

    const string TableHtml = "<div class=\"gancourse-table\"><table><tr><th>Run</th><th>FD ↓</th><th>High quality</th></tr>" +
                             "<tr><td>GAN</td><td>107</td><td>81.5 %</td></tr><tr><td>WGAN-GP</td><td>1,234</td><td>0.2 %</td></tr></table></div>";

    [Fact]
    public void Text_that_the_tables_hold_passes_and_a_number_they_do_not_hold_is_named()
    {
        var ok = Notebook(TableHtml, "<div class=\"gancourse-prose\"><p>GAN: FD 106.7, 81.5% high-quality; WGAN-GP FD 1,234, 0.2% high-quality samples</p></div>");
        Assert.Empty(RunStatements.Unsupported(ok, out var claims));
        Assert.Equal(4, claims);

        var bad = Notebook(TableHtml, "<div class=\"gancourse-prose\"><p>GAN: FD 58.3 and 95.9% high-quality samples</p></div>");
        Assert.Equal(["FD 58.3 (no results table of the run has it)", "high-quality share 95.9 (no results table of the run has it)"],
            RunStatements.Unsupported(bad, out _));
    }

    [Theory]
    [InlineData("106.7", "107", true)]
    [InlineData("106.7", "106.66", true)]
    [InlineData("106.7", "105", false)]
    [InlineData("0.8", "0.84", true)]
    [InlineData("0.8", "0.9", false)]
    [InlineData("2.079", "2.08", true)]
    public void Numbers_agree_to_the_precision_of_the_coarser(string a, string b, bool agree) =>
        Assert.Equal(agree, RunStatements.Agree(a, b));
}
