using System.Text.Json.Nodes;
using GanCourse.Runner;

namespace GanCourse.Tests;

/// <summary>
/// The HTML export without a browser: formulas kept away from the Markdown inline rules, C# highlighting, slides
/// (sections) per heading, the index page's headline metric, and NotebookHtml.Write's assets. The browser side
/// (KaTeX drawing glyphs, presentation mode) is in OfflineRenderTests.
/// </summary>
public class HtmlExportTests
{
    // ---- math in Markdown ----

    [Fact]
    public void Inline_math_keeps_underscores_and_stars_away_from_emphasis()
    {
        var html = Markdown.ToHtml("Loss $a_b * c_d$ and *real emphasis* and $x_i^2$.");
        Assert.Contains("<span class=\"math inline\">a_b * c_d</span>", html);
        Assert.Contains("<span class=\"math inline\">x_i^2</span>", html);
        Assert.Contains("<em>real emphasis</em>", html);
        Assert.DoesNotContain("<em> c", html);
    }

    [Fact]
    public void Display_math_may_span_lines_and_is_html_encoded()
    {
        var html = Markdown.ToHtml("Before.\n\n$$\n\\min_G \\max_D V(D,G) = \\mathbb{E}[\\log D(x)]\n  + a<b * c*d\n$$\n\nAfter.");
        Assert.Contains("<span class=\"math display\">\\min_G \\max_D V(D,G) = \\mathbb{E}[\\log D(x)]\n  + a&lt;b * c*d</span>", html);
        Assert.Contains("<p>Before.</p>", html);
        Assert.Contains("<p>After.</p>", html);
        Assert.DoesNotContain("$$", html);
    }

    [Fact]
    public void Display_math_inside_a_paragraph_and_a_list_item()
    {
        var html = Markdown.ToHtml("The value $$V = \\frac{1}{2}$$ is it.\n\n- item with $\\lambda_{GP}$ and **bold**");
        Assert.Contains("<p>The value <span class=\"math display\">V = \\frac{1}{2}</span> is it.</p>", html);
        Assert.Contains("<li>item with <span class=\"math inline\">\\lambda_{GP}</span> and <strong>bold</strong></li>", html);
    }

    [Theory]
    [InlineData("It costs $5 or $10 a month.")]
    [InlineData("Between $ 3 and 4 $ nothing.")]
    [InlineData("A lone $ sign.")]
    public void Currency_and_stray_dollars_are_not_math(string md)
    {
        var html = Markdown.ToHtml(md);
        Assert.DoesNotContain("class=\"math", html);
        Assert.Contains("$", html);
    }

    [Fact]
    public void Escaped_dollars_and_dollars_in_code_stay_text()
    {
        var html = Markdown.ToHtml("Price \\$3 and \\$4, `$\"x {a_b}\"` stays code, $y$ is math.\n\n```\nvar s = $\"{a} $b$\";\n```");
        Assert.Contains("Price $3 and $4", html);
        Assert.Contains("<code>$&quot;x {a_b}&quot;</code>", html);
        Assert.Contains("<span class=\"math inline\">y</span>", html);
        Assert.Contains("var s = $&quot;{a} $b$&quot;;", html);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "class=\"math"));
    }

    [Fact]
    public void Block_quotes_hold_markdown_and_math()
    {
        var html = Markdown.ToHtml("Intro.\n> **for** $k$ steps:\n> sample $m$ noise vectors\n\nAfter.");
        Assert.Contains("<blockquote><p><strong>for</strong> <span class=\"math inline\">k</span> steps: sample <span class=\"math inline\">m</span> noise vectors</p></blockquote>", html);
        Assert.Contains("<p>After.</p>", html);
    }

    [Fact]
    public void Math_in_a_table_cell_is_not_split_at_its_bars()
    {
        var html = Markdown.ToHtml("| loss | formula |\n|---|---|\n| L1 | $\\|x - y\\|_1$ |");
        Assert.Contains("<td><span class=\"math inline\">\\|x - y\\|_1</span></td>", html);
    }

    [Fact]
    public void Every_notebooks_markdown_has_balanced_formulas()
    {
        // A formula the protector missed would leave a $ in the text (a currency-like $5 is allowed).
        var root = NotebookRunner.FindRepoRoot();
        foreach (var file in Directory.GetFiles(Path.Combine(root, "notebooks"), "*.ipynb"))
        {
            var nb = JsonNode.Parse(File.ReadAllText(file))!;
            foreach (var cell in nb["cells"]!.AsArray())
            {
                if ((string?)cell!["cell_type"] != "markdown") continue;
                var md = string.Concat(cell["source"]!.AsArray().Select(x => (string?)x));
                var (text, _) = Markdown.ProtectMath(md);
                var outsideCode = System.Text.RegularExpressions.Regex.Replace(text, "`[^`]*`", "");
                Assert.False(System.Text.RegularExpressions.Regex.IsMatch(outsideCode, @"\$(?!\d)"),
                    $"{Path.GetFileName(file)}: a $ is left outside the formulas in: {md[..Math.Min(200, md.Length)]}");
            }
        }
    }

    // ---- C# highlighting ----

    [Fact]
    public void Highlighter_marks_keywords_numbers_comments_and_types()
    {
        Assert.Equal("<span class=\"k\">var</span> x = <span class=\"n\">1.5e-3f</span>; <span class=\"c\">// a &lt;comment&gt;</span>",
            CSharpHighlighter.Highlight("var x = 1.5e-3f; // a <comment>"));
        Assert.Equal("<span class=\"k\">using</span> <span class=\"k\">var</span> g = <span class=\"k\">new</span> <span class=\"t\">Generator</span>(<span class=\"n\">64</span>);",
            CSharpHighlighter.Highlight("using var g = new Generator(64);"));
        // a capitalised method call is not a type; the receiver is
        Assert.Equal("<span class=\"t\">Console</span>.WriteLine(x);", CSharpHighlighter.Highlight("Console.WriteLine(x);"));
        Assert.Equal("<span class=\"c\">/* a\nb */</span> <span class=\"k\">int</span> y;", CSharpHighlighter.Highlight("/* a\nb */ int y;"));
    }

    [Fact]
    public void Highlighter_strings_verbatim_interpolated_raw_and_chars()
    {
        Assert.Equal("<span class=\"s\">&quot;a \\&quot; b&quot;</span>;", CSharpHighlighter.Highlight("\"a \\\" b\";"));
        Assert.Equal("<span class=\"s\">@&quot;C:\\x &quot;&quot;q&quot;&quot;&quot;</span>;", CSharpHighlighter.Highlight("@\"C:\\x \"\"q\"\"\";"));
        Assert.Equal("<span class=\"s\">$&quot;{d[&quot;k&quot;]} {x:F2}&quot;</span> + y", CSharpHighlighter.Highlight("$\"{d[\"k\"]} {x:F2}\" + y"));
        Assert.Equal("<span class=\"s\">&quot;&quot;&quot;\nraw &quot;quoted&quot;\n&quot;&quot;&quot;</span>;", CSharpHighlighter.Highlight("\"\"\"\nraw \"quoted\"\n\"\"\";"));
        Assert.Equal("<span class=\"s\">&#39;\\n&#39;</span>", CSharpHighlighter.Highlight("'\\n'"));
    }

    [Fact]
    public void Highlighter_marks_notebook_directives_and_loses_no_text()
    {
        var code = "#r \"../lib/bin/GanCourse.dll\"\n#!csharp\n#:package X@1\nvar a = b < c && d > e; // end";
        var html = CSharpHighlighter.Highlight(code);
        Assert.StartsWith("<span class=\"d\">#r &quot;../lib/bin/GanCourse.dll&quot;</span>\n<span class=\"d\">#!csharp</span>\n<span class=\"d\">#:package X@1</span>\n", html);
        var text = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", ""));
        Assert.Equal(code, text);
    }

    [Fact]
    public void Highlighter_loses_no_text_of_any_notebook_cell()
    {
        var root = NotebookRunner.FindRepoRoot();
        foreach (var file in Directory.GetFiles(Path.Combine(root, "notebooks"), "*.ipynb"))
            foreach (var cell in JsonNode.Parse(File.ReadAllText(file))!["cells"]!.AsArray())
            {
                if ((string?)cell!["cell_type"] != "code") continue;
                var code = string.Concat(cell["source"]!.AsArray().Select(x => (string?)x));
                var html = CSharpHighlighter.Highlight(code);
                var text = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", ""));
                Assert.Equal(code, text);
            }
    }

    // ---- slides ----

    internal static string Notebook(params (string Type, string Source)[] cells) => new JsonObject
    {
        ["cells"] = new JsonArray(cells.Select(c => (JsonNode)new JsonObject
        {
            ["cell_type"] = c.Type,
            ["source"] = Lines(c.Source),
            ["outputs"] = new JsonArray(),
        }).ToArray()),
        ["metadata"] = new JsonObject(),
        ["nbformat"] = 4,
        ["nbformat_minor"] = 5,
    }.ToJsonString();

    static JsonArray Lines(string source)
    {
        var lines = source.Split('\n');
        return new JsonArray(lines.Select((l, i) => (JsonNode)JsonValue.Create(i < lines.Length - 1 ? l + "\n" : l)).ToArray());
    }

    [Fact]
    public void One_section_per_level_one_or_two_heading()
    {
        var json = Notebook(
            ("markdown", "# Title\nIntro."),
            ("code", "var a = 1;"),
            ("markdown", "## Part A\ntext\n\n```\n# not a heading\n```\n## Part B\nmore"),
            ("code", "var b = 2;"),
            ("markdown", "### A subsection stays on its slide"));
        Assert.Equal(3, NotebookHtml.CountSections(json));
        var html = NotebookHtml.Export(json, "t");
        var b = html.IndexOf("<h2>Part B</h2>", StringComparison.Ordinal);
        Assert.True(html.LastIndexOf("<section class=\"gc-slide\">", b, StringComparison.Ordinal) > html.IndexOf("<h2>Part A</h2>", StringComparison.Ordinal));
        Assert.Contains("<pre class=\"code\"><span class=\"k\">var</span> b", html);
    }

    [Fact]
    public void Cells_before_the_first_heading_get_their_own_section()
    {
        Assert.Equal(2, NotebookHtml.CountSections(Notebook(("code", "var a = 1;"), ("markdown", "# Title"))));
        Assert.Equal(1, NotebookHtml.CountSections(Notebook(("markdown", "Just text, no heading."), ("code", "1"))));
    }

    [Fact]
    public void A_real_notebook_has_a_slide_per_section()
    {
        var json = File.ReadAllText(Path.Combine(NotebookRunner.FindRepoRoot(), "notebooks", "03-gan.ipynb"));
        var headings = 0;
        foreach (var cell in JsonNode.Parse(json)!["cells"]!.AsArray())
            if ((string?)cell!["cell_type"] == "markdown")
                headings += NotebookHtml.SplitAtHeadings(string.Concat(cell["source"]!.AsArray().Select(x => (string?)x))).Count(p => p.Heading);
        Assert.True(headings >= 3, $"03-gan has {headings} #/## headings");
        var sections = NotebookHtml.CountSections(json);
        Assert.InRange(sections, headings, headings + 1);
    }

    // ---- Write ----

    [Fact]
    public void Write_is_atomic_and_copies_katex_once()
    {
        var dir = Directory.CreateTempSubdirectory("gancourse-html-").FullName;
        try
        {
            var page = Path.Combine(dir, "nb.html");
            NotebookHtml.Write(page, Notebook(("markdown", "# T\n$$x^2$$")), "nb");
            var js = Path.Combine(dir, "assets", "katex", "katex.min.js");
            Assert.True(File.Exists(js));
            Assert.True(File.Exists(Path.Combine(dir, "assets", "katex", "katex.min.css")));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir, "assets", "katex", "fonts"), "*.woff2"));
            var stamp = DateTime.UtcNow.AddDays(-1);
            File.SetLastWriteTimeUtc(js, stamp);
            NotebookHtml.Write(page, Notebook(("markdown", "# T2")), "nb");
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(js)); // same size: not copied again
            Assert.Contains("<h1>T2</h1>", File.ReadAllText(page));
            Assert.Contains("href=\"assets/katex/katex.min.css\"", File.ReadAllText(page));
            Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    // ---- index ----

    internal static JsonArray Tables(params ResultTable[] tables) => (JsonArray)System.Text.Json.JsonSerializer.SerializeToNode(tables)!;

    [Fact]
    public void Headline_is_the_last_tables_first_metric_of_its_first_row()
    {
        var tables = Tables(
            new ResultTable("Early", ["Run", "FD"], [["a", "99"]]),
            new ResultTable("Image quality", ["Run", "Epochs", "FD", "KID"], [["DCGAN", "n/a", "12.5", "0.01"], ["other", "1", "2", "3"]]));
        Assert.Equal("FD = 12.5 (Image quality)", CourseIndex.Headline(tables));
        Assert.Null(CourseIndex.Headline(Tables(new ResultTable(null, ["Run", "Epochs"], [["x", "3"]])))); // a count, not a metric
        Assert.Equal("Accuracy = 0.91", CourseIndex.Headline(Tables(new ResultTable(null, ["Run", "Epochs", "Accuracy"], [["x", "3", "0.91"]]))));
        // a column marked as a metric wins over an earlier number, and values may carry %, "/8" or "±"
        Assert.Equal("Modes captured ↑ = 7/8 (Ring)", CourseIndex.Headline(Tables(new ResultTable("Ring",
            ["Run", "Samples", "Modes captured ↑", "High quality ↑"], [["vanilla", "2500", "7/8", "81.5 %"]]))));
        Assert.Equal("KID×10³ ↓ = 2570 ± 67.1", CourseIndex.Headline(Tables(new ResultTable(null, ["Run", "Samples", "KID×10³ ↓"], [["g", "200", "2570 ± 67.1"]]))));
        Assert.Null(CourseIndex.Headline(Tables(new ResultTable("t", ["Run"], [["x"]]))));
        Assert.Null(CourseIndex.Headline(Tables()));
        Assert.Null(CourseIndex.Headline(null));
    }

    [Fact]
    public void Record_rewrites_the_index_with_status_time_link_and_headline()
    {
        var dir = Directory.CreateTempSubdirectory("gancourse-index-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "00-a.html"), "x");
            File.WriteAllText(Path.Combine(dir, "01-b.FAILED.html"), "x");
            ResultsLog.Record(dir, "ci", new NotebookResult("00-a", true, TimeSpan.FromSeconds(75.4), 3, 1, 2, [], null, "")
                { Tables = [new ResultTable("Quality", ["Run", "FD"], [["g", "4.25"]])] });
            ResultsLog.Record(dir, "ci", new NotebookResult("01-b", false, TimeSpan.FromSeconds(5), 3, 0, 0, [new CellError(2, "boom")], null, ""));
            var index = File.ReadAllText(Path.Combine(dir, CourseIndex.FileName));
            Assert.Contains("<a href=\"00-a.html\">00-a</a>", index);
            Assert.Contains("<a href=\"01-b.FAILED.html\">01-b</a>", index);
            Assert.Contains("<td class=\"ok\">ok</td>", index);
            Assert.Contains("FAIL (1 error)", index);
            Assert.Contains("1 min 15 s", index);
            Assert.Contains("FD = 4.25 (Quality)", index);
            Assert.Contains("1 of 2 notebooks ok", index);
            Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
