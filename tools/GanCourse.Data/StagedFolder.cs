namespace GanCourse.DataTool;

/// <summary>
/// Builds a folder's content in a staging folder next to it and puts it in place only when everything succeeded
/// (rename of the whole folder), so a failed fetch leaves neither partial files nor a half-replaced dataset.
/// </summary>
public static class StagedFolder
{
    public static T Write<T>(string target, Func<string, T> fill)
    {
        var (full, staging, created) = Begin(target);
        var done = false;
        try
        {
            var result = fill(staging);
            Promote(staging, full);
            done = true;
            return result;
        }
        finally { End(staging, created, done); }
    }

    public static async Task<T> WriteAsync<T>(string target, Func<string, Task<T>> fill)
    {
        var (full, staging, created) = Begin(target);
        var done = false;
        try
        {
            var result = await fill(staging);
            Promote(staging, full);
            done = true;
            return result;
        }
        finally { End(staging, created, done); }
    }

    /// <summary>Creates the staging folder, and the target's parent folders that are missing (listed, deepest first, to remove them on failure).</summary>
    static (string Full, string Staging, List<string> Created) Begin(string target)
    {
        var full = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full) ?? throw new ArgumentException($"{target} has no parent folder.", nameof(target));
        var created = new List<string>();
        for (var d = parent; d is not null && !Directory.Exists(d); d = Path.GetDirectoryName(d)) created.Add(d);
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(full)}.staging-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        return (full, staging, created);
    }

    /// <summary>Removes the staging folder and, after a failure, the parent folders this write created if they are empty (no empty data/full/ left behind).</summary>
    static void End(string staging, List<string> created, bool done)
    {
        TryDelete(staging);
        if (done) return;
        foreach (var d in created)
        {
            try { if (Directory.Exists(d) && !Directory.EnumerateFileSystemEntries(d).Any()) Directory.Delete(d); }
            catch { /* best effort */ }
        }
    }

    static void Promote(string staging, string full)
    {
        string? old = null;
        if (Directory.Exists(full))
        {
            old = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.old-{Guid.NewGuid():N}");
            Directory.Move(full, old);
        }
        try { Directory.Move(staging, full); }
        catch
        {
            if (old != null) Directory.Move(old, full);
            throw;
        }
        if (old != null) TryDelete(old);
    }

    static void TryDelete(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch { /* best effort */ }
    }
}
