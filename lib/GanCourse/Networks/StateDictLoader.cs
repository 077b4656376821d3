using System.Collections;
using GanCourse.Runtime;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace GanCourse.Networks;

/// <summary>Raised when a state dict does not fit a model; the message lists every missing, extra and mis-shaped key.</summary>
public sealed class StateDictMismatchException(string message) : Exception(message);

/// <summary>
/// Reads and writes PyTorch state dicts (<c>torch.save(model.state_dict(), path)</c>, the seed's
/// <c>weights_stylegan.pt</c>) with TorchSharp.PyBridge, and checks the keys and shapes against a model before
/// copying anything, so a wrong file fails with a list of what is wrong instead of a half-loaded model.
/// </summary>
public static class StateDictLoader
{
    /// <summary>Every tensor of a .pt state dict, by name, in file order.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No state dict at '{path}'", path);
        CheckLooksLikePt(path);
        CheckEntryChecksums(path);
        using var stream = File.OpenRead(path);
        Hashtable table;
        try { table = PyTorchUnpickler.UnpickleStateDict(stream); }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException or NotImplementedException or NotSupportedException
                                  or InvalidOperationException or ArgumentException or FormatException)
        {
            // a .pt is a zip archive: "End of Central Directory record could not be found" means its end is missing
            throw new InvalidDataException($"{path}: a damaged or truncated PyTorch .pt file ({new FileInfo(path).Length:N0} bytes; " +
                $"the reader said: {e.Message}). The copy or download was probably cut short: copy or download it again, or save it again " +
                "with torch.save(model.state_dict(), path).", e);
        }
        var dict = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry e in table)
        {
            if (e.Value is Tensor t) dict[(string)e.Key] = t;
            else if (e.Value?.GetType().FullName == typeof(Tensor).FullName) dict[(string)e.Key] = FromOtherLoadContext(e.Value!);
        }
        return dict;
    }

    /// <summary>
    /// A .pt state dict (PyTorch 1.6 and later) is a zip archive, so it starts with "PK". Anything else gets a message
    /// that says what the file is instead of the unpickler's guess ("saved using the old PyTorch format").
    /// </summary>
    static void CheckLooksLikePt(string path)
    {
        var head = new byte[32];
        int n;
        using (var f = File.OpenRead(path)) n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (n >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4) return;
        var text = System.Text.Encoding.ASCII.GetString(head, 0, n);
        var what = n == 0 ? "the file is empty"
            : text.Contains("GanCourse.") ? "it is a GanCourse checkpoint (ModelCheckpoint / AdversarialTrainer format), not a PyTorch file: " +
                                            "load it with ModelCheckpoint.Load or ProGanTraining.LoadGenerator"
            : head[0] == 0x80 ? "it looks like a pickle in PyTorch's legacy (pre-1.6) format, which is not supported: re-save it in PyTorch " +
                                "with torch.save(model.state_dict(), path)"
            : $"it starts with the bytes {Convert.ToHexString(head, 0, Math.Min(n, 8))}, not with a zip archive's PK";
        throw new InvalidDataException($"{path} is not a PyTorch state dict (.pt, a zip archive written by torch.save): {what}.");
    }

    /// <summary>
    /// A .pt is a zip archive whose central directory records a CRC-32 of every entry, but neither .NET's zip reader nor
    /// the unpickler checks it: a flipped byte inside the weights would load without a word. Check each entry's CRC
    /// first (a few hundred MB/s) and name the damaged entry.
    /// </summary>
    static void CheckEntryChecksums(string path)
    {
        System.IO.Compression.ZipArchive zip;
        try { zip = System.IO.Compression.ZipFile.OpenRead(path); }
        catch (InvalidDataException) { return; }   // truncated or not a zip: the unpickler's error below says so, with the fix
        using (zip)
        {
            var buffer = new byte[1 << 16];
            foreach (var entry in zip.Entries)
            {
                uint crc = 0xFFFFFFFF;
                long length = 0;
                try
                {
                    using var s = entry.Open();
                    int n;
                    while ((n = s.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        crc = Crc32.Update(crc, buffer.AsSpan(0, n));
                        length += n;
                    }
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"{path}: the entry '{entry.FullName}' of this PyTorch .pt cannot be decompressed ({e.Message}): the file was " +
                        "damaged after it was written. Copy or download it again, or save it again with torch.save(model.state_dict(), path).", e);
                }
                crc ^= 0xFFFFFFFF;
                if (crc != entry.Crc32 || length != entry.Length)
                    throw new InvalidDataException($"{path}: the entry '{entry.FullName}' of this PyTorch .pt is damaged: its CRC-32 is {crc:x8} but the archive " +
                        $"records {entry.Crc32:x8} ({length:N0} of {entry.Length:N0} bytes read). The file was changed or damaged after it was written: copy or " +
                        "download it again, or save it again with torch.save(model.state_dict(), path).");
            }
        }
    }

    /// <summary>CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum zip archives record per entry.</summary>
    static class Crc32
    {
        static readonly uint[] Table = Enumerable.Range(0, 256).Select(i =>
        {
            var c = (uint)i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            return c;
        }).ToArray();

        public static uint Update(uint crc, ReadOnlySpan<byte> data)
        {
            foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc;
        }
    }

    /// <summary>
    /// A notebook kernel can load TorchSharp twice (the notebook's copy and the one PyBridge binds to, from the same
    /// file but in another assembly load context); their Tensor types differ, so copy the values across.
    /// </summary>
    static Tensor FromOtherLoadContext(object foreign)
    {
        dynamic t = foreign;
        long[] shape = t.shape;
        dynamic f = t.cpu().@float();
        float[] values = f.data<float>().ToArray();
        f.Dispose();
        t.Dispose();
        return tensor(values).reshape(shape);
    }

    /// <summary>Missing, extra and mis-shaped keys of <paramref name="stateDict"/> against <paramref name="model"/> (empty = fits).</summary>
    public static List<string> Problems(nn.Module model, IReadOnlyDictionary<string, Tensor> stateDict)
    {
        var expected = model.state_dict();
        var problems = new List<string>();
        foreach (var (key, t) in expected)
        {
            if (!stateDict.TryGetValue(key, out var got)) problems.Add($"missing: {key} [{string.Join(", ", t.shape)}]");
            else if (!got.shape.SequenceEqual(t.shape))
                problems.Add($"wrong shape: {key} is [{string.Join(", ", got.shape)}], the model needs [{string.Join(", ", t.shape)}]");
        }
        foreach (var key in stateDict.Keys)
            if (!expected.ContainsKey(key)) problems.Add($"unexpected: {key} [{string.Join(", ", stateDict[key].shape)}]");
        return problems;
    }

    /// <summary>Load a .pt state dict into <paramref name="model"/> after checking every key and shape.</summary>
    /// <exception cref="StateDictMismatchException">The file has missing, extra or mis-shaped keys (all listed).</exception>
    public static void Load(nn.Module model, string path)
    {
        var dict = Read(path);
        try
        {
            Load(model, dict, Path.GetFileName(path));
        }
        finally
        {
            foreach (var t in dict.Values) t.Dispose();
        }
    }

    /// <summary>Copy <paramref name="stateDict"/> into <paramref name="model"/> after checking every key and shape.</summary>
    public static void Load(nn.Module model, IReadOnlyDictionary<string, Tensor> stateDict, string source = "state dict")
    {
        var problems = Problems(model, stateDict);
        if (problems.Count > 0)
            throw new StateDictMismatchException(
                $"{source} does not fit {model.GetType().Name} ({problems.Count} problem(s); is it the right model and size?):\n  " +
                string.Join("\n  ", problems.Take(40)) + (problems.Count > 40 ? $"\n  ... and {problems.Count - 40} more" : ""));
        using var _ = no_grad();
        foreach (var (key, target) in model.state_dict())
            target.copy_(stateDict[key].to(target.dtype));
    }

    /// <summary>Write the model's state dict as a PyTorch .pt file (loadable with torch.load), atomically.</summary>
    public static void Save(nn.Module model, string path) => Save(model.state_dict(), path);

    /// <summary>Write a state dict as a PyTorch .pt file, atomically; non-contiguous tensors (views, transposes) are written as contiguous copies.</summary>
    public static void Save(IReadOnlyDictionary<string, Tensor> stateDict, string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        using var _ = NewDisposeScope();
        var dense = new Dictionary<string, Tensor>();
        foreach (var (key, t) in stateDict) dense[key] = t.is_contiguous() ? t : t.contiguous();   // PyBridge reads the raw bytes
        using var ms = new MemoryStream();
        PyTorchPickler.PickleStateDict(ms, dense, leaveOpen: true);
        AtomicFile.WriteAllBytes(path, ms.ToArray());
    }
}
