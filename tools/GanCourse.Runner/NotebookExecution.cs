using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GanCourse.Runner;

/// <summary>Where the runner is in a notebook: passed to the progress display as each code cell starts.</summary>
public sealed record CellStart(int Cell, int Cells, int CodeCell, int CodeCells);

/// <summary>What one notebook run left: the executed notebook (nbformat 4.5 JSON) and what was not run.</summary>
public sealed record ExecutionResult(string ExecutedJson, int CodeCellsRun, int CodeCellsNotRun, CellOutcome? Stop);

/// <summary>
/// Executes a notebook's code cells in order in a <see cref="KernelClient"/> and writes what each produced as
/// nbformat outputs, as Jupyter would save them: stdout/stderr as merged <c>stream</c> outputs, displayed values
/// as <c>display_data</c> (replaced in place when the cell updates them), the cell's value as
/// <c>execute_result</c>, a failure as <c>error</c>, plus each cell's execution count and start/end times.
/// The first failing cell stops the run: later cells depend on it, and their errors would only hide the first.
/// </summary>
public static class NotebookExecution
{
    public static ExecutionResult Run(string notebookJson, KernelClient kernel, TimeSpan cellTimeout, DateTime deadlineUtc,
        Action<CellStart>? onCell = null)
    {
        var nb = JsonNode.Parse(notebookJson) as JsonObject ?? throw new RunnerException("the notebook is not a JSON object");
        var cells = nb["cells"]?.AsArray() ?? throw new RunnerException("the notebook has no \"cells\" array");
        var codeIndex = Enumerable.Range(0, cells.Count).Where(i => (string?)cells[i]?["cell_type"] == "code").ToList();
        int run = 0;
        CellOutcome? stop = null;
        for (int j = 0; j < codeIndex.Count; j++)
        {
            var cell = cells[codeIndex[j]]!.AsObject();
            var outputs = new JsonArray();
            cell["outputs"] = outputs;
            cell["execution_count"] = null;
            if (stop is not null) continue;

            onCell?.Invoke(new CellStart(codeIndex[j] + 1, cells.Count, j + 1, codeIndex.Count));
            var left = deadlineUtc - DateTime.UtcNow;
            var limit = left < cellTimeout ? left : cellTimeout;
            var started = DateTime.UtcNow;
            var builder = new OutputBuilder(outputs, j + 1);
            var (outcome, message) = limit <= TimeSpan.Zero
                ? (CellOutcome.TimedOut, null)
                : kernel.Submit(NotebookRunner.JoinText(cell["source"]), limit, builder.Add);
            run++;
            cell["execution_count"] = j + 1;
            var meta = cell["metadata"] as JsonObject ?? [];
            cell["metadata"] = meta;
            meta["execution"] = new JsonObject
            {
                ["iopub.execute_input"] = started.ToString("O"),
                ["shell.execute_reply"] = DateTime.UtcNow.ToString("O"),
            };
            switch (outcome)
            {
                case CellOutcome.Succeeded: break;
                case CellOutcome.Failed:
                    builder.Error(message ?? "the cell failed");
                    stop = outcome;
                    break;
                case CellOutcome.TimedOut:
                    var why = limit == cellTimeout
                        ? $"the cell ran longer than the per-cell limit of {Minutes(cellTimeout)} (raise it with --cell-timeout-min)"
                        : $"the notebook ran longer than its limit (raise it with --timeout-min)";
                    builder.Error($"TimeoutException: {why}; the kernel was stopped.");
                    stop = outcome;
                    break;
                default:
                    builder.Error($"KernelExited: {message}");
                    stop = outcome;
                    break;
            }
        }
        var json = new System.Text.Json.JsonSerializerOptions
            { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        return new ExecutionResult(nb.ToJsonString(json) + "\n",
            run, codeIndex.Count - run, stop);
    }

    static string Minutes(TimeSpan t) => t.TotalMinutes >= 1 ? $"{t.TotalMinutes:0.#} min" : $"{t.TotalSeconds:0.#} s";

    /// <summary>Turns kernel events into nbformat outputs for one cell.</summary>
    sealed class OutputBuilder(JsonArray outputs, int executionCount)
    {
        readonly Dictionary<string, JsonObject> byValueId = [];
        JsonObject? lastDisplay;

        public void Add(string type, JsonObject e)
        {
            switch (type)
            {
                case "StandardOutputValueProduced": Stream("stdout", e); break;
                case "StandardErrorValueProduced": Stream("stderr", e); break;
                case "DisplayedValueProduced":
                    lastDisplay = new JsonObject { ["output_type"] = "display_data", ["data"] = Data(e), ["metadata"] = new JsonObject() };
                    outputs.Add(lastDisplay);
                    if ((string?)e["valueId"] is { } id) byValueId[id] = lastDisplay;
                    break;
                case "DisplayedValueUpdated":
                    // In dotnet-interactive 1.0.712001 the update's valueId is the display id, which differs from the
                    // first event's valueId: an unknown id updates the latest display of the cell and takes its place.
                    var vid = (string?)e["valueId"];
                    var target = vid is not null && byValueId.TryGetValue(vid, out var known) ? known : lastDisplay;
                    if (target is null) goto case "DisplayedValueProduced";
                    target["data"] = Data(e);
                    if (vid is not null) byValueId[vid] = target;
                    break;
                case "ReturnValueProduced":
                    outputs.Add(new JsonObject
                    {
                        ["output_type"] = "execute_result", ["data"] = Data(e), ["metadata"] = new JsonObject(),
                        ["execution_count"] = executionCount,
                    });
                    break;
            }
        }

        /// <summary>An <c>error</c> output from the kernel's failure message ("System.X: message\n   at ...").</summary>
        public void Error(string message)
        {
            var lines = message.ReplaceLineEndings("\n").Split('\n');
            var m = ExceptionLine.Match(lines[0]);
            outputs.Add(new JsonObject
            {
                ["output_type"] = "error",
                ["ename"] = m.Success ? m.Groups[1].Value : "Error",
                ["evalue"] = m.Success ? m.Groups[2].Value : message,
                ["traceback"] = new JsonArray(lines.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
            });
        }

        static readonly Regex ExceptionLine = new(@"^([A-Za-z_][\w.]*(?:Exception|Error|Exited)): ?(.*)$", RegexOptions.Compiled);

        void Stream(string name, JsonObject e)
        {
            var text = string.Concat((e["formattedValues"]?.AsArray() ?? []).Select(v => (string?)v?["value"]));
            // consecutive writes to the same stream form one output, as Jupyter shows them
            if (outputs.Count > 0 && outputs[^1] is JsonObject last && (string?)last["output_type"] == "stream" && (string?)last["name"] == name)
                last["text"] = (string?)last["text"] + text;
            else outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = name, ["text"] = text });
        }

        static JsonObject Data(JsonObject e)
        {
            var data = new JsonObject();
            foreach (var v in e["formattedValues"]?.AsArray() ?? [])
                if ((string?)v?["mimeType"] is { } mime) data[mime] = (string?)v["value"] ?? "";
            return data;
        }
    }
}
