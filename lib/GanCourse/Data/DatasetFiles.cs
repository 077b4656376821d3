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
