using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>Copies parameters and buffers between two networks of the same architecture.</summary>
public static class ModuleState
{
    /// <summary>Every entry of <paramref name="from"/>'s state dict into the same-named entry of <paramref name="to"/> (validated first: nothing is copied on a mismatch).</summary>
    public static void Copy(nn.Module from, nn.Module to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var src = from.state_dict();
        var dst = to.state_dict();
        foreach (var (k, v) in src)
            if (!dst.TryGetValue(k, out var d) || !d.shape.SequenceEqual(v.shape))
                throw new ArgumentException($"Cannot copy '{k}' [{string.Join(", ", v.shape)}] from {from.GetName()} to {to.GetName()}: the target has {(d is null ? "no such entry" : $"shape [{string.Join(", ", d.shape)}]")}. Build both with the same configuration.");
        if (src.Count != dst.Count) throw new ArgumentException($"{from.GetName()} has {src.Count} state entries, {to.GetName()} {dst.Count}: build both with the same configuration.");
        using var _ = no_grad();
        foreach (var (k, v) in src) dst[k].copy_(v);
    }
}
