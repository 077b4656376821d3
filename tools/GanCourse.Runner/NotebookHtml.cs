using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace GanCourse.Runner;

/// <summary>
/// Exports an executed notebook to one self-contained HTML page (markdown as text, code, and every output as the
/// kernel produced it), so an instructor can open a run in any browser, offline.
/// </summary>
public static class NotebookHtml
{
    public static string Export(string ipynbJson, string title)
    {
        var nb = JsonNode.Parse(ipynbJson) ?? throw new RunnerException("executed notebook is not JSON");
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(WebUtility.HtmlEncode(title)).Append("</title>")
          .Append("<style>body{font-family:system-ui,sans-serif;max-width:1000px;margin:24px auto;padding:0 16px;color:#222}")
          .Append(".md{margin:16px 0;line-height:1.45}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}code{background:#f0f0f0;padding:0 3px;border-radius:3px}.code{background:#f6f8fa;border:1px solid #ddd;border-radius:4px;padding:8px;font-family:monospace;white-space:pre-wrap;font-size:13px}")
          .Append(".out{margin:6px 0 18px 0}.out pre{margin:0;font-size:13px}.err{color:#b00020}</style></head><body>");
        foreach (var cell in nb["cells"]?.AsArray() ?? [])
        {
            var source = Text(cell!["source"]);
            if ((string?)cell["cell_type"] == "markdown")
            {
                sb.Append("<div class=\"md\">").Append(Markdown.ToHtml(source)).Append("</div>");
                continue;
            }
            sb.Append("<div class=\"code\">").Append(WebUtility.HtmlEncode(source)).Append("</div><div class=\"out\">");
            foreach (var o in cell["outputs"]?.AsArray() ?? [])
            {
                switch ((string?)o!["output_type"])
                {
                    case "stream":
                        sb.Append("<pre>").Append(WebUtility.HtmlEncode(Text(o["text"]))).Append("</pre>");
                        break;
                    case "error":
                        sb.Append("<pre class=\"err\">").Append(WebUtility.HtmlEncode($"{(string?)o["ename"]}: {(string?)o["evalue"]}")).Append("</pre>");
                        break;
                    default:
                        var data = o["data"]?.AsObject();
                        if (data is null) break;
                        if (data["text/html"] is { } html) sb.Append(Text(html));
                        else if (data["image/png"] is { } png) sb.Append("<img src=\"data:image/png;base64,").Append(Text(png).Trim()).Append("\"/>");
                        else if (data["text/plain"] is { } plain) sb.Append("<pre>").Append(WebUtility.HtmlEncode(Text(plain))).Append("</pre>");
                        break;
                }
            }
            sb.Append("</div>");
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    static string Text(JsonNode? node) => node switch
    {
        JsonArray a => string.Concat(a.Select(x => (string?)x)),
        JsonValue v => (string?)v ?? "",
        _ => "",
    };
}
