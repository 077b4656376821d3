namespace GanCourse.Networks;

/// <summary>
/// The two masks of PixelCNN's masked convolutions (van den Oord et al. 2016, "Pixel Recurrent Neural Networks",
/// section 3.4): both zero every kernel weight after the centre in raster order (rows top to bottom, left to right
/// within a row); <see cref="A"/> also zeroes the centre, <see cref="B"/> keeps it.
/// </summary>
public enum MaskType
{
    /// <summary>The first layer: output (i, j) sees only pixels strictly before (i, j), never x_ij itself.</summary>
    A,
    /// <summary>Later layers: output (i, j) also sees feature (i, j), which already depends only on pixels before it.</summary>
    B,
}
