namespace GanCourse.Interactive;

/// <summary>
/// Tells the headless course runner what a long cell is doing. The runner names a status file in
/// <c>GANCOURSE_PROGRESS</c>; live views write their latest progress line there (a temp file, then a rename, so the
/// runner never reads half a line) and the runner shows it next to "cell i of n". Outside the runner it does nothing.
/// </summary>
public static class RunProgress
{
    public const string Variable = "GANCOURSE_PROGRESS";

    /// <summary>The status file the runner reads, or null when no runner is listening.</summary>
    public static string? FilePath => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } p ? p : null;

    /// <summary>Replaces the status line; a failure to write never interrupts training.</summary>
    public static void Report(string line)
    {
        if (FilePath is not { } path) return;
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllText(temp, line.ReplaceLineEndings(" "));
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the runner's output folder went away or is read-only: progress is a courtesy, training goes on
        }
    }
}
