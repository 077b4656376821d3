using GanCourse.Interactive;
using GanCourse.Runner;

namespace GanCourse.Tests;

/// <summary>The runner's progress line and the status file a live view writes for it (no kernel needed).</summary>
public class RunnerProgressTests
{
    [Fact]
    public void Progress_line_names_the_cell_its_times_and_the_live_views_status()
    {
        var line = CellProgress.Format("04-dcgan", new CellStart(23, 48, 11, 25), TimeSpan.FromSeconds(65),
            TimeSpan.FromSeconds(3727), "DCGAN: step 120/240 (50%)");
        Assert.Equal("  04-dcgan  cell 23 of 48 (code 11/25)  1:05 in cell, 1:02:07 in notebook  |  DCGAN: step 120/240 (50%)", line);
        Assert.DoesNotContain("|", CellProgress.Format("00-setup", new CellStart(2, 9, 1, 5), TimeSpan.Zero, TimeSpan.Zero, " "));
    }

    [Fact]
    public void In_a_log_a_long_cell_gets_a_line_with_the_latest_status_and_a_short_one_stays_silent()
    {
        var dir = Directory.CreateTempSubdirectory("gancourse-progress-").FullName;
        try
        {
            var status = Path.Combine(dir, "nb.progress");
            var log = new StringWriter();
            using (var p = new CellProgress("nb", TextWriter.Synchronized(log), live: false, status,
                       firstLogAfter: TimeSpan.FromMilliseconds(400), logEvery: TimeSpan.FromSeconds(30)))
            {
                p.OnCell(new CellStart(2, 5, 1, 2));
                Thread.Sleep(100);                       // a short cell: nothing written
                p.OnCell(new CellStart(4, 5, 2, 2));
                File.WriteAllText(status, "toy: step 7/10");
                Thread.Sleep(1500);
            }
            var text = log.ToString();
            Assert.DoesNotContain("cell 2 of 5", text);
            Assert.Contains("nb  cell 4 of 5 (code 2/2)", text);
            Assert.Contains("|  toy: step 7/10", text);
            Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // once, not every tick
            Assert.False(File.Exists(status), "the runner removes the status file when the notebook ends");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_new_cell_does_not_show_the_previous_cells_status()
    {
        var dir = Directory.CreateTempSubdirectory("gancourse-progress-").FullName;
        try
        {
            var status = Path.Combine(dir, "nb.progress");
            using var p = new CellProgress("nb", TextWriter.Null, live: false, status);
            p.OnCell(new CellStart(1, 3, 1, 2));
            File.WriteAllText(status, "old: step 10/10");
            Assert.Contains("old: step 10/10", p.Line());
            p.OnCell(new CellStart(3, 3, 2, 2));
            Assert.DoesNotContain("old", p.Line());
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void RunProgress_replaces_the_status_file_whole_and_never_throws()
    {
        var dir = Directory.CreateTempSubdirectory("gancourse-progress-").FullName;
        var before = Environment.GetEnvironmentVariable(RunProgress.Variable);
        try
        {
            var file = Path.Combine(dir, "s.progress");
            Environment.SetEnvironmentVariable(RunProgress.Variable, file);
            RunProgress.Report("step 1/3");
            RunProgress.Report("step 2/3\nwith a second line");
            Assert.Equal("step 2/3 with a second line", File.ReadAllText(file));
            Assert.Equal([file], Directory.GetFiles(dir)); // no temp file left behind

            var gone = Path.Combine(dir, "missing", "s.progress");
            Environment.SetEnvironmentVariable(RunProgress.Variable, gone);
            RunProgress.Report("step 3/3"); // the folder is gone: nothing written, training goes on
            Assert.False(File.Exists(gone));
        }
        finally
        {
            Environment.SetEnvironmentVariable(RunProgress.Variable, before);
            Directory.Delete(dir, recursive: true);
        }
    }
}
