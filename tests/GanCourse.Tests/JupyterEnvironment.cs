using GanCourse.Runner;

namespace GanCourse.Tests;

/// <summary>
/// Finds a Python 3 with Jupyter's executor modules (nbformat, nbclient) and the .NET Interactive kernel spec, as
/// <c>tools/jupyter/install.sh</c> sets them up. Debian's python3-* packages live in /usr/bin/python3, which a
/// pyenv or venv python3 on PATH may hide, so both are tried.
/// </summary>
public static class JupyterEnvironment
{
    static readonly Dictionary<string, string?> Cache = [];

    /// <summary>The first python3 that imports all <paramref name="modules"/>, or null.</summary>
    public static string? Python(params string[] modules)
    {
        var key = string.Join(",", modules);
        lock (Cache)
        {
            if (Cache.TryGetValue(key, out var hit)) return hit;
            var found = new[] { "python3", "/usr/bin/python3" }
                .FirstOrDefault(p => Exec(p, ["-c", $"import {key}"], TimeSpan.FromSeconds(30)).Code == 0);
            return Cache[key] = found;
        }
    }

    /// <summary>Null when Jupyter can run the course's notebooks here, else why not (a skip reason).</summary>
    public static string? WhyNotAvailable(string kernel = ".net-csharp")
    {
        var py = Python("nbformat", "nbclient", "jupyter_client");
        if (py is null)
            return "Jupyter is not installed (no python3 with nbformat, nbclient and jupyter_client): run tools/jupyter/install.sh";
        var (code, output) = Exec(py, ["-c", "import jupyter_client.kernelspec as k; print('\\n'.join(k.find_kernel_specs()))"], TimeSpan.FromSeconds(30));
        if (code != 0 || !output.Split('\n').Any(l => l.Trim() == kernel))
            return $"the Jupyter kernel spec '{kernel}' is not installed: run tools/jupyter/install.sh";
        return null;
    }

    /// <summary>Runs a process, returning its exit code and its stdout and stderr together; -1 when it cannot start.</summary>
    public static (int Code, string Output) Exec(string file, IEnumerable<string> args, TimeSpan timeout,
        string? cwd = null, IDictionary<string, string>? env = null)
    {
        try { return NotebookRunner.Exec(file, args.ToArray(), cwd ?? Environment.CurrentDirectory, timeout, env); }
        catch (RunnerException) { return (-1, $"cannot start {file}"); }
    }
}
