using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// Experience replay of generated samples (Shrivastava et al. 2017, section 2.3; the image buffer of CycleGAN, Zhu et
/// al. 2017, section 4; ganhacks tip 16): a buffer of up to <see cref="Capacity"/> past fakes. The discriminator is
/// shown <see cref="Query"/>'s answer instead of the newest fakes: while the buffer fills, the new samples; then,
/// for each sample, with probability 1/2 an old one from the buffer (the new one takes its place), else the new one.
/// D must keep rejecting what G made before, so G cannot win by hopping back to a mode D has forgotten. Random
/// choices use torch's generator (fixed by <see cref="Runtime.Course.Seed"/>). The buffer lives outside dispose
/// scopes until <see cref="Dispose"/>; it is not part of checkpoints.
/// </summary>
public sealed class ImagePool(int capacity) : IDisposable
{
    Tensor? buffer;

    public int Capacity { get; } = capacity >= 1 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "An image pool holds at least one sample.");
    /// <summary>How many samples the buffer holds (at most <see cref="Capacity"/>).</summary>
    public int Count { get; private set; }

    /// <summary>The batch D should see in place of <paramref name="fakes"/> (N, ...); the pool keeps detached copies.</summary>
    public Tensor Query(Tensor fakes)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var fresh = fakes.detach();
        if (buffer is null || !buffer.shape[1..].SequenceEqual(fresh.shape[1..]) || buffer.device_type != fresh.device_type || buffer.device_index != fresh.device_index)
        {
            buffer?.Dispose();
            buffer = zeros([Capacity, .. fresh.shape[1..]], dtype: fresh.dtype, device: fresh.device).DetachFromDisposeScope();
            Count = 0;
        }
        var outputs = new List<Tensor>();
        for (long i = 0; i < fresh.shape[0]; i++)
        {
            var sample = fresh[i];
            if (Count < Capacity)
            {
                buffer[Count++].copy_(sample);
                outputs.Add(sample);
            }
            else if (rand(1).item<float>() < 0.5f)
            {
                var j = randint(0, Capacity, [1]).item<long>();
                outputs.Add(buffer[j].clone());    // an old fake goes to D, the new one takes its place
                buffer[j].copy_(sample);
            }
            else outputs.Add(sample);
        }
        return stack(outputs).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        buffer?.Dispose();
        buffer = null;
        Count = 0;
    }
}
