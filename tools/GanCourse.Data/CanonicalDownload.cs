using System.Security.Cryptography;
using System.Text.Json;
using GanCourse.Data;

namespace GanCourse.DataTool;

/// <summary>One published file and its checksums (hex). Either may be null, not both.</summary>
public sealed record CanonicalFile(string FileName, string? Sha256, string? Md5 = null);

/// <summary>
/// Where the published IDX files of a dataset are and what they must hash to. The table is data: the defaults below
/// (<see cref="FashionMnist"/>, <see cref="Mnist"/>), or a JSON file of the same shape (<see cref="Load"/>), e.g.
/// <code>{ "BaseUrl": "https://example.org/mnist/", "TrainCount": 60000, "TestCount": 10000,
///   "Files": [ { "FileName": "train-images-idx3-ubyte.gz", "Sha256": "...", "Md5": "..." }, ... ] }</code>
/// </summary>
public sealed record CanonicalSource(string BaseUrl, IReadOnlyList<CanonicalFile> Files, int TrainCount, int TestCount, int ClassCount = 10)
{
    /// <summary>
    /// Fashion-MNIST from Zalando Research's repository. MD5: the values published in the Fashion-MNIST README and used by
    /// torchvision's <c>FashionMNIST.resources</c>; SHA-256: the values used by TensorFlow Datasets / Keras for the same files.
    /// </summary>
    public static readonly CanonicalSource FashionMnist = new(
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
        [
            new(DatasetFiles.TrainImages, "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
            new(DatasetFiles.TrainLabels, "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", "25c81989df183df01b3e8a0aad5dffbe"),
            new(DatasetFiles.TestImages, "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", "bef4ecab320f06d8554ea6380940ec79"),
            new(DatasetFiles.TestLabels, "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", "bb300cfdad3c16e7a12a480ee83cd310"),
        ],
        TrainCount: 60_000, TestCount: 10_000);

    /// <summary>
    /// MNIST from the mirror torchvision uses (the original yann.lecun.com host no longer serves the files reliably).
    /// MD5: torchvision's <c>MNIST.resources</c>; SHA-256: TensorFlow Datasets / Keras.
    /// </summary>
    public static readonly CanonicalSource Mnist = new(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        [
            new(DatasetFiles.TrainImages, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
            new(DatasetFiles.TrainLabels, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", "d53e105ee54ea40749a09fcbcd1e9432"),
            new(DatasetFiles.TestImages, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", "9fb629c4189551a2d022fa330f9573f3"),
            new(DatasetFiles.TestLabels, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", "ec29112dd5afa0611ce80d1b7f02629c"),
        ],
        TrainCount: 60_000, TestCount: 10_000);

    /// <summary>Reads a checksum table from JSON (see the type's summary for the shape).</summary>
    public static CanonicalSource Load(string jsonPath)
    {
        try
        {
            var s = JsonSerializer.Deserialize<CanonicalSource>(File.ReadAllText(jsonPath))
                ?? throw new InvalidDataException("empty document");
            if (string.IsNullOrWhiteSpace(s.BaseUrl) || s.Files is null || s.Files.Count == 0)
                throw new InvalidDataException("needs BaseUrl and Files");
            return s;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or NotSupportedException)
        {
            throw new InvalidDataException($"{jsonPath}: not a checksum table ({e.Message}). Expected {{\"BaseUrl\": ..., \"TrainCount\": ..., \"TestCount\": ..., \"Files\": [{{\"FileName\": ..., \"Sha256\": ..., \"Md5\": ...}}]}}.", e);
        }
    }

    public CanonicalSource WithBaseUrl(string? baseUrl) => string.IsNullOrWhiteSpace(baseUrl) ? this : this with { BaseUrl = baseUrl };
}

/// <summary>
/// Downloads the published IDX .gz files of a dataset (http, https or file:// base URL), verifies each against its
/// SHA-256 and MD5 and the IDX content against the expected counts, and puts the set in place only when all passed.
/// A mismatch leaves nothing behind.
/// </summary>
public static class CanonicalDownload
{
    public static async Task<IngestResult> FetchAsync(CanonicalSource source, string outFolder, HttpClient? http = null,
        Action<string>? log = null, CancellationToken ct = default)
    {
        foreach (var f in source.Files)
            if (f.Sha256 is null && f.Md5 is null)
                throw new ArgumentException($"{f.FileName} has no checksum in the table: refusing to download unverified data.");
        if (DatasetFiles.All.Except(source.Files.Select(f => f.FileName)).FirstOrDefault() is { } missing)
            throw new ArgumentException($"The checksum table has no entry for {missing}.");
        var ownClient = http is null;
        http ??= new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        try
        {
            var baseUri = new Uri(source.BaseUrl.EndsWith('/') ? source.BaseUrl : source.BaseUrl + "/");
            return await StagedFolder.WriteAsync(outFolder, async staging =>
            {
                foreach (var f in source.Files)
                {
                    var uri = new Uri(baseUri, f.FileName);
                    log?.Invoke($"downloading {uri}");
                    await DownloadVerified(http, uri, f, Path.Combine(staging, f.FileName), ct);
                }
                var train = Idx.ReadDataset(Path.Combine(staging, DatasetFiles.TrainImages), Path.Combine(staging, DatasetFiles.TrainLabels), source.ClassCount);
                var test = Idx.ReadDataset(Path.Combine(staging, DatasetFiles.TestImages), Path.Combine(staging, DatasetFiles.TestLabels), source.ClassCount);
                if (train.Count != source.TrainCount || test.Count != source.TestCount)
                    throw new InvalidDataException($"{source.BaseUrl}: {train.Count} train / {test.Count} test images, expected {source.TrainCount} / {source.TestCount}.");
                return new IngestResult(outFolder, train.ClassCounts(), test.ClassCounts(), 0, DatasetChecksums.Write(staging));
            });
        }
        finally
        {
            if (ownClient) http.Dispose();
        }
    }

    static async Task DownloadVerified(HttpClient http, Uri uri, CanonicalFile file, string dest, CancellationToken ct)
    {
        var temp = dest + ".part";
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            long bytes = 0;
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            await using (var input = await Open(http, uri, ct))
            {
                var buf = new byte[1 << 16];
                int n;
                while ((n = await input.ReadAsync(buf, ct)) > 0)
                {
                    sha.AppendData(buf, 0, n);
                    md5.AppendData(buf, 0, n);
                    await output.WriteAsync(buf.AsMemory(0, n), ct);
                    bytes += n;
                }
                await output.FlushAsync(ct);
            }
            Check("SHA-256", file.Sha256, Convert.ToHexStringLower(sha.GetHashAndReset()));
            Check("MD5", file.Md5, Convert.ToHexStringLower(md5.GetHashAndReset()));
            File.Move(temp, dest);

            void Check(string algo, string? expected, string actual)
            {
                if (expected != null && !actual.Equals(expected, StringComparison.OrdinalIgnoreCase))
                    throw new InvalidDataException($"{file.FileName}: checksum mismatch: {algo} of the {NpmIngest.N(bytes)} bytes from {uri} is {actual}, expected {expected}. " +
                        "The download is corrupt or the server sent a different file; nothing was written. Try again or use another --base-url.");
            }
        }
        finally
        {
            try { File.Delete(temp); } catch { /* best effort */ }
        }
    }

    static async Task<Stream> Open(HttpClient http, Uri uri, CancellationToken ct)
    {
        if (uri.IsFile)
        {
            return File.Exists(uri.LocalPath) ? File.OpenRead(uri.LocalPath)
                : throw new FileNotFoundException($"{uri.LocalPath} not found (from --base-url {uri}).", uri.LocalPath);
        }
        HttpResponseMessage response;
        try { response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct); }
        catch (HttpRequestException e)
        {
            throw new IOException($"Cannot download {uri}: {e.Message}. Check the network, or use the npm source (--source npm).", e);
        }
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            throw new IOException($"Cannot download {uri}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
        }
        return await response.Content.ReadAsStreamAsync(ct);
    }
}
