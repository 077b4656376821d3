using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>What a checkpoint records besides the weights: model kind, architecture config, free-form notes
/// (training command, settings, timing) and the name and shape of every tensor of every module.</summary>
/// <param name="Format">2: the current format (<see cref="CheckpointFile"/>, with a SHA-256 over the content); 1: the
/// first format, read for compatibility, which has no checksum (damaged weights in it cannot be detected).</param>
public sealed record CheckpointInfo(string Kind, JsonObject Config, IReadOnlyDictionary<string, string> Notes,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, long[]>> Modules, int Format = CheckpointFile.Format);

/// <summary>
/// Saves and loads named modules (e.g. "G", "G_ema", "D") with the architecture config they were built from, in one
/// file written atomically (temp file + rename), in the kit's checkpoint format (<see cref="CheckpointFile"/>: format
/// version, config, SHA-256 over the content). Loading verifies the checksum, the kind, every config field and every
/// tensor name and shape, reads the weights into temporary tensors and only then copies them into the modules: a
/// failed load leaves the modules exactly as they were. Every error names the file, what was expected and found, and the fix.
/// <code>ModelCheckpoint.Save(path, "progan", config, new() { ["G_ema"] = gEma }, notes);
/// var cfg = ModelCheckpoint.ReadConfig&lt;ProGanConfig&gt;(path, "progan");   // build the model from it, then
/// ModelCheckpoint.Load(path, "progan", cfg, new() { ["G_ema"] = gEma });</code>
/// </summary>
public static class ModelCheckpoint
{
    /// <summary>The magic of the first format (no checksum), still read.</summary>
    public const string MagicV1 = "GanCourse.ModelCheckpoint/1";
    const string Fix = "Restore the file (git checkout -- <file> for a shipped one) or save the model again with ModelCheckpoint.Save.";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static string Save<TConfig>(string path, string kind, TConfig config, IReadOnlyDictionary<string, nn.Module> modules,
        IReadOnlyDictionary<string, string>? notes = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        if (modules.Count == 0) throw new ArgumentException("Nothing to save: pass at least one module.", nameof(modules));
        return CheckpointFile.Write(path, kind, JsonSerializer.SerializeToNode(config, Json), notes,
            modules.Select(kv => CheckpointFile.ModuleSection(kv.Key, kv.Value)).ToList());
    }

    /// <summary>Reads the header (kind, config, notes, tensor shapes) without loading weights; format 2 is verified (checksum) first.</summary>
    public static CheckpointInfo ReadInfo(string path) => Read(path).Info;

    /// <summary>The config recorded in a checkpoint of the given kind, to build a matching model.</summary>
    public static TConfig ReadConfig<TConfig>(string path, string kind)
    {
        var info = ReadInfo(path);
        CheckKind(info, kind, path);
        return info.Config.Deserialize<TConfig>(Json)
            ?? throw new InvalidDataException($"{path}: the recorded config is empty.");
    }

    /// <summary>
    /// Loads the weights into <paramref name="modules"/> (a subset of the saved ones, by name) after checking the
    /// checksum, the kind, the config and every tensor's name, shape and dtype; a mismatch throws naming it and no
    /// module is changed.
    /// </summary>
    public static CheckpointInfo Load<TConfig>(string path, string kind, TConfig config, IReadOnlyDictionary<string, nn.Module> modules)
    {
        var (info, blocks) = Read(path);
        CheckKind(info, kind, path);
        var mine = JsonSerializer.SerializeToNode(config, Json)!.AsObject();
        foreach (var (key, value) in mine)
        {
            var saved = info.Config[key];
            if (!JsonNode.DeepEquals(saved, value))
                throw new InvalidDataException(
                    $"{path} was saved with {key} = {saved?.ToJsonString() ?? "(missing)"} but this model has {key} = {value?.ToJsonString()}. " +
                    $"Build the model from the checkpoint's config (ModelCheckpoint.ReadConfig) or retrain.");
        }
        foreach (var name in modules.Keys)
            if (!blocks.ContainsKey(name))
                throw new InvalidDataException($"{path} has no module '{name}'; it holds {string.Join(", ", info.Modules.Keys)}.");
        // Validate-then-mutate: every requested module is read into temporary tensors first (ReadModule checks every
        // tensor's name, shape and dtype against the module), and only then copied.
        var read = new Dictionary<string, Dictionary<string, Tensor>>();
        try
        {
            foreach (var (name, m) in modules) read[name] = CheckpointFile.ReadModule(blocks[name], m, path, name);
            foreach (var (name, m) in modules) CheckpointFile.CopyInto(m, read[name]);
        }
        finally
        {
            foreach (var t in read.Values.SelectMany(d => d.Values)) t.Dispose();
        }
        return info;
    }

    /// <summary>Rewrites a format-1 checkpoint in format 2 (same header, byte-identical weights, plus the checksum); returns false when it already is format 2.</summary>
    public static bool Upgrade(string path)
    {
        var (info, blocks) = Read(path);
        if (info.Format == CheckpointFile.Format) return false;
        CheckpointFile.Write(path, info.Kind, info.Config, info.Notes,
            info.Modules.Select(kv => new CheckpointSection(kv.Key, "module", blocks[kv.Key], kv.Value)).ToList());
        return true;
    }

    static (CheckpointInfo Info, Dictionary<string, byte[]> Blocks) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No checkpoint at {Path.GetFullPath(path)}.", path);
        if (CheckpointFile.PeekMagic(path) == MagicV1) return ReadV1(path);
        var c = CheckpointFile.Read(path, Fix);
        var modules = c.Sections.Where(s => s.Type == "module")
            .ToDictionary(s => s.Name, s => s.Tensors ?? throw new InvalidDataException($"{path}: module '{s.Name}' lists no tensors."));
        return (new CheckpointInfo(c.Kind, c.Config, c.Notes, modules, c.Format),
            c.Sections.Where(s => s.Type == "module").ToDictionary(s => s.Name, s => s.Bytes));
    }

    /// <summary>Format 1 (before checksums): the header's strings, then length-prefixed module blocks.</summary>
    static (CheckpointInfo, Dictionary<string, byte[]>) ReadV1(string path)
    {
        const string fixV1 = Fix + " (This file is in the first checkpoint format, which has no checksum; ModelCheckpoint.Upgrade rewrites it with one.)";
        try
        {
            using var r = new BinaryReader(File.OpenRead(path));
            r.ReadString();
            var kind = r.ReadString();
            var config = JsonNode.Parse(r.ReadString())!.AsObject();
            var notes = JsonSerializer.Deserialize<Dictionary<string, string>>(r.ReadString(), Json)!;
            var modules = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, long[]>>>(r.ReadString(), Json)!;
            var blocks = new Dictionary<string, byte[]>();
            foreach (var name in modules.Keys)
            {
                var length = r.ReadInt64();
                if (length < 0 || length > r.BaseStream.Length - r.BaseStream.Position)
                    throw new InvalidDataException($"{path} is truncated: module '{name}' needs {length:N0} bytes but only {r.BaseStream.Length - r.BaseStream.Position:N0} are left. {fixV1}");
                blocks[name] = r.ReadBytes((int)length);
            }
            if (r.BaseStream.Position != r.BaseStream.Length)
                throw new InvalidDataException($"{path}: {r.BaseStream.Length - r.BaseStream.Position:N0} unexpected bytes after the last module. {fixV1}");
            return (new CheckpointInfo(kind, config, notes, modules.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, long[]>)kv.Value), 1), blocks);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path} is truncated: it ends inside the header. {fixV1}", e);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the header is damaged (not valid JSON: {e.Message}). {fixV1}", e);
        }
    }

    static void CheckKind(CheckpointInfo info, string kind, string path)
    {
        if (info.Kind != kind)
            throw new InvalidDataException($"{path} holds a '{info.Kind}' model, not '{kind}'.");
    }
}
