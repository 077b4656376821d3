using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GanCourse.Runner;

/// <summary>How a submitted cell ended.</summary>
public enum CellOutcome { Succeeded, Failed, TimedOut, KernelExited }

/// <summary>
/// A .NET Interactive kernel in a child process (<c>dotnet-interactive stdio</c>, from the repository's tool
/// manifest), driven through its JSON protocol: one command per line on stdin (<c>SubmitCode</c> with a token),
/// one event per line on stdout (<c>DisplayedValueProduced</c>, <c>StandardOutputValueProduced</c>, ...,
/// then <c>CommandSucceeded</c> or <c>CommandFailed</c> for that token). Running cells one at a time this way lets
/// the runner say which cell is running and stop one that runs too long.
/// </summary>
public sealed class KernelClient : IDisposable
{
    readonly Process process;
    readonly BlockingCollection<JsonObject> events = new();
    readonly StringBuilder log = new();
    int nextToken;

    /// <summary>The kernel's process id (the root of its tree), for memory sampling.</summary>
    public int ProcessId { get; }
    /// <summary>The kernel's stderr and any non-protocol stdout (banners, crashes), for error messages.</summary>
    public string Log { get { lock (log) return log.ToString(); } }
    public bool HasExited => process.HasExited;

    KernelClient(Process p)
    {
        process = p;
        ProcessId = p.Id;
        var reader = new Thread(() =>
        {
            try
            {
                while (p.StandardOutput.ReadLine() is { } line)
                {
                    JsonObject? e = null;
                    if (line.StartsWith('{'))
                        try { e = JsonNode.Parse(line) as JsonObject; } catch (JsonException) { }
                    if (e is not null) events.Add(e);
                    else lock (log) log.AppendLine(line);
                }
            }
            catch (IOException) { }
            finally { events.CompleteAdding(); }
        }) { IsBackground = true, Name = "kernel stdout" };
        reader.Start();
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        p.BeginErrorReadLine();
    }

    /// <summary>Starts the kernel in <paramref name="workingDirectory"/> and waits until it says it is ready.</summary>
    public static KernelClient Start(string workingDirectory, IDictionary<string, string> env, TimeSpan startTimeout)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory, UseShellExecute = false,
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8, StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var a in new[] { "tool", "run", "dotnet-interactive", "--", "stdio", "--default-kernel", "csharp" }) psi.ArgumentList.Add(a);
        foreach (var (key, value) in env) psi.Environment[key] = value;
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RunnerException($"Cannot start 'dotnet' ({e.Message}). Install the .NET 10 SDK and put dotnet on PATH (environment.md).");
        }
        var k = new KernelClient(p);
        var deadline = DateTime.UtcNow + startTimeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !k.events.TryTake(out var e, left))
            {
                var why = k.events.IsCompleted ? $"it exited (code {(p.HasExited ? p.ExitCode : -1)})" : $"it was not ready after {startTimeout.TotalSeconds:F0} s";
                k.Dispose();
                throw new RunnerException($"The .NET Interactive kernel (dotnet-interactive stdio, from .config/dotnet-tools.json) did not start: {why}. " +
                    $"Run `dotnet tool restore` in the repository. Kernel output: {NotebookRunner.Tail(k.Log, 600)}");
            }
            if ((string?)e["eventType"] == "KernelReady") return k;
        }
    }

    /// <summary>
    /// Runs <paramref name="code"/> in the C# kernel and passes each event of that command to
    /// <paramref name="onEvent"/> (type, event body). Past <paramref name="timeout"/> the kernel is killed: a cell
    /// cannot be interrupted reliably, and the rest of the notebook depends on it anyway.
    /// </summary>
    public (CellOutcome Outcome, string? Message) Submit(string code, TimeSpan timeout, Action<string, JsonObject> onEvent)
    {
        if (process.HasExited) return (CellOutcome.KernelExited, $"the kernel had exited (code {process.ExitCode})");
        var token = $"gancourse-{++nextToken}";
        var command = new JsonObject
        {
            ["token"] = token,
            ["commandType"] = "SubmitCode",
            ["command"] = new JsonObject { ["code"] = code, ["targetKernelName"] = "csharp" },
        };
        try
        {
            process.StandardInput.WriteLine(command.ToJsonString());
            process.StandardInput.Flush();
        }
        catch (IOException e) { return (CellOutcome.KernelExited, $"the kernel closed its input ({e.Message})"); }

        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) { Kill(); return (CellOutcome.TimedOut, null); }
            if (!events.TryTake(out var e, left > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : left))
            {
                if (events.IsCompleted)
                    return (CellOutcome.KernelExited, $"the kernel exited (code {(process.WaitForExit(5000) ? process.ExitCode : -1)}): {NotebookRunner.Tail(Log, 600)}");
                continue;
            }
            // the command's own events and those of the sub-commands it spawned (tokens "t.1", "t.2", ...)
            var t = (string?)e["command"]?["token"];
            if (t is null || (t != token && !t.StartsWith(token + ".", StringComparison.Ordinal))) continue;
            var type = (string?)e["eventType"] ?? "";
            var body = e["event"] as JsonObject ?? [];
            if (t == token && type == "CommandSucceeded") return (CellOutcome.Succeeded, null);
            if (t == token && type == "CommandFailed") return (CellOutcome.Failed, (string?)body["message"] ?? "the cell failed");
            onEvent(type, body);
        }
    }

    void Kill()
    {
        try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } catch (System.ComponentModel.Win32Exception) { }
        process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            try { process.StandardInput.Close(); } catch (IOException) { }
            if (!process.WaitForExit(2_000)) Kill();
        }
        process.Dispose();
    }
}
