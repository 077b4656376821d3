using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace GanCourse.Runner;

/// <summary>
/// Exports an executed notebook to one HTML page an instructor can open in any browser, offline: Markdown with its
/// formulas rendered by KaTeX (vendored in assets/katex, copied once beside the page by <see cref="Write"/>), C#
/// code highlighted, and every output as the kernel produced it (plotly charts stay interactive). The page has a
/// presentation mode: one slide per section (each <c>#</c>/<c>##</c> heading starts one), keyboard navigation,
/// large type, and code cells that can be hidden. Keys: p present, c hide code, arrows / PageUp / PageDown /
/// space move, Esc leaves; <c>?present</c> or <c>#present</c> in the URL opens it directly
/// (<c>?present=N</c> at slide N).
/// </summary>
public static class NotebookHtml
{
    /// <summary>Where the pages find KaTeX, relative to the HTML file.</summary>
    public const string KatexDir = "assets/katex";

    /// <summary>
    /// Writes the page to <paramref name="htmlPath"/> atomically (temp file, then rename) and copies the KaTeX
    /// assets into <c>assets/katex/</c> beside it unless they are already there.
    /// </summary>
    public static void Write(string htmlPath, string ipynbJson, string title)
    {
        var full = Path.GetFullPath(htmlPath);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        CopyKatex(dir);
        var html = Export(ipynbJson, title);
        var temp = full + $".{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, html);
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>The vendored KaTeX folder: copied to the runner's output by its csproj, or found in the repository.</summary>
    public static string KatexSource()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "assets", "katex");
        if (File.Exists(Path.Combine(beside, "katex.min.js"))) return beside;
        var inRepo = Path.Combine(NotebookRunner.FindRepoRoot(), "tools", "GanCourse.Runner", "assets", "katex");
        if (File.Exists(Path.Combine(inRepo, "katex.min.js"))) return inRepo;
        throw new RunnerException($"KaTeX assets are missing (looked in {beside} and {inRepo})");
    }

    /// <summary>Copies the KaTeX files into <c>&lt;dir&gt;/assets/katex/</c>; files already there with the same size are kept.</summary>
    public static void CopyKatex(string dir)
    {
        var source = KatexSource();
        var target = Path.Combine(dir, "assets", "katex");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var dest = Path.Combine(target, Path.GetRelativePath(source, file));
            if (File.Exists(dest) && new FileInfo(dest).Length == new FileInfo(file).Length) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            var temp = dest + $".{Environment.ProcessId}.tmp";
            File.Copy(file, temp, overwrite: true);
            File.Move(temp, dest, overwrite: true);
        }
    }

    public static string Export(string ipynbJson, string title)
    {
        var nb = JsonNode.Parse(ipynbJson) ?? throw new RunnerException("executed notebook is not JSON");
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>")
          .Append(WebUtility.HtmlEncode(title)).Append("</title>")
          .Append("<link rel=\"stylesheet\" href=\"").Append(KatexDir).Append("/katex.min.css\">")
          .Append("<style>").Append(Css).Append("</style></head><body>")
          .Append("<div id=\"gc-bar\"><span id=\"gc-slide-no\"></span>")
          .Append("<button id=\"gc-code-btn\" type=\"button\" title=\"Hide or show the code cells (c)\">Hide code</button>")
          .Append("<button id=\"gc-present-btn\" type=\"button\" title=\"Presentation mode: one slide per section (p; arrows to move, Esc to leave)\">Present</button></div>")
          .Append("<main id=\"gc-notebook\">");

        bool open = false;
        void StartSection() { if (open) sb.Append("</section>"); sb.Append("<section class=\"gc-slide\">"); open = true; }
        foreach (var cell in nb["cells"]?.AsArray() ?? [])
        {
            var source = NotebookRunner.JoinText(cell!["source"]);
            if ((string?)cell["cell_type"] == "markdown")
            {
                foreach (var (part, heading) in SplitAtHeadings(source))
                {
                    if (heading || !open) StartSection();
                    sb.Append("<div class=\"md\">").Append(Markdown.ToHtml(part)).Append("</div>");
                }
                continue;
            }
            if ((string?)cell["cell_type"] != "code") continue;
            if (!open) StartSection();
            sb.Append("<div class=\"cell\"><pre class=\"code\">").Append(CSharpHighlighter.Highlight(source)).Append("</pre><div class=\"out\">");
            foreach (var o in cell["outputs"]?.AsArray() ?? [])
            {
                switch ((string?)o!["output_type"])
                {
                    case "stream":
                        sb.Append("<pre>").Append(WebUtility.HtmlEncode(NotebookRunner.JoinText(o["text"]))).Append("</pre>");
                        break;
                    case "error":
                        sb.Append("<pre class=\"err\">").Append(WebUtility.HtmlEncode($"{(string?)o["ename"]}: {(string?)o["evalue"]}")).Append("</pre>");
                        break;
                    default:
                        var data = o["data"]?.AsObject();
                        if (data is null) break;
                        if (data["text/html"] is { } html) sb.Append(NotebookRunner.JoinText(html));
                        else if (data["image/png"] is { } png) sb.Append("<img src=\"data:image/png;base64,").Append(NotebookRunner.JoinText(png).Trim()).Append("\"/>");
                        else if (data["text/plain"] is { } plain) sb.Append("<pre>").Append(WebUtility.HtmlEncode(NotebookRunner.JoinText(plain))).Append("</pre>");
                        break;
                }
            }
            sb.Append("</div></div>");
        }
        if (open) sb.Append("</section>");
        sb.Append("</main>")
          .Append("<script src=\"").Append(KatexDir).Append("/katex.min.js\"></script>")
          .Append("<script>").Append(Script).Append("</script></body></html>\n");
        return sb.ToString();
    }

    /// <summary>
    /// Splits a Markdown cell where a level-1 or level-2 heading starts a line (outside fenced code): each part and
    /// whether it starts with such a heading. Each of those starts a slide.
    /// </summary>
    public static List<(string Part, bool Heading)> SplitAtHeadings(string md)
    {
        var parts = new List<(string, bool)>();
        var current = new List<string>();
        bool heading = false, fence = false;
        foreach (var line in md.Replace("\r\n", "\n").Split('\n'))
        {
            if (line.TrimStart().StartsWith("```")) fence = !fence;
            else if (!fence && IsSlideHeading(line))
            {
                if (current.Any(l => l.Trim() != "")) parts.Add((string.Join("\n", current), heading));
                current.Clear();
                heading = true;
            }
            current.Add(line);
        }
        if (current.Any(l => l.Trim() != "")) parts.Add((string.Join("\n", current), heading));
        return parts;
    }

    static bool IsSlideHeading(string line) =>
        line.StartsWith("# ") || line.StartsWith("## ") || line == "#" || line == "##";

    /// <summary>The number of slides (sections) the page of this notebook has.</summary>
    public static int CountSections(string ipynbJson) =>
        System.Text.RegularExpressions.Regex.Matches(Export(ipynbJson, ""), "<section class=\"gc-slide\">").Count;

    const string Css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1000px;margin:24px auto;padding:0 16px;color:#1f2328;background:#fff}
        .md{margin:16px 0;line-height:1.5}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
        code{background:#f0f0f0;padding:0 3px;border-radius:3px}
        pre.code,.code{background:#f6f8fa;border:1px solid #ddd;border-radius:4px;padding:8px;font-family:ui-monospace,"Cascadia Code",Consolas,monospace;white-space:pre-wrap;font-size:13px;margin:10px 0 4px 0}
        .code .k{color:#0000ff}.code .s{color:#a31515}.code .c{color:#008000;font-style:italic}.code .n{color:#098658}.code .t{color:#267f99}.code .d{color:#af00db}
        .out{margin:6px 0 18px 0;overflow-x:auto}.out pre{margin:0;font-size:13px}.err{color:#b00020}img{max-width:100%}
        blockquote{margin:12px 0;padding:4px 14px;border-left:4px solid #d0d7de;color:#3b434b}
        .math.display{display:block;margin:12px 0;overflow-x:auto;overflow-y:hidden}
        #gc-bar{position:fixed;top:8px;right:8px;z-index:1000;display:flex;gap:6px;align-items:center;font-size:13px}
        #gc-bar button{font:inherit;padding:3px 10px;border:1px solid #bbb;border-radius:4px;background:#fafafa;cursor:pointer;opacity:.85}
        #gc-bar button:hover{opacity:1;background:#eee}#gc-slide-no{display:none;color:#555;padding:0 6px}
        body.hide-code .cell>pre.code{display:none}
        body.present{max-width:none;margin:0;padding:0;overflow:hidden}
        body.present main>section{display:none}
        body.present main>section.current{display:block;box-sizing:border-box;height:100vh;overflow:auto;padding:48px 7vw 40px 7vw;font-size:26px}
        body.present .md{line-height:1.45}body.present h1{font-size:2em}body.present h2{font-size:1.6em}
        body.present pre.code,body.present .out pre{font-size:18px}
        body.present #gc-slide-no{display:inline}
        """;

    const string Script = """
        (function(){
          if (window.katex) document.querySelectorAll('.math').forEach(function(el){
            katex.render(el.textContent, el, {displayMode: el.classList.contains('display'), throwOnError: false});
          });
          var body = document.body, slides = [].slice.call(document.querySelectorAll('main > section.gc-slide'));
          var no = document.getElementById('gc-slide-no'), pbtn = document.getElementById('gc-present-btn'), cbtn = document.getElementById('gc-code-btn');
          var cur = 0;
          function resize(root){
            if (window.Plotly && Plotly.Plots) root.querySelectorAll('.js-plotly-plot').forEach(function(div){ try { Plotly.Plots.resize(div); } catch (e) {} });
          }
          function show(i){
            if (!slides.length) return;
            cur = Math.max(0, Math.min(slides.length - 1, i));
            slides.forEach(function(s, k){ s.classList.toggle('current', k === cur); });
            no.textContent = (cur + 1) + ' / ' + slides.length;
            slides[cur].scrollTop = 0;
            resize(slides[cur]);
          }
          function present(on){
            if (on && !body.classList.contains('present')) {
              // start at the section in view
              for (var k = 0; k < slides.length; k++) if (slides[k].getBoundingClientRect().bottom > 40) { cur = k; break; }
            }
            body.classList.toggle('present', on);
            pbtn.textContent = on ? 'Leave (Esc)' : 'Present';
            if (on) show(cur);
            else { slides.forEach(function(s){ s.classList.remove('current'); }); resize(document); if (slides[cur]) slides[cur].scrollIntoView(); }
          }
          function hideCode(on){ body.classList.toggle('hide-code', on); cbtn.textContent = on ? 'Show code' : 'Hide code'; if (body.classList.contains('present')) resize(slides[cur]); }
          pbtn.addEventListener('click', function(){ present(!body.classList.contains('present')); pbtn.blur(); });
          cbtn.addEventListener('click', function(){ hideCode(!body.classList.contains('hide-code')); cbtn.blur(); });
          document.addEventListener('keydown', function(e){
            if (e.ctrlKey || e.metaKey || e.altKey) return;
            var t = e.target; if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
            var on = body.classList.contains('present');
            if (e.key === 'p' || e.key === 'P') { present(!on); e.preventDefault(); return; }
            if (e.key === 'c' || e.key === 'C') { hideCode(!body.classList.contains('hide-code')); e.preventDefault(); return; }
            if (!on) return;
            if (e.key === 'ArrowRight' || e.key === 'PageDown' || e.key === ' ') { show(cur + 1); e.preventDefault(); }
            else if (e.key === 'ArrowLeft' || e.key === 'PageUp') { show(cur - 1); e.preventDefault(); }
            else if (e.key === 'Home') { show(0); e.preventDefault(); }
            else if (e.key === 'End') { show(slides.length - 1); e.preventDefault(); }
            else if (e.key === 'Escape') { present(false); e.preventDefault(); }
          });
          // ?present or #present opens the presentation; ?present=N (or #present=N) at slide N
          var m = /(?:^|[?&#])present(?:=(\d+))?(?![\w-])/.exec(location.search + location.hash);
          if (m) { body.classList.add('present'); pbtn.textContent = 'Leave (Esc)'; show(m[1] ? parseInt(m[1], 10) - 1 : 0); }
        })();
        """;
}
