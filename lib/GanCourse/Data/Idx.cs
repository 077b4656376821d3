using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using GanCourse.Runtime;

namespace GanCourse.Data;

/// <summary>Images read from an IDX file: <see cref="Count"/> images of <see cref="Rows"/> x <see cref="Cols"/> bytes, row-major.</summary>
public sealed record IdxImages(byte[] Pixels, int Count, int Rows, int Cols)
{
    public int ImageSize => Rows * Cols;
    public ReadOnlySpan<byte> Image(int i) => Pixels.AsSpan(i * ImageSize, ImageSize);
}

/// <summary>An image file and its label file, checked against each other.</summary>
public sealed record IdxDataset(IdxImages Images, byte[] Labels, int ClassCount)
{
    public int Count => Images.Count;

    /// <summary>How many images each class has (index = label).</summary>
    public int[] ClassCounts()
    {
        var counts = new int[ClassCount];
        foreach (var l in Labels) counts[l]++;
        return counts;
    }
}

/// <summary>
/// Reads and writes the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian header
/// (magic 0x0000_08_DD: unsigned bytes, DD dimensions; then one int32 size per dimension) followed by the data.
/// Files may be raw or gzip-compressed (detected from the gzip magic bytes, not the name).
/// Every problem is an <see cref="InvalidDataException"/> whose message names the file and what is wrong;
/// nothing partial is ever returned.
/// </summary>
public static class Idx
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;
    /// <summary>The largest image side accepted (guards against allocating gigabytes for a corrupt header).</summary>
    public const int MaxSide = 4096;

    /// <summary>Reads an images file (magic 0x00000803: count x rows x cols unsigned bytes).</summary>
    public static IdxImages ReadImages(string path)
    {
        var name = Path.GetFileName(path);
        using var stream = OpenData(path);
        var header = ReadHeader(stream, name, ImagesMagic, "images", headerBytes: 16);
        var (count, rows, cols) = (header[0], header[1], header[2]);
        if (rows <= 0 || cols <= 0 || rows > MaxSide || cols > MaxSide)
            throw Bad(name, $"header declares images of {rows}x{cols} pixels; expected sides between 1 and {MaxSide}. The header is corrupt.");
        var bodyBytes = (long)count * rows * cols;
        if (bodyBytes > Array.MaxLength)
            throw Bad(name, $"header declares {N(count)} images of {rows}x{cols} ({N(bodyBytes + 16)} bytes), more than one array can hold. The header is corrupt or the file is not an IDX images file.");
        var pixels = ReadBody(stream, name, (int)bodyBytes, 16,
            $"{N(count)} images of {rows}x{cols}");
        return new IdxImages(pixels, count, rows, cols);
    }

    /// <summary>Reads a labels file (magic 0x00000801: count unsigned bytes), each in 0..<paramref name="classCount"/>-1.</summary>
    public static byte[] ReadLabels(string path, int classCount = 10)
    {
        if (classCount is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "classCount must be 1..256");
        var name = Path.GetFileName(path);
        using var stream = OpenData(path);
        var count = ReadHeader(stream, name, LabelsMagic, "labels", headerBytes: 8)[0];
        var labels = ReadBody(stream, name, count, 8, $"{N(count)} labels");
        for (var i = 0; i < labels.Length; i++)
            if (labels[i] >= classCount)
                throw Bad(name, $"label {labels[i]} at index {N(i)} is out of range: expected 0..{classCount - 1} ({classCount} classes). " +
                    "The file is corrupt, or pass the dataset's class count.");
        return labels;
    }

    /// <summary>Reads an images file and its labels file and checks that they have the same number of entries.</summary>
    public static IdxDataset ReadDataset(string imagesPath, string labelsPath, int classCount = 10)
    {
        var images = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath, classCount);
        if (labels.Length != images.Count)
            throw new InvalidDataException(
                $"{Path.GetFileName(imagesPath)} has {N(images.Count)} images but {Path.GetFileName(labelsPath)} has {N(labels.Length)} labels: " +
                "the two files do not belong together. Re-fetch the dataset (dotnet run --project tools/GanCourse.Data -- fetch <name>).");
        return new IdxDataset(images, labels, classCount);
    }

    /// <summary>Writes images as a gzip-compressed IDX file (temp file, then rename).</summary>
    public static string WriteImages(string path, ReadOnlySpan<byte> pixels, int count, int rows, int cols)
    {
        if (count < 0 || rows <= 0 || cols <= 0) throw new ArgumentException($"Invalid IDX image shape {count}x{rows}x{cols}.");
        if (pixels.Length != (long)count * rows * cols)
            throw new ArgumentException($"{N(pixels.Length)} pixel bytes do not make {N(count)} images of {rows}x{cols}.", nameof(pixels));
        Span<byte> header = stackalloc byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], count);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], rows);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], cols);
        return AtomicFile.WriteAllBytes(path, Gzip(header, pixels));
    }

    /// <summary>Writes labels as a gzip-compressed IDX file (temp file, then rename).</summary>
    public static string WriteLabels(string path, ReadOnlySpan<byte> labels)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], labels.Length);
        return AtomicFile.WriteAllBytes(path, Gzip(header, labels));
    }

    /// <summary>The IDX bytes of a file, decompressed when it is gzip (for checksums of the content).</summary>
    public static byte[] ReadDecompressed(string path)
    {
        using var s = OpenData(path);
        using var ms = new MemoryStream();
        try { s.CopyTo(ms); }
        catch (InvalidDataException e) { throw CorruptGzip(Path.GetFileName(path), e); }
        return ms.ToArray();
    }

    static byte[] Gzip(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gz.Write(header);
            gz.Write(body);
        }
        return ms.ToArray();
    }

    /// <summary>Opens the file, through a gzip decompressor when it starts with the gzip magic bytes 1f 8b.</summary>
    static Stream OpenData(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"IDX file not found: {Path.GetFullPath(path)}. " +
                "Fetch the dataset (dotnet run --project tools/GanCourse.Data -- fetch <name>) or check GANCOURSE_DATA.", path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        var n = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        if (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
            return new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16);
        return file;
    }

    static int[] ReadHeader(Stream s, string name, int expectedMagic, string kind, int headerBytes)
    {
        var buf = new byte[headerBytes];
        var got = Fill(s, name, buf);
        if (got < 4)
            throw Bad(name, $"truncated: {got} bytes, too short for an IDX header (expected a {headerBytes}-byte {kind} header).");
        var magic = BinaryPrimitives.ReadInt32BigEndian(buf);
        if (magic != expectedMagic)
        {
            var what = magic switch
            {
                ImagesMagic => " (that is an IDX images file)",
                LabelsMagic => " (that is an IDX labels file)",
                _ when (magic >> 16) == 0 && ((magic >> 8) & 0xff) == 0x08 => $" (IDX unsigned bytes with {magic & 0xff} dimensions)",
                _ when (magic >> 16) == 0 => $" (IDX with element type 0x{(magic >> 8) & 0xff:x2} and {magic & 0xff} dimensions; only unsigned bytes, 0x08, are supported)",
                _ => " (not an IDX file)",
            };
            throw Bad(name, $"bad magic number 0x{magic:x8}{what}: expected 0x{expectedMagic:x8}, an IDX {kind} file of unsigned bytes " +
                $"with {expectedMagic & 0xff} dimension{((expectedMagic & 0xff) == 1 ? "" : "s")}. Check that the right file is used.");
        }
        if (got < headerBytes)
            throw Bad(name, $"truncated: the {kind} header needs {headerBytes} bytes but the file has {got}.");
        var dims = new int[(headerBytes - 4) / 4];
        for (var i = 0; i < dims.Length; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(buf.AsSpan(4 + 4 * i));
            if (dims[i] < 0) throw Bad(name, $"header dimension {i} is negative ({dims[i]}). The header is corrupt.");
        }
        return dims;
    }

    static byte[] ReadBody(Stream s, string name, int bodyBytes, int headerBytes, string declared)
    {
        var body = GC.AllocateUninitializedArray<byte>(bodyBytes);
        var got = Fill(s, name, body);
        if (got < bodyBytes)
            throw Bad(name, $"truncated: header declares {declared} ({N((long)bodyBytes + headerBytes)} bytes) " +
                $"but the file has {N((long)got + headerBytes)}. Re-fetch the file.");
        var extra = CountRest(s, name);
        if (extra > 0)
            throw Bad(name, $"trailing data: header declares {declared} ({N((long)bodyBytes + headerBytes)} bytes) " +
                $"but the file has {N((long)bodyBytes + headerBytes + extra)} ({N(extra)} extra bytes). The file is corrupt or not the one the header describes.");
        return body;
    }

    static int Fill(Stream s, string name, byte[] buffer)
    {
        try { return s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false); }
        catch (InvalidDataException e) { throw CorruptGzip(name, e); }
    }

    static long CountRest(Stream s, string name)
    {
        var buf = new byte[1 << 16];
        long total = 0;
        try
        {
            int n;
            while ((n = s.Read(buf)) > 0) total += n;
        }
        catch (InvalidDataException e) { throw CorruptGzip(name, e); }
        return total;
    }

    // .NET reports damage inside a deflate stream as whatever the decoder tripped on ("unsupported compression method",
    // "invalid block type"): a symptom, not the cause. The message says what it means; the decoder's words stay in the inner exception.
    static InvalidDataException CorruptGzip(string name, Exception inner) =>
        new($"{name}: corrupt gzip data: the compressed bytes are damaged (a changed or flipped byte, or a file cut short while downloading). " +
            "Delete it and fetch it again (dotnet run --project tools/GanCourse.Data -- fetch <name>), or restore a shipped file with git checkout -- data/<name>.", inner);

    static InvalidDataException Bad(string name, string what) => new($"{name}: {what}");

    internal static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
