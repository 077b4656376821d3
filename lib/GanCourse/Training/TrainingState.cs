using System.Text.Json;
using System.Text.Json.Nodes;
using GanCourse.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// A full, resumable training state on top of <see cref="AdversarialTrainer.SaveCheckpoint"/>: besides G, D, both
/// optimizers and the step counters it records the training's configuration, extra networks (G_ema), the position of
/// the <see cref="BatchStream"/> (epoch and batch), torch's CPU random state and the training's own state (e.g. the
/// ProGAN schedule's optimizer phase, the style-mixing draws). Resuming validates all of it before anything changes,
/// then restores it, so that training on from step k gives the same weights, bit for bit on the CPU, as training
/// straight through. Used by <see cref="ProGanTraining.SaveState"/> and <see cref="StyleGanTraining.SaveState"/>.
/// </summary>
public static class TrainingState
{
    const string Fix = "Resume with the same settings the state was saved with (its notes record the command), or start afresh without --resume.";

    /// <summary>Writes the state atomically (temp file + rename).</summary>
    public static string Save(AdversarialTrainer trainer, string path, string kind, JsonNode config, BatchStream? stream,
        IReadOnlyDictionary<string, nn.Module> extraModules, JsonObject? own = null, IReadOnlyDictionary<string, string>? notes = null)
    {
        var state = new JsonObject
        {
            ["kind"] = kind,
            ["config"] = config.DeepClone(),
            ["stream"] = stream is null ? null : new JsonObject { ["seed"] = stream.Seed, ["epoch"] = stream.Epoch, ["batch"] = stream.BatchInEpoch },
            ["torchRng"] = Convert.ToBase64String(CpuRngState()),
            ["own"] = own?.DeepClone(),
        };
        return trainer.SaveCheckpoint(path, extraModules, state, notes);
    }

    /// <summary>
    /// Reads and validates a state written by <see cref="Save"/> for this kind and configuration, and only then
    /// restores trainer, extra networks, stream position and torch's random state. Returns the training's own state,
    /// for the caller to apply (plain assignments, which cannot fail).
    /// </summary>
    public static JsonObject? Resume(AdversarialTrainer trainer, string path, string kind, JsonNode config, BatchStream? stream,
        IReadOnlyDictionary<string, nn.Module> extraModules)
    {
        using var c = trainer.ReadCheckpoint(path, extraModules, extra =>
        {
            if (extra is null)
                throw new InvalidDataException($"{path} is a trainer checkpoint without a training state (saved by SaveCheckpoint, not SaveState): it cannot resume a training. {Fix}");
        });
        var state = c.Extra!;
        var savedKind = state["kind"]?.GetValue<string>();
        if (savedKind != kind)
            throw new InvalidDataException($"{path} holds the state of a '{savedKind}' training, not '{kind}'. {Fix}");
        if (!JsonNode.DeepEquals(state["config"], config))
        {
            var saved = state["config"]?.AsObject();
            var diff = config.AsObject().Select(kv => kv.Key).FirstOrDefault(k => !JsonNode.DeepEquals(saved?[k], config[k]));
            throw new InvalidDataException($"{path} was saved with another configuration" +
                (diff is null ? "" : $": {diff} = {saved?[diff]?.ToJsonString() ?? "(missing)"} there, {config[diff]?.ToJsonString()} here") + $". {Fix}");
        }
        var s = state["stream"]?.AsObject();
        if ((s is null) != (stream is null))
            throw new InvalidDataException($"{path} was saved {(s is null ? "without" : "with")} a data stream but this training has {(stream is null ? "none" : "one")}. {Fix}");
        (int Epoch, int Batch)? position = null;
        if (s is not null && stream is not null)
        {
            if (s["seed"]!.GetValue<int>() != stream.Seed)
                throw new InvalidDataException($"{path} was saved with data seed {s["seed"]} but this training's is {stream.Seed}. {Fix}");
            position = (s["epoch"]!.GetValue<int>(), s["batch"]!.GetValue<int>());
            if (position.Value.Epoch < 0 || position.Value.Batch < 0 || position.Value.Batch > stream.BatchesPerEpoch)
                throw new InvalidDataException($"{path}: data position epoch {position.Value.Epoch}, batch {position.Value.Batch} does not fit this data set ({stream.BatchesPerEpoch} batches per epoch): another data set or subset. {Fix}");
        }
        byte[] rng;
        try { rng = Convert.FromBase64String(state["torchRng"]?.GetValue<string>() ?? ""); }
        catch (FormatException e) { throw new InvalidDataException($"{path}: the random state is damaged. {Fix}", e); }
        var current = CpuRngState();
        if (rng.Length != current.Length)
            throw new InvalidDataException($"{path}: torch's random state has {rng.Length} bytes, this libtorch's {current.Length}: saved by another libtorch. {Fix}");

        trainer.Restore(c, extraModules);   // all-or-nothing
        if (position is { } p) stream!.Seek(p.Epoch, p.Batch);
        SetCpuRngState(rng);
        return state["own"]?.AsObject();
    }

    /// <summary>The state of torch's default CPU generator (mt19937 and the normal-distribution cache) as bytes.</summary>
    public static byte[] CpuRngState()
    {
        using var t = torch.random.get_rng_state();
        return t.data<byte>().ToArray();
    }

    public static void SetCpuRngState(byte[] state)
    {
        using var t = torch.tensor(state, dtype: ScalarType.Byte);
        torch.random.set_rng_state(t);
    }

    /// <summary>A record as a JSON object (for the configuration check).</summary>
    public static JsonNode ToJson<T>(T value) => JsonSerializer.SerializeToNode(value)!;
}
