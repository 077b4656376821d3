using static TorchSharp.torch;

namespace GanCourse.Networks;

/// <summary>Sizes of a StyleGAN v1 generator. <see cref="Seed1024"/> is lecture 004's FFHQ model.</summary>
public sealed record StyleGanConfig(int LatentSize = 512, int DlatentSize = 512, int MappingLayers = 8,
    int Resolution = 1024, int Channels = 3, int FmapBase = 8192, int FmapMax = 512, double MappingLrMul = 0.01,
    int? Broadcast = null)
{
    public static StyleGanConfig Seed1024 => new();
    /// <summary>Number of styles (two per resolution from 4x4): 18 at 1024 px, 8 at 32 px.</summary>
    public int NumLayers => 2 * (int)Math.Round(Math.Log2(Resolution)) - 2;
    /// <summary>The kit's small StyleGAN: 32x32 grey images, 4 mapping layers of 64, feature maps 64, 32, 16, 8 (4x4 to 32x32).</summary>
    public static StyleGanConfig Small32 => new(LatentSize: 64, DlatentSize: 64, MappingLayers: 4, Resolution: 32,
        Channels: 1, FmapBase: 128, FmapMax: 64);
}
