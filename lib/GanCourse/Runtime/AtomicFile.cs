namespace GanCourse.Runtime;

/// <summary>
/// Writes files so that a reader never sees a half-written one: temp file <c>.&lt;name&gt;.&lt;pid&gt;.&lt;guid&gt;.tmp</c> in
/// the same folder, then rename. A process killed during a save leaves its temp file behind; the next save of the same
/// target removes such leftovers (<see cref="RemoveStaleTemps"/>).
/// </summary>
public static class AtomicFile
{
    public static string WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        try { Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"Cannot create folder {dir} for {full}: {e.Message}. Choose a writable location.", e);
        }
        RemoveStaleTemps(full);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                f.Write(bytes);
                f.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            return full;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            try { File.Delete(temp); } catch { /* best effort */ }
            throw new IOException($"Cannot write {full}: {e.Message}. Choose a writable location.", e);
        }
    }

    /// <summary>A temp file older than this is stale even if its process id belongs to a running process (ids are reused).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);

    /// <summary>
    /// Deletes the temp files of earlier saves of <paramref name="target"/> (<c>.&lt;name&gt;.&lt;pid&gt;.&lt;guid&gt;.tmp</c>)
    /// whose process is no longer running or which are older than <see cref="StaleAfter"/>; a running save's file is
    /// kept. Returns the paths removed. Best effort: a file that cannot be deleted is left.
    /// </summary>
    public static IReadOnlyList<string> RemoveStaleTemps(string target)
    {
        var full = Path.GetFullPath(target);
        var dir = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        var removed = new List<string>();
        if (!Directory.Exists(dir)) return removed;
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFiles(dir, $".{name}.*.tmp").ToList(); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException) { return removed; }
        foreach (var path in candidates)
        {
            var middle = Path.GetFileName(path)[(name.Length + 2)..^4].Split('.');   // "<pid>.<guid>"
            if (middle.Length != 2 || !int.TryParse(middle[0], out var pid) || middle[1].Length != 32) continue;
            try
            {
                var old = DateTime.UtcNow - File.GetLastWriteTimeUtc(path) > StaleAfter;
                if (!old && IsRunning(pid)) continue;
                File.Delete(path);
                removed.Add(path);
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException) { /* best effort */ }
        }
        return removed;
    }

    /// <summary>Whether a process id is running: /proc on Linux; elsewhere assumed running (then only the age counts).</summary>
    static bool IsRunning(int pid) =>
        pid == Environment.ProcessId || !OperatingSystem.IsLinux() || Directory.Exists($"/proc/{pid}");

    public static string WriteAllText(string path, string text) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));
}
