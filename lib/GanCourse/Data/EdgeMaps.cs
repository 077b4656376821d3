using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Data;

/// <summary>
/// Edge maps of grey images, the input of the kit's edges -> garment task (like pix2pix's edges2shoes, whose edges
/// come from HED): the Sobel gradient magnitude of the image in [0, 1], scaled by its maximum per image and thresholded,
/// drawn as white lines on black in the [-1, 1] range. Deterministic: the same images give the same edges.
/// </summary>
public static class EdgeMaps
{
    /// <param name="images">(N, 1, H, W) in [-1, 1] (<see cref="PixelRange.Tanh"/>).</param>
    /// <param name="threshold">Share of each image's largest gradient above which a pixel is an edge.</param>
    /// <returns>(N, 1, H, W): 1 on edges, −1 elsewhere.</returns>
    public static Tensor Sobel(Tensor images, double threshold = 0.25)
    {
        if (images.dim() != 4 || images.shape[1] != 1)
            throw new ArgumentException($"EdgeMaps.Sobel expects grey images (N, 1, H, W), got [{string.Join(", ", images.shape)}].", nameof(images));
        if (threshold is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must be in (0, 1), e.g. 0.25");
        using var scope = NewDisposeScope();
        var magnitude = GradientMagnitude(images);
        var peak = magnitude.amax([1, 2, 3], keepdim: true).clamp_min(1e-6);
        return (magnitude / peak).gt(threshold).to(float32).mul(2).sub(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The Sobel gradient magnitude sqrt(g_x² + g_y²) of grey images in [-1, 1], computed on [0, 1] pixels, (N, 1, H, W):
    /// its mean is a sharpness measure (a blurry image has weak gradients).
    /// </summary>
    public static Tensor GradientMagnitude(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != 1)
            throw new ArgumentException($"EdgeMaps.GradientMagnitude expects grey images (N, 1, H, W), got [{string.Join(", ", images.shape)}].", nameof(images));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var unit = (images.to(float32) + 1) / 2;
        var kx = tensor(new float[] { -1, 0, 1, -2, 0, 2, -1, 0, 1 }, device: images.device).view(1, 1, 3, 3);
        var ky = kx.transpose(2, 3);
        var gx = nn.functional.conv2d(unit, kx, padding: [1, 1]);
        var gy = nn.functional.conv2d(unit, ky, padding: [1, 1]);
        return (gx.square() + gy.square()).sqrt().MoveToOuterDisposeScope();
    }
}
