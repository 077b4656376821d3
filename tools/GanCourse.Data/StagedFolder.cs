namespace GanCourse.DataTool;

/// <summary>
/// Builds a folder's content in a staging folder next to it and puts it in place only when everything succeeded
/// (rename of the whole folder), so a failed fetch leaves neither partial files nor a half-replaced dataset.
/// </summary>
public static class StagedFolder
{
    public static T Write<T>(string target, Func<string, T> fill)
    {
        var (full, staging) = Begin(target);
        try
        {
            var result = fill(staging);
            Promote(staging, full);
            return result;
        }
        finally { TryDelete(staging); }
    }

    public static async Task<T> WriteAsync<T>(string target, Func<string, Task<T>> fill)
    {
        var (full, staging) = Begin(target);
        try
        {
            var result = await fill(staging);
            Promote(staging, full);
            return result;
        }
        finally { TryDelete(staging); }
    }

    static (string Full, string Staging) Begin(string target)
    {
        var full = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full) ?? throw new ArgumentException($"{target} has no parent folder.", nameof(target));
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(full)}.staging-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        return (full, staging);
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
