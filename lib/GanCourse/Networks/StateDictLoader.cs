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
        using var stream = File.OpenRead(path);
        var table = PyTorchUnpickler.UnpickleStateDict(stream);
        var dict = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry e in table)
        {
            if (e.Value is Tensor t) dict[(string)e.Key] = t;
            else if (e.Value?.GetType().FullName == typeof(Tensor).FullName) dict[(string)e.Key] = FromOtherLoadContext(e.Value!);
        }
        return dict;
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
    public static void Save(nn.Module model, string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        using var ms = new MemoryStream();
        PyTorchPickler.PickleStateDict(ms, model.state_dict(), leaveOpen: true);
        AtomicFile.WriteAllBytes(path, ms.ToArray());
    }
}
