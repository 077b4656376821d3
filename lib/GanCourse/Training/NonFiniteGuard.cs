using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>Thrown when a loss or a gradient stops being a finite number: training cannot recover from it.</summary>
public sealed class NonFiniteException(string message) : Exception(message);

/// <summary>
/// Stops training at the first NaN/Inf with a message that says where it appeared and what usually causes it,
/// instead of silently training on garbage (or crashing later inside BCELoss).
/// </summary>
public static class NonFiniteGuard
{
    /// <summary>Returns the loss value, or throws if it is NaN or infinite.</summary>
    public static float Loss(Tensor loss, string name, long step)
    {
        var v = loss.item<float>();
        if (!float.IsFinite(v))
            throw new NonFiniteException(
                $"{name} became {v} at step {step}. Usual causes: a learning rate too high, log(0) in a loss " +
                "(use the numerically stable *WithLogits losses), or an exploding critic. Lower the learning rate or " +
                "restart from the last good checkpoint; see environment.md, 'CPU correctness', if it happens on CPU only.");
        return v;
    }

    /// <summary>Throws if any gradient of <paramref name="model"/> holds a NaN or infinity (call after backward).</summary>
    public static void Gradients(nn.Module model, string name, long step)
    {
        using var _ = NewDisposeScope();
        foreach (var (pname, p) in model.named_parameters())
        {
            var g = p.grad;
            if (g is null) continue;
            if (!g.isfinite().all().item<bool>())
                throw new NonFiniteException(
                    $"{name}: the gradient of '{pname}' has NaN/Inf values at step {step}. Lower the learning rate, " +
                    "check the inputs for NaN, and see environment.md, 'CPU correctness'.");
        }
    }
}
