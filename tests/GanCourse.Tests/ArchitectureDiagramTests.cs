using GanCourse.Networks;
using GanCourse.Visuals;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>The architecture drawing reads its stages from the network itself (DCGAN's Figure 1 layout).</summary>
public class ArchitectureDiagramTests
{
    static string Shapes(ArchitectureDiagram d) => string.Join(" -> ", d.Stages.Select(s => string.Join("x", s.Shape)));

    [Fact]
    public void The_paper_generator_is_traced_from_z_to_the_image_with_its_layers_on_the_arrows()
    {
        var d = ArchitectureDiagram.Trace("DCGAN generator", new DcganGenerator(100, 32, 1, 64), randn(1, 100));
        Assert.Equal("100 -> 256x4x4 -> 128x8x8 -> 64x16x16 -> 1x32x32", Shapes(d));
        Assert.Equal("reshape + ConvTranspose2d 4×4 (×4) + BatchNorm2d + ReLU", d.Stages[1].Operation); // "project and reshape"
        Assert.Equal("ConvTranspose2d 4×4 (×2) + Tanh", d.Stages[^1].Operation);
        var svg = d.ToHtml();
        Assert.Equal(5, System.Text.RegularExpressions.Regex.Matches(svg, "<rect ").Count); // one block per stage
        Assert.Contains("256×4×4", svg);
    }

    [Fact]
    public void The_lecture_generator_reshapes_its_linear_layer_into_feature_maps_and_upsamples()
    {
        var g = new LectureDcganGenerator(latentDim: 100, imgSize: 32, channels: 1);
        var d = ArchitectureDiagram.Trace("lecture DCGAN generator", g, randn(1, 100));
        Assert.Equal("100 -> 8192 -> 128x16x16 -> 64x32x32 -> 1x32x32", Shapes(d));
        Assert.Equal("reshape + BatchNorm2d + NearestUpsample2x + Conv2d 3×3 + BatchNorm2d + LeakyReLU", d.Stages[2].Operation);
        Assert.Contains("Tanh", d.Stages[^1].Operation);
        using var _ = no_grad();
        Assert.Equal(g.forward(randn(1, 100)).shape[1..], d.Stages[^1].Shape); // the drawing ends where the network does
    }
}
