using GanCourse.Data;
using GanCourse.Runtime;
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

    [Fact]
    public void Course_init_makes_the_next_figure_embed_plotly_again()
    {
        // a reopened notebook re-runs its first cell (Course.Init) and has lost the plotly.js an earlier output embedded
        var fig = Charts.Lines("after init", "step", "loss", new Series("D", [0, 1], [0.7, 0.6]));
        fig.ToHtml();
        Assert.True(fig.ToHtml().Length < 50_000, "once embedded, later figures reuse plotly.js");
        Course.Init(profile: "ci", quiet: true);
        Assert.True(fig.ToHtml().Length > 1_000_000, "the first figure after Course.Init embeds plotly.js again");
        Assert.True(fig.ToHtml().Length < 50_000);
    }

    [Fact]
    public void Runtime_does_not_depend_on_the_layers_above_it()
    {
        // Runtime (start-up, device, native fixes) is the bottom layer: the others subscribe to Course.Initialized
        var runtime = Path.Combine(Path.GetDirectoryName(DataPaths.Root())!, "lib", "GanCourse", "Runtime");
        var sources = Directory.GetFiles(runtime, "*.cs");
        Assert.NotEmpty(sources);
        foreach (var file in sources)
        foreach (var (line, i) in File.ReadLines(file).Select((l, i) => (l.Trim(), i + 1)).Where(t => !t.Item1.StartsWith("//")))
            Assert.False(System.Text.RegularExpressions.Regex.IsMatch(line, @"\b(Visuals|Interactive|Training|Networks|Metrics|Experiments|Data)\s*[.;]"),
                $"{Path.GetFileName(file)}:{i} uses a layer above Runtime: {line}");
    }

    [Fact]
    public void Animation_encodes_every_frame_and_decodes_to_the_same_pixels()
    {
        var frames = Enumerable.Range(0, 4).Select(i =>
        {
            using var t = torch.full(1, 1, 6, 6, i / 3f); // 0, 1/3, 2/3, 1
            return ImageGrid.From(t, padding: 0, valueRange: (0, 1));
        }).ToList();
        var gif = Animation.From(frames, frameDelayMs: 150);
        Assert.Equal(4, gif.Frames);
        using var img = Image.Load<Rgb24>(gif.Gif);
        Assert.Equal(4, img.Frames.Count);
        var greys = Enumerable.Range(0, 4).Select(i => (int)img.Frames[i][3, 3].R).ToArray();
        Assert.Equal(new[] { 0, 85, 170, 255 }, greys.Select(g => (int)Math.Round(g / 85.0) * 85));
        Assert.Equal(15, img.Frames[1].Metadata.GetGifMetadata().FrameDelay);
        Assert.Contains("data:image/gif;base64,", gif.ToHtml());

        using var big = torch.zeros(1, 1, 8, 8);
        var e = Assert.Throws<ArgumentException>(() => Animation.From([frames[0], ImageGrid.From(big, padding: 0)]));
        Assert.Contains("same size", e.Message);
    }

    [Fact]
    public void Density_counts_samples_per_cell_and_surface_evaluates_the_function_on_the_grid()
    {
        using var pts = torch.tensor(new float[] { 0.1f, 0.1f, 0.2f, 0.3f, 0.9f, 0.9f, 5f, 5f }).reshape(4, 2);
        var density = Charts.Density("d", pts, (0, 1), (0, 1), bins: 2);
        Assert.Contains("\"z\":[[2.0,0.0],[0.0,1.0]]", density.Json.Replace(" ", "")); // the point at (5, 5) is outside

        var surface = Charts.Surface("s", p => p[.., 0] + 10 * p[.., 1], (0, 1), (0, 1), resolution: 2);
        Assert.Contains("\"z\":[[0.0,1.0],[10.0,11.0]]", surface.Json.Replace(" ", ""));
        Assert.Throws<ArgumentException>(() => Charts.Points("p", torch.zeros(3, 3)));
    }

    [Fact]
    public void Training_view_throttles_updates_and_keeps_every_loss()
    {
        var view = new TrainingView("test", totalSteps: 2000) { MinInterval = TimeSpan.FromSeconds(5) };
        for (int step = 1; step <= 2000; step++)
            view.Report(step, new Dictionary<string, float> { ["D"] = 1f / step, ["G"] = step }, batchImages: 64);
        view.Complete();
        Assert.Equal(2000, view.Losses["D"].Count);
        Assert.Equal(2000.0, view.Losses["G"][^1]);
        Assert.InRange(view.Updates, 2, 3); // the first report, (maybe one more,) and the final state
        Assert.Contains("step 2000/2000", view.ProgressLine());
        Assert.Contains("done", view.ProgressLine());
        Assert.Contains("gancourse-figure", view.ToHtml());
    }
}
