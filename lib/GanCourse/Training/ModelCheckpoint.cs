using System.Text.Json;
using System.Text.Json.Nodes;
using GanCourse.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>What a checkpoint records besides the weights: model kind, architecture config, free-form notes
/// (training command, settings, timing) and the name and shape of every tensor of every module.</summary>
public sealed record CheckpointInfo(string Kind, JsonObject Config, IReadOnlyDictionary<string, string> Notes,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, long[]>> Modules);

/// <summary>
/// Saves and loads named modules (e.g. "G", "G_ema", "D") with the architecture config they were built from, in one
/// file written atomically (temp file + rename). Loading checks the kind, every config field and every tensor name
/// and shape before touching the weights, and names the first mismatch:
/// <code>ModelCheckpoint.Save(path, "progan", config, new() { ["G_ema"] = gEma }, notes);
/// var cfg = ModelCheckpoint.ReadConfig&lt;ProGanConfig&gt;(path, "progan");   // build the model from it, then
/// ModelCheckpoint.Load(path, "progan", cfg, new() { ["G_ema"] = gEma });</code>
/// </summary>
public static class ModelCheckpoint
{
    const string Magic = "GanCourse.ModelCheckpoint/1";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static string Save<TConfig>(string path, string kind, TConfig config, IReadOnlyDictionary<string, nn.Module> modules,
        IReadOnlyDictionary<string, string>? notes = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        if (modules.Count == 0) throw new ArgumentException("Nothing to save: pass at least one module.", nameof(modules));
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(kind);
            w.Write(JsonSerializer.Serialize(config, Json));
            w.Write(JsonSerializer.Serialize(notes ?? new Dictionary<string, string>(), Json));
            w.Write(JsonSerializer.Serialize(modules.ToDictionary(kv => kv.Key, kv => Shapes(kv.Value)), Json));
            foreach (var (_, m) in modules)
            {
                using var block = new MemoryStream();
                using (var bw = new BinaryWriter(block, System.Text.Encoding.UTF8, leaveOpen: true)) m.save(bw);
                w.Write(block.Length);  // length-prefixed, so a reader can skip the modules it does not need
                w.Write(block.GetBuffer(), 0, (int)block.Length);
            }
        }
        return AtomicFile.WriteAllBytes(path, ms.ToArray());
    }

    /// <summary>Reads the header (kind, config, notes, tensor shapes) without loading weights.</summary>
    public static CheckpointInfo ReadInfo(string path)
    {
        using var r = Open(path);
        return ReadHeader(r, path);
    }

    /// <summary>The config recorded in a checkpoint of the given kind, to build a matching model.</summary>
    public static TConfig ReadConfig<TConfig>(string path, string kind)
    {
        var info = ReadInfo(path);
        CheckKind(info, kind, path);
        return info.Config.Deserialize<TConfig>(Json)
            ?? throw new InvalidDataException($"{path}: the recorded config is empty.");
    }

    /// <summary>
    /// Loads the weights into <paramref name="modules"/> (a subset of the saved ones, by name) after checking that
    /// the kind, the config and every tensor shape match; a mismatch throws naming it.
    /// </summary>
    public static CheckpointInfo Load<TConfig>(string path, string kind, TConfig config, IReadOnlyDictionary<string, nn.Module> modules)
    {
        using var r = Open(path);
        var info = ReadHeader(r, path);
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
        foreach (var (name, m) in modules)
        {
            if (!info.Modules.TryGetValue(name, out var savedShapes))
                throw new InvalidDataException($"{path} has no module '{name}'; it holds {string.Join(", ", info.Modules.Keys)}.");
            var shapes = Shapes(m);
            foreach (var (t, shape) in shapes)
            {
                if (!savedShapes.TryGetValue(t, out var s))
                    throw new InvalidDataException($"{path}: module '{name}' has no tensor '{t}' (the checkpoint's architecture differs).");
                if (!s.SequenceEqual(shape))
                    throw new InvalidDataException($"{path}: '{name}.{t}' has shape [{string.Join(", ", s)}] in the checkpoint but [{string.Join(", ", shape)}] in this model.");
            }
            var extra = savedShapes.Keys.Except(shapes.Keys).FirstOrDefault();
            if (extra is not null)
                throw new InvalidDataException($"{path}: module '{name}' in the checkpoint has a tensor '{extra}' this model lacks.");
        }
        // Weights follow the header in the order they were saved; skip the modules not asked for.
        foreach (var name in info.Modules.Keys)
        {
            var length = r.ReadInt64();
            if (!modules.TryGetValue(name, out var m)) { r.BaseStream.Seek(length, SeekOrigin.Current); continue; }
            using var block = new MemoryStream(r.ReadBytes(checked((int)length)));
            using var br = new BinaryReader(block);
            m.load(br);
        }
        return info;
    }

    static Dictionary<string, long[]> Shapes(nn.Module m) =>
        m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);

    static BinaryReader Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No checkpoint at {Path.GetFullPath(path)}.", path);
        return new BinaryReader(File.OpenRead(path));
    }

    static CheckpointInfo ReadHeader(BinaryReader r, string path)
    {
        string magic;
        try { magic = r.ReadString(); }
        catch (Exception e) when (e is EndOfStreamException or IOException) { magic = ""; }
        if (magic != Magic)
            throw new InvalidDataException($"{path} is not a GanCourse model checkpoint (header '{magic}'). Pass a file written by ModelCheckpoint.Save.");
        var kind = r.ReadString();
        var config = JsonNode.Parse(r.ReadString())!.AsObject();
        var notes = JsonSerializer.Deserialize<Dictionary<string, string>>(r.ReadString(), Json)!;
        var modules = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, long[]>>>(r.ReadString(), Json)!;
        return new CheckpointInfo(kind, config, notes,
            modules.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, long[]>)kv.Value));
    }

    static void CheckKind(CheckpointInfo info, string kind, string path)
    {
        if (info.Kind != kind)
            throw new InvalidDataException($"{path} holds a '{info.Kind}' model, not '{kind}'.");
    }
}
