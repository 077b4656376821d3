using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;
using GanCourse.Runtime;

namespace GanCourse.Visuals;

/// <summary>
/// A grid of images made from a batch tensor, like torchvision's <c>make_grid</c>, encoded as PNG.
/// In a notebook it displays inline (an &lt;img&gt; with the PNG embedded); <see cref="Save"/> writes it to disk.
/// </summary>
[Microsoft.DotNet.Interactive.Formatting.TypeFormatterSource(typeof(GanCourse.Interactive.HtmlFormatterSource))]
public sealed class ImageGrid : GanCourse.Interactive.IHtmlView
{
    public byte[] Png { get; }
    public int Width { get; }
    public int Height { get; }
    public string? Title { get; }
    /// <summary>Display scale in the notebook (pixels are shown as crisp squares when &gt; 1).</summary>
    public double Scale { get; init; } = 1;

    ImageGrid(byte[] png, int width, int height, string? title) => (Png, Width, Height, Title) = (png, width, height, title);

    /// <summary>
    /// Builds a grid from <paramref name="images"/> of shape (B, C, H, W) or (C, H, W) or (H, W), C = 1 or 3.
    /// </summary>
    /// <param name="nrow">Images per row.</param>
    /// <param name="padding">Pixels between images.</param>
    /// <param name="normalize">Rescale to [0, 1] using <paramref name="valueRange"/>, or the batch's min/max when no range is given.</param>
    /// <param name="valueRange">The (low, high) range of the input, e.g. (-1, 1) for tanh generators.</param>
    /// <param name="padValue">Grey level of the padding, 0..1.</param>
    /// <param name="scale">Display scale factor in notebooks (default: enlarge small images to about 400 px).</param>
    public static ImageGrid From(Tensor images, int nrow = 8, int padding = 2, bool normalize = false,
        (double Low, double High)? valueRange = null, double padValue = 0, string? title = null, double? scale = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (nrow < 1) throw new ArgumentOutOfRangeException(nameof(nrow), nrow, "nrow must be at least 1");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "padding must be >= 0");
        using var _ = NewDisposeScope();
        var x = images.detach().to(CPU).to(float32);
        x = x.dim() switch
        {
            2 => x.unsqueeze(0).unsqueeze(0),
            3 => x.unsqueeze(0),
            4 => x,
            _ => throw new ArgumentException($"ImageGrid expects a (B, C, H, W), (C, H, W) or (H, W) tensor, got shape [{string.Join(", ", images.shape)}]", nameof(images)),
        };
        var (b, c, h, w) = ((int)x.shape[0], (int)x.shape[1], (int)x.shape[2], (int)x.shape[3]);
        if (c != 1 && c != 3) throw new ArgumentException($"ImageGrid expects 1 or 3 channels, got {c}", nameof(images));
        if (b == 0) throw new ArgumentException("ImageGrid got an empty batch", nameof(images));
        if (normalize || valueRange is not null)
        {
            var (lo, hi) = valueRange ?? (x.min().item<float>(), x.max().item<float>());
            x = (x - lo) / Math.Max(hi - lo, 1e-5);
        }
        x = x.nan_to_num().clamp(0, 1);
        if (c == 1) x = x.expand(b, 3, h, w);

        int cols = Math.Min(nrow, b), rows = (b + cols - 1) / cols;
        int gw = cols * (w + padding) + padding, gh = rows * (h + padding) + padding;
        var pixels = (x * 255 + 0.5).clamp(0, 255).to(ScalarType.Byte).permute(0, 2, 3, 1).contiguous().data<byte>().ToArray();
        var pad = (byte)Math.Round(Math.Clamp(padValue, 0, 1) * 255);
        using var img = new Image<Rgb24>(gw, gh, new Rgb24(pad, pad, pad));
        img.ProcessPixelRows(acc =>
        {
            for (int i = 0; i < b; i++)
            {
                int ox = padding + (i % cols) * (w + padding), oy = padding + (i / cols) * (h + padding);
                for (int y = 0; y < h; y++)
                {
                    var row = acc.GetRowSpan(oy + y);
                    int src = ((i * h + y) * w) * 3;
                    for (int xx = 0; xx < w; xx++, src += 3)
                        row[ox + xx] = new Rgb24(pixels[src], pixels[src + 1], pixels[src + 2]);
                }
            }
        });
        using var ms = new MemoryStream();
        img.Save(ms, new PngEncoder());
        return new ImageGrid(ms.ToArray(), gw, gh, title) { Scale = scale ?? Math.Clamp(Math.Round(480.0 / Math.Max(gw, gh)), 1, 8) };
    }

    /// <summary>An HTML fragment with the PNG embedded: what notebooks display.</summary>
    public string ToHtml()
    {
        var caption = Title is null ? "" : $"<div style=\"font-weight:600;margin:4px 0\">{System.Net.WebUtility.HtmlEncode(Title)}</div>";
        return $"<div class=\"gancourse-grid\">{caption}<img src=\"data:image/png;base64,{Convert.ToBase64String(Png)}\" " +
               $"width=\"{(int)(Width * Scale)}\" height=\"{(int)(Height * Scale)}\" style=\"image-rendering:pixelated\" alt=\"{System.Net.WebUtility.HtmlEncode(Title ?? "image grid")}\"/></div>";
    }

    /// <summary>Writes the PNG to <paramref name="path"/> (to a temp file first, then renamed).</summary>
    public string Save(string path) => AtomicFile.WriteAllBytes(path, Png);

    public override string ToString() => $"ImageGrid {Width}x{Height}{(Title is null ? "" : ": " + Title)}";
}
