using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GanCourse.Bench;

/// <summary>
/// bench/seed_benchmarks.py kept running in "serve" mode, so that TorchSharp and PyTorch runs can alternate
/// without paying Python's start-up each time. Null when no PyTorch is installed (the comparison is skipped).
/// </summary>
public sealed class PyTorchSide : IDisposable
{
    readonly Process process;
    public string Version { get; }

    PyTorchSide(Process p, string version) { process = p; Version = version; }

    public static PyTorchSide? Start(string python, string script)
    {
        if (!File.Exists(script)) return null;
        try
        {
            var psi = new ProcessStartInfo(python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(script);
            psi.ArgumentList.Add("serve");
            var p = Process.Start(psi)!;
            p.ErrorDataReceived += (_, _) => { }; // drain warnings
            p.BeginErrorReadLine();
            var first = p.StandardOutput.ReadLine();
            if (first is null) { p.WaitForExit(); p.Dispose(); return null; } // no torch module
            var version = JsonNode.Parse(first)?["version"]?.GetValue<string>() ?? "?";
            return new PyTorchSide(p, version);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or JsonException) { return null; }
    }

    JsonNode Ask(object request)
    {
        process.StandardInput.WriteLine(JsonSerializer.Serialize(request));
        process.StandardInput.Flush();
        var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the PyTorch benchmark process ended unexpectedly");
        return JsonNode.Parse(line)!;
    }

    public (List<double> Times, int NonFinite) Run(string bench, int threads, int steps, int warmup)
    {
        var a = Ask(new { cmd = "run", bench, threads, steps, warmup });
        return (a["times_ms"]!.AsArray().Select(x => x!.GetValue<double>()).ToList(), a["nonfinite_steps"]!.GetValue<int>());
    }

    /// <summary>Builds the benchmark (seed 0) and runs its warm-up steps; then <see cref="Steps"/> times blocks of steps.</summary>
    public void Start(string bench, int threads, int warmup) => Ask(new { cmd = "start", bench, threads, warmup });

    public (List<double> Times, int NonFinite) Steps(string bench, int threads, int n)
    {
        var a = Ask(new { cmd = "steps", bench, threads, n });
        return (a["times_ms"]!.AsArray().Select(x => x!.GetValue<double>()).ToList(), a["nonfinite_steps"]!.GetValue<int>());
    }

    public List<OpProfile.OpTiming> Ops(int threads, int repeats) =>
        Ask(new { cmd = "ops", threads, repeats })["ops"]!.AsArray().Select(o => new OpProfile.OpTiming(
            o!["op"]!.GetValue<string>(), o["shape"]!.GetValue<string>(), o["forward_ms"]!.GetValue<double>(), o["forward_backward_ms"]!.GetValue<double>())).ToList();

    public void Dispose()
    {
        try { process.StandardInput.WriteLine("{\"cmd\": \"quit\"}"); process.StandardInput.Close(); process.WaitForExit(5000); }
        catch (IOException) { }
        if (!process.HasExited) process.Kill();
        process.Dispose();
    }
}
