using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace GanCourse.Data;

/// <summary>
/// The file layout of one dataset folder, the same as the canonical MNIST / Fashion-MNIST downloads:
/// <c>train-images-idx3-ubyte.gz</c>, <c>train-labels-idx1-ubyte.gz</c>, <c>t10k-images-idx3-ubyte.gz</c>,
/// <c>t10k-labels-idx1-ubyte.gz</c>, plus <c>SHA256SUMS</c> (the format of <c>sha256sum</c>).
/// </summary>
public static class DatasetFiles
{
    public const string TrainImages = "train-images-idx3-ubyte.gz";
    public const string TrainLabels = "train-labels-idx1-ubyte.gz";
    public const string TestImages = "t10k-images-idx3-ubyte.gz";
    public const string TestLabels = "t10k-labels-idx1-ubyte.gz";
    public const string Checksums = "SHA256SUMS";

    public static readonly IReadOnlyList<string> All = [TrainImages, TrainLabels, TestImages, TestLabels];
    public static readonly IReadOnlyList<string> Splits = ["train", "test"];

    /// <summary>The image and label file names of a split ("train" or "test").</summary>
    public static (string Images, string Labels) ForSplit(string split) => NormalizeSplit(split) switch
    {
        "train" => (TrainImages, TrainLabels),
        _ => (TestImages, TestLabels),
    };

    public static string NormalizeSplit(string split) => split?.Trim().ToLowerInvariant() switch
    {
        "train" => "train",
        "test" or "t10k" => "test",
        _ => throw new ArgumentException($"Unknown split '{split}'. Use \"train\" or \"test\".", nameof(split)),
    };

    /// <summary>True when the folder has all four IDX files.</summary>
    public static bool IsComplete(string folder) => All.All(f => File.Exists(Path.Combine(folder, f)));

    public static string Sha256(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }

    /// <summary>Set to 1 to skip <see cref="EnsureVerified"/> (for someone editing the data files on purpose).</summary>
    public const string SkipCheckEnvVar = "GANCOURSE_SKIP_DATA_CHECK";

    /// <summary>SHA-256 of files already hashed in this process, by (full path, size, modification time).</summary>
    static readonly ConcurrentDictionary<(string Path, long Size, DateTime Modified), string> hashed = new();

    /// <summary>How many files <see cref="EnsureVerified"/> has hashed in this process (the cache's misses; for tests).</summary>
    public static int HashesComputed => hashCount;
    static int hashCount;

    /// <summary>True when <see cref="SkipCheckEnvVar"/> is set to 1 (or true).</summary>
    public static bool SkipCheck => Environment.GetEnvironmentVariable(SkipCheckEnvVar)?.Trim().ToLowerInvariant() is "1" or "true" or "yes";

    /// <summary>
    /// Checks <paramref name="files"/> of <paramref name="folder"/> against its <c>SHA256SUMS</c> before they are used.
    /// Each file is hashed once per process: the verdict is cached by full path, size and modification time, so a
    /// notebook that loads the same split again pays nothing. A file whose hash differs is an
    /// <see cref="InvalidDataException"/> that names the file, both hashes and the command that restores it.
    /// A folder without <c>SHA256SUMS</c> is checked only when <paramref name="requireSums"/> (the kit's own data folders);
    /// <see cref="SkipCheckEnvVar"/>=1 skips the check.
    /// </summary>
    public static void EnsureVerified(string folder, IEnumerable<string> files, string datasetName, bool requireSums)
    {
        if (SkipCheck) return;
        var sumsPath = Path.Combine(folder, Checksums);
        if (!File.Exists(sumsPath))
        {
            if (!requireSums) return;
            throw new InvalidDataException($"{sumsPath} is missing, so the dataset files cannot be verified. {RestoreHint(folder, datasetName)}");
        }
        var sums = ReadSums(sumsPath);
        foreach (var file in files)
        {
            var path = Path.Combine(folder, file);
            if (!sums.TryGetValue(file, out var expected))
                throw new InvalidDataException($"{sumsPath} has no line for {file}, so it cannot be verified. {RestoreHint(folder, datasetName)}");
            if (!File.Exists(path)) continue;   // the reader reports a missing file with its own message
            var actual = CachedSha256(path);
            if (!actual.Equals(expected, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException(
                    $"{Path.GetFullPath(path)}: SHA-256 is {actual} but {Checksums} expects {expected}: the file changed or is corrupt. " +
                    $"{RestoreHint(folder, datasetName)}");
        }
    }

    /// <summary>How to get a dataset folder's files back, and how to skip the check on purpose.</summary>
    public static string RestoreHint(string folder, string datasetName)
    {
        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        var fetched = Path.GetFileName(Path.GetDirectoryName(full)) == DataPaths.FullFolder;
        var restore = fetched
            ? $"Fetch it again: dotnet run --project tools/GanCourse.Data -- fetch {datasetName}"
            : $"Restore it: git checkout -- data/{datasetName} (or rebuild it: dotnet run --project tools/GanCourse.Data -- ship {datasetName})";
        return $"{restore}. If you changed the data on purpose, set {SkipCheckEnvVar}=1.";
    }

    static string CachedSha256(string path)
    {
        var info = new FileInfo(Path.GetFullPath(path));
        var key = (info.FullName, info.Length, info.LastWriteTimeUtc);
        return hashed.GetOrAdd(key, k =>
        {
            Interlocked.Increment(ref hashCount);
            return Sha256(k.Path);
        });
    }

    static Dictionary<string, string> ReadSums(string sums)
    {
        var result = new Dictionary<string, string>();
        foreach (var line in File.ReadAllLines(sums).Where(l => l.Trim().Length > 0))
        {
            var parts = line.Split(' ', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length != 64)
                throw new InvalidDataException($"{sums}: malformed line '{line}' (expected '<sha256>  <file>').");
            result[parts[1].TrimStart('*')] = parts[0];
        }
        return result;
    }

    /// <summary>Checks the files listed in <c>SHA256SUMS</c> (written by tools/GanCourse.Data); a missing or different file is an <see cref="InvalidDataException"/>.</summary>
    public static void VerifyChecksums(string folder)
    {
        var sums = Path.Combine(folder, Checksums);
        if (!File.Exists(sums)) throw new FileNotFoundException($"{sums} not found: cannot verify the dataset files.", sums);
        foreach (var line in File.ReadAllLines(sums).Where(l => l.Trim().Length > 0))
        {
            var parts = line.Split(' ', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length != 64)
                throw new InvalidDataException($"{sums}: malformed line '{line}' (expected '<sha256>  <file>').");
            var file = Path.Combine(folder, parts[1].TrimStart('*'));
            if (!File.Exists(file)) throw new InvalidDataException($"{sums} lists {parts[1]} but {file} is missing. Re-fetch the dataset.");
            var actual = Sha256(file);
            if (!actual.Equals(parts[0], StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"{parts[1]}: SHA-256 {actual} differs from {parts[0]} in {Checksums}: the file changed or is corrupt. Re-fetch the dataset.");
        }
    }
}
