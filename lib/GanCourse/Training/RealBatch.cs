using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>A batch of real samples with their labels (null where the run does not use labels).</summary>
public sealed record RealBatch(Tensor Images, Tensor? Labels = null)
{
    public long Count => Images.shape[0];

    public static implicit operator RealBatch(Tensor images) => new(images);

    /// <summary>The batch on <paramref name="device"/>, checked: one label per image.</summary>
    public RealBatch To(Device device)
    {
        if (Labels is not null && (Labels.dim() != 1 || Labels.shape[0] != Images.shape[0]))
            throw new ArgumentException($"The real batch has {Images.shape[0]} images but labels of shape [{string.Join(", ", Labels.shape)}]: pass one int64 label per image.");
        return new(Images.to(device), Labels?.to(device));
    }
}
