using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;

namespace GanCourse.Runner;

/// <summary>
/// The notebook host of a file-based app made by <see cref="AppExport"/>: it records what each cell prints and
/// displays and, at the end (or when a cell throws), writes the executed notebook and the same HTML report the runner
/// writes (<see cref="NotebookHtml"/>) to output/apps/ (GANCOURSE_OUTPUT overrides the folder). Text output also goes
/// to the console.
/// <para>
/// The library finds a notebook kernel's <c>display</c> by name (GanCourse.Interactive.NotebookDisplay), so the app
/// host offers one: a small in-memory assembly named Microsoft.DotNet.Interactive whose <c>Kernel.display</c> calls
/// <see cref="display"/>. Live views (TrainingView) then show and update themselves as in a notebook, and their
/// progress lines go to the console.
/// </para>
/// </summary>
public static class NotebookApp
{
    static readonly object Gate = new();
    static string name = "app", root = "", outDir = "";
    static JsonObject? notebook;
    static readonly Dictionary<int, JsonArray> Outputs = [];
    static int cell = -1;
    static TextWriter? stdout, stderr;
    static bool finished;
    static readonly System.Diagnostics.Stopwatch Clock = new();

    /// <summary>The folder the report goes to.</summary>
    public static string OutputDir => outDir;

    /// <summary>Called first by a generated app: finds the repository from the app's own path and sets up as a notebook kernel would.</summary>
    public static void Start(string notebookName, string fingerprint, [CallerFilePath] string appFile = "")
    {
        name = notebookName;
        Clock.Start();
        var appDir = Path.GetDirectoryName(appFile);
        root = appDir is not null && File.Exists(Path.Combine(appDir, "..", "..", "GanCourse.sln"))
            ? Path.GetFullPath(Path.Combine(appDir, "..", ".."))
            : NotebookRunner.FindRepoRoot(Directory.GetCurrentDirectory());
        // DataPaths looks beside GanCourse.dll, which a file-based app copies to its own build folder.
        var data = Path.Combine(root, "data");
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("GANCOURSE_DATA")) && Directory.Exists(data))
            Environment.SetEnvironmentVariable("GANCOURSE_DATA", data);
        var env = Environment.GetEnvironmentVariable("GANCOURSE_OUTPUT");
        outDir = Path.GetFullPath(string.IsNullOrWhiteSpace(env) ? Path.Combine(root, "output", "apps") : env);
        Directory.CreateDirectory(outDir);

        var source = Path.Combine(root, "notebooks", notebookName + ".ipynb");
        if (File.Exists(source))
        {
            var json = File.ReadAllText(source);
            notebook = JsonNode.Parse(json) as JsonObject;
            if (Fingerprint(json) != fingerprint)
                Console.Error.WriteLine($"warning: {notebookName}.ipynb changed since this app was generated; regenerate the apps with `dotnet run --project tools/GanCourse.Runner -- --export-apps`.");
        }
        // The kernel's working directory is the notebooks folder (relative paths in cells mean that).
        Directory.SetCurrentDirectory(Path.Combine(root, "notebooks"));

        InstallKernelDisplay();
        stdout = Console.Out;
        stderr = Console.Error;
        Console.SetOut(new CellWriter(stdout, "stdout"));
        Console.SetError(new CellWriter(stderr, "stderr"));
        AppDomain.CurrentDomain.UnhandledException += (_, e) => Fail(e.ExceptionObject as Exception);
    }

    /// <summary>A fingerprint of the notebook's cells (type and source), which the app checks at start-up.</summary>
    public static string Fingerprint(string ipynbJson)
    {
        var nb = JsonNode.Parse(ipynbJson) ?? throw new RunnerException("notebook is not JSON");
        var sb = new StringBuilder();
        foreach (var c in nb["cells"]?.AsArray() ?? [])
        {
            var source = c!["source"] switch
            {
                JsonArray a => string.Concat(a.Select(x => (string?)x)),
                JsonValue v => (string?)v ?? "",
                _ => "",
            };
            sb.Append((string?)c["cell_type"]).Append('\0').Append(source.ReplaceLineEndings("\n")).Append('\0');
        }
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16];
    }

    /// <summary>Marks the start of code cell <paramref name="number"/> (counting all cells from 1, as an editor shows them).</summary>
    public static void Cell(int number)
    {
        lock (Gate)
        {
            cell = number - 1;
            if (!Outputs.ContainsKey(cell)) Outputs[cell] = [];
        }
    }

    /// <summary>Displays a value as a notebook would: HTML views (charts, image grids, tables) as HTML, anything else as text.</summary>
    public static DisplayedValue display(object? value, params string[] mimeTypes)
    {
        var output = new JsonObject { ["output_type"] = "display_data", ["data"] = Render(value, mimeTypes), ["metadata"] = new JsonObject() };
        lock (Gate) Current().Add(output);
        Echo(value, updated: false);
        return new DisplayedValue(output, mimeTypes);
    }

    /// <summary>Called last by a generated app: writes the report.</summary>
    public static void End()
    {
        var path = Write();
        Restore();
        Console.WriteLine($"{name}: done in {Clock.Elapsed.TotalSeconds:F1} s; report: {path}");
    }

    /// <summary>A displayed output that can be replaced in place (what the library's DisplayHandle updates).</summary>
    public sealed class DisplayedValue(JsonObject output, string[] mimeTypes)
    {
        public void Update(object? value)
        {
            var data = Render(value, mimeTypes);
            lock (Gate) output["data"] = data;
            Echo(value, updated: true);
        }
    }

    static JsonObject Render(object? value, string[] mimeTypes)
    {
        var html = value?.GetType().GetInterface("GanCourse.Interactive.IHtmlView")?.GetMethod("ToHtml", Type.EmptyTypes);
        if (html is not null && (mimeTypes.Length == 0 || mimeTypes.Contains("text/html")))
            return new JsonObject { ["text/html"] = (string?)html.Invoke(value, null) ?? "" };
        return new JsonObject { ["text/plain"] = value switch { null => "<null>", string s => s, _ => value.ToString() ?? "" } };
    }

    /// <summary>The console shows text values and the progress lines of live views; other views are only in the report.</summary>
    static void Echo(object? value, bool updated)
    {
        var w = stdout ?? Console.Out;
        if (value is null || value is string || value.GetType().IsPrimitive) { w.WriteLine(value ?? "<null>"); return; }
        var toString = value.GetType().GetMethod("ToString", Type.EmptyTypes);
        var isView = value.GetType().GetInterface("GanCourse.Interactive.IHtmlView") is not null;
        if (toString?.DeclaringType != typeof(object) && !(isView && value.GetType().Name is "ImageGrid" or "Figure" or "Row" or "Animation" or "Table"))
            w.WriteLine(value);
        else if (!updated)
            w.WriteLine($"[{value.GetType().Name}: see {Path.Combine(outDir, name + ".html")}]");
    }

    static JsonArray Current()
    {
        if (!Outputs.TryGetValue(cell, out var list)) Outputs[cell] = list = [];
        return list;
    }

    static void Append(string stream, string text)
    {
        lock (Gate)
        {
            var list = Current();
            if (list.Count > 0 && list[^1] is JsonObject last && (string?)last["output_type"] == "stream" && (string?)last["name"] == stream)
                last["text"] = (string?)last["text"] + text;
            else list.Add(new JsonObject { ["output_type"] = "stream", ["name"] = stream, ["text"] = text });
        }
    }

    static void Fail(Exception? e)
    {
        lock (Gate)
            Current().Add(new JsonObject
            {
                ["output_type"] = "error",
                ["ename"] = e?.GetType().FullName ?? "Error",
                ["evalue"] = e?.Message ?? "unknown error",
                ["traceback"] = new JsonArray((e?.ToString() ?? "").Split('\n').Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
            });
        var path = Write();
        Restore();
        Console.Error.WriteLine($"{name}: cell {cell + 1} failed; report: {path}");
    }

    static void Restore()
    {
        if (stdout is not null) Console.SetOut(stdout);
        if (stderr is not null) Console.SetError(stderr);
    }

    /// <summary>Writes the executed notebook (cells with their outputs) and its HTML export; returns the HTML's path.</summary>
    static string Write()
    {
        string json;
        lock (Gate)
        {
            if (finished) return Path.Combine(outDir, name + ".html");
            finished = true;
            var nb = (JsonObject)(notebook?.DeepClone() ?? new JsonObject
            {
                ["cells"] = new JsonArray(), ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5,
            });
            var cells = nb["cells"]!.AsArray();
            // cells the notebook lacks (an app out of date with its notebook) still get their outputs
            foreach (var index in Outputs.Keys.Order())
                while (cells.Count <= index) cells.Add(new JsonObject { ["cell_type"] = "code", ["metadata"] = new JsonObject(), ["source"] = "", ["outputs"] = new JsonArray() });
            int count = 0;
            for (int i = 0; i < cells.Count; i++)
            {
                if ((string?)cells[i]!["cell_type"] != "code") continue;
                var ran = Outputs.TryGetValue(i, out var outs);
                cells[i]!["execution_count"] = ran ? ++count : null;
                cells[i]!["outputs"] = ran ? outs!.DeepClone() : new JsonArray();
            }
            json = nb.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        }
        var ipynb = Path.Combine(outDir, name + ".ipynb");
        var html = Path.Combine(outDir, name + ".html");
        File.WriteAllText(ipynb + ".tmp", json);
        File.Move(ipynb + ".tmp", ipynb, overwrite: true);
        NotebookHtml.Write(html, json, name); // KaTeX beside it, as the runner's export
        return html;
    }

    /// <summary>Makes <c>Microsoft.DotNet.Interactive.Kernel.display(object, string[])</c> exist, calling <see cref="display"/>.</summary>
    static void InstallKernelDisplay()
    {
        if (AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "Microsoft.DotNet.Interactive")) return;
        var asm = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("Microsoft.DotNet.Interactive"), AssemblyBuilderAccess.Run);
        var type = asm.DefineDynamicModule("Microsoft.DotNet.Interactive")
            .DefineType("Microsoft.DotNet.Interactive.Kernel", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class);
        var method = type.DefineMethod("display", MethodAttributes.Public | MethodAttributes.Static, typeof(object), [typeof(object), typeof(string[])]);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Call, typeof(NotebookApp).GetMethod(nameof(display))!);
        il.Emit(OpCodes.Ret);
        type.CreateType();
    }

    /// <summary>Console output of the running cell: to the console and into the cell's outputs.</summary>
    sealed class CellWriter(TextWriter inner, string stream) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;
        public override void Write(char value) { inner.Write(value); Append(stream, value.ToString()); }
        public override void Write(string? value) { if (value is null) return; inner.Write(value); Append(stream, value); }
        public override void WriteLine(string? value) => Write((value ?? "") + "\n");
        public override void WriteLine() => Write("\n");
        public override void Flush() => inner.Flush();
    }
}
