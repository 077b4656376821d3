using GanCourse.Interactive;
using GanCourse.Runtime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;

namespace GanCourse.Visuals;

/// <summary>
/// An animated GIF made from image grids of equal size: latent interpolations, samples of a fixed z over training.
/// Displays inline in notebooks; <see cref="Save"/> writes the .gif.
/// </summary>
[Microsoft.DotNet.Interactive.Formatting.TypeFormatterSource(typeof(HtmlFormatterSource))]
public sealed class Animation : IHtmlView
{
    public byte[] Gif { get; }
    public int Width { get; }
    public int Height { get; }
    public int Frames { get; }
    public string? Title { get; }
    public double Scale { get; init; } = 1;

    Animation(byte[] gif, int w, int h, int frames, string? title) => (Gif, Width, Height, Frames, Title) = (gif, w, h, frames, title);

    /// <param name="frames">Grids of identical size, in order.</param>
    /// <param name="frameDelayMs">Time each frame stays on screen.</param>
    /// <param name="loop">Repeat forever (else play once).</param>
    public static Animation From(IEnumerable<ImageGrid> frames, int frameDelayMs = 200, bool loop = true, string? title = null)
    {
        var list = frames.ToList();
        if (list.Count == 0) throw new ArgumentException("An animation needs at least one frame.", nameof(frames));
        if (frameDelayMs < 10) throw new ArgumentOutOfRangeException(nameof(frameDelayMs), frameDelayMs, "frame delay must be at least 10 ms");
        var (w, h) = (list[0].Width, list[0].Height);
        if (list.FirstOrDefault(f => f.Width != w || f.Height != h) is { } odd)
            throw new ArgumentException($"All frames must have the same size: the first is {w}x{h}, another is {odd.Width}x{odd.Height}.", nameof(frames));

        using var gif = new Image<Rgb24>(w, h);
        gif.Metadata.GetGifMetadata().RepeatCount = (ushort)(loop ? 0 : 1);
        foreach (var frame in list)
        {
            using var img = Image.Load<Rgb24>(frame.Png);
            img.Frames.RootFrame.Metadata.GetGifMetadata().FrameDelay = frameDelayMs / 10; // in 1/100 s
            gif.Frames.AddFrame(img.Frames.RootFrame);
        }
        gif.Frames.RemoveFrame(0); // the blank frame the image was created with
        using var ms = new MemoryStream();
        gif.SaveAsGif(ms, new GifEncoder { ColorTableMode = GifColorTableMode.Global });
        return new Animation(ms.ToArray(), w, h, list.Count, title) { Scale = list[0].Scale };
    }

    public string ToHtml()
    {
        var caption = Title is null ? "" : $"<div style=\"font-weight:600;margin:4px 0\">{System.Net.WebUtility.HtmlEncode(Title)}</div>";
        return $"<div class=\"gancourse-animation\">{caption}<img src=\"data:image/gif;base64,{Convert.ToBase64String(Gif)}\" " +
               $"width=\"{(int)(Width * Scale)}\" height=\"{(int)(Height * Scale)}\" style=\"image-rendering:pixelated\" alt=\"{System.Net.WebUtility.HtmlEncode(Title ?? "animation")}\"/></div>";
    }

    public string Save(string path) => AtomicFile.WriteAllBytes(path, Gif);

    public override string ToString() => $"Animation {Width}x{Height}, {Frames} frames{(Title is null ? "" : ": " + Title)}";
}
