using GanCourse.Runner;
using GanCourse.Visuals;

namespace GanCourse.Tests;

/// <summary>The runner's machine-readable record: tables read back from the library's Table HTML, one line per notebook.</summary>
public class ResultsLogTests
{
    [Fact]
    public void Tables_are_read_back_from_the_html_the_library_writes()
    {
        var t = Table.From(new[] { new { Run = "a <b>", FD = 12.5, KID = 0.0123 }, new { Run = "c|d", FD = 3.0, KID = 1e-5 } }, title: "Quality & co");
        var tables = ResultsLog.Tables(["<p>other</p>", t.ToHtml() + t.ToHtml()]);
        Assert.Equal(2, tables.Count);
        Assert.Equal("Quality & co", tables[0].Title);
        Assert.Equal(["Run", "FD", "KID"], tables[0].Columns);
        Assert.Equal(2, tables[0].Rows.Count);
        Assert.Equal(["a <b>", "12.5", "0.0123"], tables[0].Rows[0]);
        Assert.Equal("c|d", tables[1].Rows[1][0]);
    }

    [Fact]
    public void Record_replaces_the_notebooks_line()
    {
        var dir = Directory.CreateTempSubdirectory("gancourse-results-").FullName;
        try
        {
            NotebookResult R(string name, double s) => new(name, true, TimeSpan.FromSeconds(s), 3, 1, 2, [], null, "") { PeakRssMb = 500 };
            ResultsLog.Record(dir, "ci", R("01-b", 10));
            ResultsLog.Record(dir, "ci", R("00-a", 5));
            ResultsLog.Record(dir, "ci", R("01-b", 20));
            var lines = File.ReadAllLines(Path.Combine(dir, ResultsLog.FileName));
            Assert.Equal(2, lines.Length);
            Assert.Contains("\"notebook\":\"00-a\"", lines[0]);
            Assert.Contains("\"wall_s\":20", lines[1]);
            Assert.Contains("\"peak_rss_mb\":500", lines[1]);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
