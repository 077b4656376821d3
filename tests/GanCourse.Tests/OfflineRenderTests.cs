using System.Diagnostics;
using GanCourse.Runner;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace GanCourse.Tests;

/// <summary>
/// Looks at an executed notebook the way a student would, with no network: exports 00-setup to HTML, opens it in
/// headless Chromium, and checks that plotly.js drew the chart (its SVG is in the DOM and the trace colour is on
/// screen) and that the image grid is visible. CI installs Chromium (.ci/run); elsewhere the test is skipped with
/// the install command. The other tests render synthetic notebooks (no kernel) to check that KaTeX draws the
/// formulas (DOM and pixels), that <c>?present</c> opens the presentation mode, that the index page renders, and
/// that every formula of every course notebook renders without a KaTeX error.
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
            Assert.True(File.Exists(Path.Combine(outDir, "assets", "katex", "katex.min.js")), "the runner copies KaTeX beside the HTML, so formulas render offline");
            Assert.True(File.Exists(Path.Combine(outDir, "index.html")), "the runner writes the index page of the run");

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

    /// <summary>
    /// Runs headless Chromium on a page (an HTML path, or a file URL with a query such as <c>?present</c>) with
    /// <paramref name="mode"/> (<c>--dump-dom</c>, or <c>--screenshot=PATH</c>); stdout (the DOM for --dump-dom).
    /// </summary>
    internal static string RunChromium(string workDir, string mode, string htmlPathOrUrl, string windowSize = "1000,3200", int virtualTimeMs = 8000)
    {
        var url = htmlPathOrUrl.StartsWith("file:", StringComparison.Ordinal) ? htmlPathOrUrl : new Uri(htmlPathOrUrl).AbsoluteUri;
        var psi = new ProcessStartInfo(Chromium!) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDir };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                     $"--user-data-dir={Path.Combine(workDir, "chrome-profile")}", $"--window-size={windowSize}",
                     $"--virtual-time-budget={virtualTimeMs}", mode, url })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2))) { p.Kill(true); throw new TimeoutException("chromium did not finish in 2 minutes"); }
        return stdoutTask.Result;
    }

    // ---- formulas, presentation mode and the index page, from synthetic notebooks (no kernel: fast) ----

    const string Formula = @"\mathcal{L}(f,g)=\frac{1}{2}\sum_i x_i^2";

    static string MathNotebook(string formulaLine) => HtmlExportTests.Notebook(
        ("markdown", "# Offline formulas\nThe loss is written below; nothing else follows it."),
        ("markdown", formulaLine));

    static Rectangle DarkBox(Image<Rgb24> img, out int dark)
    {
        int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1, n = 0;
        img.ProcessPixelRows(acc =>
        {
            for (int y = 0; y < acc.Height; y++)
            {
                var row = acc.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                    if (row[x].R + row[x].G + row[x].B < 3 * 110)
                    {
                        n++;
                        minX = Math.Min(minX, x); maxX = Math.Max(maxX, x); minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
                    }
            }
        });
        dark = n;
        return maxX < 0 ? Rectangle.Empty : new Rectangle(minX, minY, maxX - minX + 1, maxY - minY + 1);
    }

    static int DarkBelow(Image<Rgb24> img, int y0)
    {
        int n = 0;
        img.ProcessPixelRows(acc =>
        {
            for (int y = y0; y < acc.Height; y++)
                foreach (var p in acc.GetRowSpan(y))
                    if (p.R + p.G + p.B < 3 * 110) n++;
        });
        return n;
    }

    [SkippableFact]
    public void Display_formula_is_drawn_by_katex_offline()
    {
        Skip.If(Chromium is null, "Chromium is not installed: apt-get install chromium");
        var dir = Directory.CreateTempSubdirectory("gancourse-math-").FullName;
        try
        {
            var withMath = Path.Combine(dir, "math.html");
            var without = Path.Combine(dir, "nomath.html");
            NotebookHtml.Write(withMath, MathNotebook("$$" + Formula + "$$"), "math");
            NotebookHtml.Write(without, MathNotebook(""), "no math");

            var dom = RunChromium(dir, "--dump-dom", withMath, "1000,700", 5000);
            Assert.Contains("class=\"katex\"", dom);
            Assert.Contains("class=\"katex-display\"", dom);
            Assert.DoesNotContain("katex-error", dom);
            Assert.DoesNotContain("$$", dom);
            Assert.Contains("mfrac", dom); // KaTeX's MathML copy of \frac

            var shotMath = Path.Combine(dir, "math.png");
            var shotPlain = Path.Combine(dir, "nomath.png");
            RunChromium(dir, $"--screenshot={shotMath}", withMath, "1000,700", 5000);
            RunChromium(dir, $"--screenshot={shotPlain}", without, "1000,700", 5000);
            using var a = Image.Load<Rgb24>(shotMath);
            using var b = Image.Load<Rgb24>(shotPlain);
            // The page without the formula ends with the text above it: everything dark below that is the formula.
            var textBox = DarkBox(b, out _);
            Assert.False(textBox.IsEmpty, "the page without the formula shows no text at all");
            int below = textBox.Bottom + 4;
            Assert.Equal(0, DarkBelow(b, below));
            var formulaBox = BoxBelow(a, below, out var glyphs);
            // Drawn by KaTeX: many glyph pixels, centred (display math), and tall (a stacked fraction and a sum with
            // its index below): a line of raw LaTeX source would be one ~16 px text line starting at the left margin.
            Assert.True(glyphs > 400, $"only {glyphs} dark pixels where the formula should be");
            Assert.True(formulaBox.Height >= 32, $"the formula is {formulaBox.Height} px tall: KaTeX did not lay it out ({formulaBox})");
            var centre = formulaBox.Left + formulaBox.Width / 2;
            Assert.InRange(centre, 500 - 60, 500 + 60);
            Assert.True(formulaBox.Left > textBox.Left + 100, $"the formula starts at x={formulaBox.Left}, like left-aligned text");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    static Rectangle BoxBelow(Image<Rgb24> img, int y0, out int dark)
    {
        using var crop = img.Clone(c => c.Crop(new Rectangle(0, y0, img.Width, img.Height - y0)));
        var box = DarkBox(crop, out dark);
        return box.IsEmpty ? box : new Rectangle(box.X, box.Y + y0, box.Width, box.Height);
    }

    [SkippableFact]
    public void Presentation_mode_opens_from_the_url_with_one_visible_slide()
    {
        Skip.If(Chromium is null, "Chromium is not installed: apt-get install chromium");
        var dir = Directory.CreateTempSubdirectory("gancourse-present-").FullName;
        try
        {
            var page = Path.Combine(dir, "deck.html");
            var json = HtmlExportTests.Notebook(
                ("markdown", "# Slide one\nThe generator maps $z \\sim \\mathcal{N}(0, I)$ to images."),
                ("code", "var g = new Generator(64); // a comment"),
                ("markdown", "## Slide two\n$$\\min_G \\max_D V(D,G)$$"),
                ("markdown", "## Slide three\nlast"));
            NotebookHtml.Write(page, json, "deck");
            Assert.Equal(3, NotebookHtml.CountSections(json));
            var url = new Uri(page).AbsoluteUri + "?present";
            var dom = RunChromium(dir, "--dump-dom", url, "1280,720", 5000);
            Assert.Matches("<body class=\"[^\"]*\\bpresent\\b", dom);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(dom, "class=\"gc-slide current\""));
            Assert.Contains("1 / 3", dom);
            Assert.DoesNotContain("katex-error", dom);
            var shot = Path.Combine(dir, "present.png");
            RunChromium(dir, $"--screenshot={shot}", url, "1280,720", 5000);
            KeepScreenshot(shot, "present.png");
            // the keys, pressed in the page: p presents (at the section in view: the first), ArrowRight and space move on,
            // ArrowLeft back, c hides the code
            var keys = Path.Combine(dir, "keys.html");
            File.WriteAllText(keys, File.ReadAllText(page).Replace("</body>",
                "<script>['p','ArrowRight',' ','ArrowLeft','c'].forEach(function(k){document.dispatchEvent(new KeyboardEvent('keydown',{key:k,bubbles:true}));});</script></body>"));
            var pressed = RunChromium(dir, "--dump-dom", keys, "1280,720", 3000);
            Assert.Matches("<body class=\"present hide-code\"", pressed);
            Assert.Contains("2 / 3", pressed);
            Assert.Contains("Show code", pressed);
            var left = Path.Combine(dir, "left.html");
            File.WriteAllText(left, File.ReadAllText(page).Replace("</body>",
                "<script>['p','End','Escape'].forEach(function(k){document.dispatchEvent(new KeyboardEvent('keydown',{key:k,bubbles:true}));});</script></body>"));
            var escaped = RunChromium(dir, "--dump-dom", left, "1280,720", 3000);
            Assert.Matches("<body( class=\"\")?>", escaped);
            Assert.DoesNotContain("gc-slide current", escaped);
            RunChromium(dir, $"--screenshot={Path.Combine(dir, "normal.png")}", page, "1000,900", 5000);
            KeepScreenshot(Path.Combine(dir, "normal.png"), "normal.png");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [SkippableFact]
    public void A_chart_on_a_later_slide_is_drawn_and_sized_in_presentation_mode()
    {
        Skip.If(Chromium is null, "Chromium is not installed: apt-get install chromium");
        var dir = Directory.CreateTempSubdirectory("gancourse-present-chart-").FullName;
        try
        {
            var chart = GanCourse.Visuals.Charts.Lines("Losses", "step", "loss",
                new GanCourse.Visuals.Series("D", [0, 1, 2, 3, 4], [1.4, 1.1, 0.9, 0.8, 0.75])).ToHtml(includeBundle: true);
            var nb = System.Text.Json.Nodes.JsonNode.Parse(HtmlExportTests.Notebook(
                ("markdown", "# Title slide"), ("markdown", "## The chart"), ("code", "Charts.Lines(...)")))!;
            nb["cells"]![2]!["outputs"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["output_type"] = "display_data",
                ["data"] = new System.Text.Json.Nodes.JsonObject { ["text/html"] = chart },
                ["metadata"] = new System.Text.Json.Nodes.JsonObject(),
            });
            var page = Path.Combine(dir, "chart.html");
            NotebookHtml.Write(page, nb.ToJsonString(), "chart");
            var url = new Uri(page).AbsoluteUri + "?present=2";
            var dom = RunChromium(dir, "--dump-dom", url, "1280,720", 8000);
            Assert.Contains("2 / 2", dom);
            var current = dom[dom.IndexOf("class=\"gc-slide current\"", StringComparison.Ordinal)..];
            Assert.Contains("class=\"main-svg\"", current); // plotly drew the chart on the slide shown
            var shot = Path.Combine(dir, "present-chart.png");
            RunChromium(dir, $"--screenshot={shot}", url, "1280,720", 8000);
            KeepScreenshot(shot, "present-chart.png");
            using var img = Image.Load<Rgb24>(shot);
            int traceBlue = 0;
            img.ProcessPixelRows(acc =>
            {
                for (int y = 0; y < acc.Height; y++)
                    foreach (var p in acc.GetRowSpan(y))
                        if (Math.Abs(p.R - 99) < 30 && Math.Abs(p.G - 110) < 30 && Math.Abs(p.B - 250) < 30) traceBlue++;
            });
            Assert.True(traceBlue > 150, $"the chart's line is not visible on the slide ({traceBlue} trace-coloured pixels)");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [SkippableFact]
    public void Index_page_lists_the_recorded_notebooks()
    {
        Skip.If(Chromium is null, "Chromium is not installed: apt-get install chromium");
        var dir = Directory.CreateTempSubdirectory("gancourse-index-").FullName;
        try
        {
            NotebookHtml.Write(Path.Combine(dir, "00-a.html"), MathNotebook("$$x$$"), "00-a");
            ResultsLog.Record(dir, "ci", new NotebookResult("00-a", true, TimeSpan.FromSeconds(12.3), 3, 1, 2, [], null, "")
                { Tables = [new ResultTable("Image quality", ["Run", "FD"], [["DCGAN", "12.5"]])] });
            ResultsLog.Record(dir, "ci", new NotebookResult("01-b", false, TimeSpan.FromSeconds(5), 3, 0, 0, [new CellError(2, "boom")], null, ""));
            var index = Path.Combine(dir, CourseIndex.FileName);
            var dom = RunChromium(dir, "--dump-dom", index, "1000,500", 2000);
            Assert.Contains("<a href=\"00-a.html\">00-a</a>", dom);
            Assert.Contains("FD = 12.5 (Image quality)", dom);
            Assert.Contains("FAIL", dom);
            var shot = Path.Combine(dir, "index.png");
            RunChromium(dir, $"--screenshot={shot}", index, "1000,500", 2000);
            KeepScreenshot(shot, "index.png");
            using var img = Image.Load<Rgb24>(shot);
            Assert.True(DarkBox(img, out var dark).Height > 60 && dark > 500, "the index page shows no table");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    public static IEnumerable<object[]> NotebookNames() =>
        NotebookRunner.AllNotebooks(Root).Select(n => new object[] { n });

    /// <summary>Every formula of every notebook renders: the unexecuted source is enough for the Markdown.</summary>
    [SkippableTheory]
    [MemberData(nameof(NotebookNames))]
    public void Every_formula_of_the_notebook_renders_without_a_katex_error(string notebook)
    {
        Skip.If(Chromium is null, "Chromium is not installed: apt-get install chromium");
        var dir = Directory.CreateTempSubdirectory("gancourse-nbmath-").FullName;
        try
        {
            var json = File.ReadAllText(Path.Combine(Root, "notebooks", notebook + ".ipynb"));
            var page = Path.Combine(dir, notebook + ".html");
            NotebookHtml.Write(page, json, notebook);
            if (Environment.GetEnvironmentVariable("GANCOURSE_SHOTS") is { Length: > 0 } keep)
                NotebookHtml.Write(Path.Combine(keep, notebook + ".html"), json, notebook); // for a person to open
            var formulas = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(page), "<span class=\"math (inline|display)\">").Count;
            var dom = RunChromium(dir, "--dump-dom", page, "1000,800", 5000);
            var errors = System.Text.RegularExpressions.Regex.Matches(dom, "class=\"katex-error\"[^>]*title=\"([^\"]*)\"[^>]*>([^<]*)")
                .Select(m => $"{System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)} in `{System.Net.WebUtility.HtmlDecode(m.Groups[2].Value)}`").ToList();
            Assert.True(errors.Count == 0, $"{notebook}: {errors.Count} of {formulas} formulas fail in KaTeX: " + string.Join(" | ", errors));
            var rendered = System.Text.RegularExpressions.Regex.Matches(dom, "<span class=\"katex\"").Count;
            Assert.Equal(formulas, rendered);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>Keeps a screenshot for a person to look at when GANCOURSE_SHOTS names a folder.</summary>
    static void KeepScreenshot(string png, string name)
    {
        var keep = Environment.GetEnvironmentVariable("GANCOURSE_SHOTS");
        if (string.IsNullOrEmpty(keep)) return;
        Directory.CreateDirectory(keep);
        File.Copy(png, Path.Combine(keep, name), overwrite: true);
    }
}
