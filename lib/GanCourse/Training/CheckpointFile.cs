using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GanCourse.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>One named part of a checkpoint: a module's state dict, an optimizer's state or a JSON document.</summary>
/// <param name="Type">"module", "optimizer" or "json".</param>
/// <param name="Tensors">For a module: the name and shape of every tensor (checked before anything is loaded).</param>
public sealed record CheckpointSection(string Name, string Type, byte[] Bytes, IReadOnlyDictionary<string, long[]>? Tensors = null);

/// <summary>A checkpoint file read and verified (length and SHA-256) by <see cref="CheckpointFile.Read"/>.</summary>
public sealed record CheckpointContents(string Path, int Format, string Kind, JsonObject Config,
    IReadOnlyDictionary<string, string> Notes, IReadOnlyList<CheckpointSection> Sections)
{
    public CheckpointSection? Section(string name) => Sections.FirstOrDefault(s => s.Name == name);

    /// <summary>The section, or an error naming the file, what it holds and the fix.</summary>
    public CheckpointSection Require(string name, string type)
    {
        var s = Section(name) ?? throw new InvalidDataException(
            $"{Path}: expected a {type} section '{name}' but the checkpoint holds {string.Join(", ", Sections.Select(x => $"'{x.Name}'"))}. " +
            "It was written by other code or for another model: pass the matching checkpoint or retrain.");
        if (s.Type != type) throw new InvalidDataException($"{Path}: section '{name}' is a {s.Type}, expected a {type}.");
        return s;
    }
}

/// <summary>
/// The kit's one checkpoint container (format 2), used by <see cref="ModelCheckpoint"/> and
/// <see cref="AdversarialTrainer.SaveCheckpoint"/>:
/// <code>magic "GanCourse.Checkpoint/2" | int64 length L of the rest | SHA-256 of the rest (32 bytes) |
/// rest = int32 header length | header JSON {format, kind, config, notes, sections: [{name, type, length, tensors}]} | section bytes</code>
/// Reading checks the magic, the length (a truncated file is named as such) and the checksum (any flipped byte in the
/// header or the weights) before anything is parsed; every error is an <see cref="InvalidDataException"/> naming the
/// file, what was expected, what was found and the fix. Files are written atomically (<see cref="AtomicFile"/>).
/// </summary>
public static class CheckpointFile
{
    public const int Format = 2;
    public const string Magic = "GanCourse.Checkpoint/2";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static string Write(string path, string kind, JsonNode? config, IReadOnlyDictionary<string, string>? notes,
        IReadOnlyList<CheckpointSection> sections)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        var header = new JsonObject
        {
            ["format"] = Format,
            ["kind"] = kind,
            ["config"] = config?.DeepClone() ?? new JsonObject(),
            ["notes"] = JsonSerializer.SerializeToNode(notes ?? new Dictionary<string, string>(), Json),
            ["sections"] = new JsonArray(sections.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = s.Name,
                ["type"] = s.Type,
                ["length"] = s.Bytes.LongLength,
                ["tensors"] = s.Tensors is null ? null : JsonSerializer.SerializeToNode(s.Tensors, Json),
            }).ToArray()),
        };
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString(Json));
        using var rest = new MemoryStream();
        using (var w = new BinaryWriter(rest, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(headerBytes.Length);
            w.Write(headerBytes);
            foreach (var s in sections) w.Write(s.Bytes);
        }
        var restBytes = rest.ToArray();
        using var file = new MemoryStream();
        using (var w = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(restBytes.LongLength);
            w.Write(SHA256.HashData(restBytes));
            w.Write(restBytes);
        }
        return AtomicFile.WriteAllBytes(path, file.ToArray());
    }

    /// <summary>The magic string at the start of a file ("" when there is none), without reading the rest.</summary>
    public static string PeekMagic(string path)
    {
        using var r = new BinaryReader(File.OpenRead(path));
        return ReadMagic(r);
    }

    static string ReadMagic(BinaryReader r)
    {
        try
        {
            var first = r.PeekChar();
            if (first is < 1 or > 64) return "";   // a magic string is short; anything else is not one of ours
            return r.ReadString();
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or DecoderFallbackException) { return ""; }
    }

    /// <summary>Reads and verifies a format-2 checkpoint: magic, length, SHA-256, header; nothing is loaded anywhere.</summary>
    public static CheckpointContents Read(string path, string fix)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No checkpoint at {System.IO.Path.GetFullPath(path)}.", path);
        var bytes = File.ReadAllBytes(path);
        using var r = new BinaryReader(new MemoryStream(bytes));
        var magic = ReadMagic(r);
        if (magic != Magic)
            throw new InvalidDataException($"{path} is not a GanCourse checkpoint of format {Format}: it starts with " +
                $"{(magic.Length > 0 ? $"'{magic}'" : Describe(bytes))} instead of '{Magic}'. {fix}");
        var fixedPart = r.BaseStream.Position + 8 + 32;
        if (bytes.Length < fixedPart)
            throw Truncated(path, bytes.Length, fixedPart, fix);
        var length = r.ReadInt64();
        var expectedHash = r.ReadBytes(32);
        var restStart = (int)r.BaseStream.Position;
        var available = bytes.LongLength - restStart;
        if (length < 4 || length > int.MaxValue)
            throw new InvalidDataException($"{path}: the header declares {length:N0} bytes of content, which is impossible: the file is corrupt. {fix}");
        if (available < length) throw Truncated(path, bytes.Length, restStart + length, fix);
        if (available > length)
            throw new InvalidDataException($"{path}: {available - length:N0} unexpected bytes after the {restStart + length:N0} the header declares: the file is corrupt. {fix}");
        var actualHash = SHA256.HashData(bytes.AsSpan(restStart, (int)length));
        if (!actualHash.AsSpan().SequenceEqual(expectedHash))
            throw new InvalidDataException($"{path}: checksum mismatch: the file records SHA-256 {Convert.ToHexStringLower(expectedHash)} " +
                $"but its content hashes to {Convert.ToHexStringLower(actualHash)}: the file was changed or damaged after it was written. {fix}");
        var headerLength = r.ReadInt32();
        JsonObject header;
        try { header = JsonNode.Parse(bytes.AsSpan((int)r.BaseStream.Position, headerLength))!.AsObject(); }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: the header is not valid JSON ({e.Message}) although the checksum matches: written by a broken writer. {fix}", e);
        }
        var offset = (int)r.BaseStream.Position + headerLength;
        var sections = new List<CheckpointSection>();
        foreach (var node in header["sections"]?.AsArray() ?? [])
        {
            var s = node!.AsObject();
            var len = (int)s["length"]!.GetValue<long>();
            var tensors = s["tensors"]?.Deserialize<Dictionary<string, long[]>>(Json);
            sections.Add(new CheckpointSection(s["name"]!.GetValue<string>(), s["type"]!.GetValue<string>(), bytes.AsSpan(offset, len).ToArray(), tensors));
            offset += len;
        }
        return new CheckpointContents(path, header["format"]?.GetValue<int>() ?? Format, header["kind"]?.GetValue<string>() ?? "",
            header["config"]?.AsObject() ?? new JsonObject(),
            header["notes"]?.Deserialize<Dictionary<string, string>>(Json) ?? new Dictionary<string, string>(), sections);
    }

    static InvalidDataException Truncated(string path, long found, long expected, string fix) =>
        new($"{path} is truncated: expected {expected:N0} bytes, found {found:N0} (the copy or download was cut short, or the disk filled up). {fix}");

    static string Describe(byte[] bytes)
    {
        if (bytes.Length == 0) return "nothing (the file is empty)";
        if (bytes.Length >= 4 && bytes[0] == 'P' && bytes[1] == 'K') return "a zip archive (a PyTorch .pt file? read it with StateDictLoader)";
        return $"the bytes {Convert.ToHexString(bytes.AsSpan(0, Math.Min(8, bytes.Length)))}";
    }

    /// <summary>The name and shape of every tensor of a module's state dict.</summary>
    public static Dictionary<string, long[]> Shapes(nn.Module m) => m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);

    /// <summary>A module as a section (its TorchSharp state-dict bytes and its tensor shapes).</summary>
    public static CheckpointSection ModuleSection(string name, nn.Module m)
    {
        using var block = new MemoryStream();
        using (var bw = new BinaryWriter(block, Encoding.UTF8, leaveOpen: true)) m.save(bw);
        return new CheckpointSection(name, "module", block.ToArray(), Shapes(m));
    }

    /// <summary>
    /// Reads a module's state-dict bytes (TorchSharp's <c>Module.save</c> format) into new CPU tensors and checks every
    /// name, shape and dtype against <paramref name="module"/>; the module itself is not touched.
    /// </summary>
    public static Dictionary<string, Tensor> ReadModule(byte[] block, nn.Module module, string path, string name)
    {
        var expected = module.state_dict();
        var result = new Dictionary<string, Tensor>();
        try
        {
            using var r = new BinaryReader(new MemoryStream(block));
            var count = Decode(r);
            for (long i = 0; i < count; i++)
            {
                var key = r.ReadString();
                var dtype = (ScalarType)Decode(r);
                var dims = Decode(r);
                var shape = new long[dims];
                for (var d = 0; d < dims; d++) shape[d] = Decode(r);
                if (!expected.TryGetValue(key, out var target))
                    throw new InvalidDataException($"{path}: module '{name}' in the checkpoint has a tensor '{key}' [{string.Join(", ", shape)}] this model lacks (the checkpoint's architecture differs). Build the model with the checkpoint's configuration.");
                if (!target.shape.SequenceEqual(shape))
                    throw new InvalidDataException($"{path}: '{name}.{key}' has shape [{string.Join(", ", shape)}] in the checkpoint but [{string.Join(", ", target.shape)}] in this model: another model size. Build the model with the checkpoint's configuration.");
                if (target.dtype != dtype)
                    throw new InvalidDataException($"{path}: '{name}.{key}' is {dtype} in the checkpoint but {target.dtype} in this model.");
                var t = empty(shape, dtype);
                var bytes = r.ReadBytes(checked((int)(t.NumberOfElements * t.ElementSize)));
                if (bytes.Length != t.NumberOfElements * t.ElementSize)
                    throw new InvalidDataException($"{path}: module '{name}' ends inside tensor '{key}'.");
                t.bytes = bytes;
                result[key] = t;
            }
            var missing = expected.Keys.Except(result.Keys).FirstOrDefault();
            if (missing is not null)
                throw new InvalidDataException($"{path}: module '{name}' has no tensor '{missing}' (the checkpoint's architecture differs). Build the model with the checkpoint's configuration.");
            if (r.BaseStream.Position != block.Length)
                throw new InvalidDataException($"{path}: module '{name}' has {block.Length - r.BaseStream.Position} bytes after its last tensor.");
            return result;
        }
        catch (Exception e)
        {
            foreach (var t in result.Values) t.Dispose();
            if (e is InvalidDataException) throw;
            if (e is EndOfStreamException or IOException or OverflowException or ArgumentException)
                throw new InvalidDataException($"{path}: module '{name}' cannot be read ({e.Message}).", e);
            throw;
        }
    }

    /// <summary>Copies tensors read by <see cref="ReadModule"/> into the module (cannot fail: everything was checked).</summary>
    public static void CopyInto(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors)
    {
        using var _ = no_grad();
        foreach (var (key, target) in module.state_dict()) target.copy_(tensors[key]);
    }

    static long Decode(BinaryReader r)
    {
        long value = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (shift > 63) throw new InvalidDataException("a length field is malformed");
            var b = r.ReadByte();
            value |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
    }
}
