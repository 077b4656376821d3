using System.Text;
using GanCourse.Data;
using GanCourse.Runtime;

namespace GanCourse.DataTool;

/// <summary>Writes the <c>SHA256SUMS</c> of a dataset folder (the library's <see cref="DatasetFiles.VerifyChecksums"/> checks it).</summary>
public static class DatasetChecksums
{
    /// <summary>
    /// Writes <c>SHA256SUMS</c> for the four IDX files of <paramref name="folder"/> (the format of <c>sha256sum</c>,
    /// temp + rename) and returns the SHA-256 of each file by name.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Write(string folder)
    {
        var sums = DatasetFiles.All.ToDictionary(f => f, f => DatasetFiles.Sha256(Path.Combine(folder, f)));
        var sb = new StringBuilder();
        foreach (var f in DatasetFiles.All) sb.Append(sums[f]).Append("  ").Append(f).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(folder, DatasetFiles.Checksums), sb.ToString());
        return sums;
    }
}
