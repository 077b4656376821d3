using static TorchSharp.torch;

namespace GanCourse.Networks;

/// <summary>
/// Sizes of a ProGAN (Karras et al., 2018, Table 2). Feature maps per resolution r are
/// <c>min(FeatureMapsMax, FeatureMapsBase / r)</c>: constant at low resolutions, halving above
/// (the paper: 512 up to 32x32, then 256, 128, ...).
/// </summary>
/// <param name="LatentDim">Length of z (the paper: 512).</param>
/// <param name="MaxResolution">Final image size, a power of two &gt;= 8 (the paper: 1024).</param>
/// <param name="ImageChannels">1 for grey images, 3 for RGB.</param>
/// <param name="MinibatchGroup">Group size of the minibatch standard deviation layer (the official code: 4).</param>
public sealed record ProGanConfig(int LatentDim = 64, int MaxResolution = 32, int ImageChannels = 1,
    int FeatureMapsBase = 512, int FeatureMapsMax = 32, int MinibatchGroup = 4)
{
    /// <summary>Feature maps at resolution r.</summary>
    public int Channels(int resolution) => Math.Min(FeatureMapsMax, FeatureMapsBase / resolution);

    /// <summary>4, 8, ..., MaxResolution.</summary>
    public int[] Resolutions()
    {
        var list = new List<int>();
        for (var r = 4; r <= MaxResolution; r *= 2) list.Add(r);
        return [.. list];
    }

    public void Validate()
    {
        if (MaxResolution < 8 || (MaxResolution & (MaxResolution - 1)) != 0)
            throw new ArgumentException($"MaxResolution = {MaxResolution}: use a power of two >= 8 (e.g. 32).");
        if (LatentDim < 1 || ImageChannels < 1 || MinibatchGroup < 1)
            throw new ArgumentException($"LatentDim ({LatentDim}), ImageChannels ({ImageChannels}) and MinibatchGroup ({MinibatchGroup}) must be positive.");
        if (Channels(MaxResolution) < 1)
            throw new ArgumentException($"FeatureMapsBase = {FeatureMapsBase} gives no feature maps at {MaxResolution}x{MaxResolution}: use at least {MaxResolution}.");
    }
}
