using System.Diagnostics;
using GanCourse.Runner;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace GanCourse.Tests;

/// <summary>
/// Looks at an executed notebook the way a student would, with no network: exports 00-setup to HTML, opens it in
/// headless Chromium, and checks that plotly.js drew the chart (its SVG is in the DOM and the trace colour is on
/// screen) and that the image grid is visible. CI installs Chromium (.ci/run); elsewhere the test is skipped with
/// the install command.
/// </summary>
[Trait("Category", "Notebooks")]
public class OfflineRenderTests
{
    static readonly string Root = NotebookRunner.FindRepoRoot();
    static readonly string? Chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    [SkippableFact]
    public void Executed_setup_notebook_shows_a_drawn_chart_and_an_image_grid_offline()
    {
        Skip.If(Chromium is null, "Chromium is not installed: apt-get install chromium");
        NotebookRunner.EnsureTools(Root, TextWriter.Null);
        var outDir = Directory.CreateTempSubdirectory("gancourse-render-").FullName;
        try
        {
            var result = NotebookRunner.Run("00-setup", new RunOptions(Root, "ci", outDir, TimeSpan.FromMinutes(10)), TextWriter.Null);
            Assert.True(result.Ok, string.Join("; ", result.Errors));
            var html = Path.Combine(outDir, "00-setup.html");
            Assert.True(File.Exists(html), "the runner writes an HTML export next to the executed notebook");

            var dom = RunChromium(outDir, "--dump-dom", html);
            Assert.Contains("class=\"main-svg\"", dom);          // plotly.js ran and drew its SVG
            Assert.Contains("gancourse-figure js-plotly-plot", dom); // our figure div became a plot

            var png = Path.Combine(outDir, "shot.png");
            RunChromium(outDir, $"--screenshot={png}", html);
            using var shot = Image.Load<Rgb24>(png);
            int traceBlue = 0, grey = 0;
            shot.ProcessPixelRows(acc =>
            {
                for (int y = 0; y < acc.Height; y++)
                    foreach (var p in acc.GetRowSpan(y))
                    {
                        // Plotly's first trace colour #636efa
                        if (Math.Abs(p.R - 99) < 30 && Math.Abs(p.G - 110) < 30 && Math.Abs(p.B - 250) < 30) traceBlue++;
                        // the plane-wave grid: many mid-grey pixels with R = G = B
                        if (p.R == p.G && p.G == p.B && p.R is > 40 and < 215) grey++;
                    }
            });
            Assert.True(traceBlue > 150, $"the chart's line is not visible in the screenshot ({traceBlue} trace-coloured pixels)");
            Assert.True(grey > 4000, $"the image grid is not visible in the screenshot ({grey} grey pixels)");
        }
        finally { Directory.Delete(outDir, recursive: true); }
    }

    static string RunChromium(string workDir, string mode, string htmlPath)
    {
        var psi = new ProcessStartInfo(Chromium!) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDir };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     $"--user-data-dir={Path.Combine(workDir, "chrome-profile")}", "--window-size=1000,3200",
                     "--virtual-time-budget=8000", mode, new Uri(htmlPath).AbsoluteUri })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2))) { p.Kill(true); throw new TimeoutException("chromium did not finish in 2 minutes"); }
        return stdoutTask.Result;
    }
}
