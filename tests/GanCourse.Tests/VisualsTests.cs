using GanCourse.Visuals;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace GanCourse.Tests;

public class VisualsTests
{
    [Fact]
    public void Image_grid_lays_out_images_with_padding_and_maps_value_range_to_pixels()
    {
        // 3 images of 4x5: black (-1), grey (0), white (+1) in [-1, 1]
        using var batch = torch.stack([torch.full(1, 4, 5, -1f), torch.zeros(1, 4, 5), torch.full(1, 4, 5, 1f)]);
        var grid = ImageGrid.From(batch, nrow: 2, padding: 1, valueRange: (-1, 1), padValue: 0.5);
        Assert.Equal(2 * (5 + 1) + 1, grid.Width);
        Assert.Equal(2 * (4 + 1) + 1, grid.Height);
        using var img = Image.Load<Rgb24>(grid.Png);
        Assert.Equal(0, img[1, 1].R);      // first image
        Assert.Equal(128, img[7, 1].R);    // second image, right of it
        Assert.Equal(255, img[1, 6].R);    // third image, second row
        Assert.Equal(128, img[0, 0].R);    // padding
        Assert.Equal(128, img[12, 10].R); // empty cell is padding colour
        Assert.Contains("data:image/png;base64,", grid.ToHtml());
    }

    [Fact]
    public void Image_grid_rejects_bad_shapes_with_the_shape_in_the_message()
    {
        using var t = torch.zeros(new long[] { 2, 2, 3, 3, 3 });
        var e = Assert.Throws<ArgumentException>(() => ImageGrid.From(t));
        Assert.Contains("[2, 2, 3, 3, 3]", e.Message);
        using var c2 = torch.zeros(1, 2, 3, 3);
        Assert.Contains("channels, got 2", Assert.Throws<ArgumentException>(() => ImageGrid.From(c2)).Message);
    }

    [Fact]
    public void Chart_html_carries_the_data_and_embeds_plotly_once()
    {
        Figure.ResetBundle();
        var fig = Charts.Lines("losses", "step", "loss", new Series("D", [0, 1, 2], [0.7, 0.6, 0.5]), new Series("G", [0, 1, 2], [0.7, 0.8, 0.9]));
        var first = fig.ToHtml();
        var second = fig.ToHtml();
        Assert.Contains("\"name\":\"D\"", fig.Json);
        Assert.Contains("\"name\":\"G\"", fig.Json);
        Assert.Contains("0.9", fig.Json);
        Assert.Contains("\"text\":\"losses\"", fig.Json);
        Assert.Contains("class=\"gancourse-figure\"", second);
        Assert.True(first.Length > 1_000_000, "the first figure embeds plotly.js for offline use");
        Assert.True(second.Length < 50_000, "later figures reuse it");
        Assert.Throws<ArgumentException>(() => Charts.Lines("bad", "x", "y", new Series("s", [1, 2], [1])));
    }
}
