namespace GanCourse.Runtime;

/// <summary>Writes files so that a reader never sees a half-written one: temp file in the same folder, then rename.</summary>
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

    public static string WriteAllText(string path, string text) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));
}
