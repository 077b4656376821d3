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

/// <summary>The block diagram of StyleGAN's figures: chains of boxes with their side inputs.</summary>
public class BlockDiagramTests
{
    [Fact]
    public void Each_block_and_side_input_is_drawn_once_with_arrows_between_consecutive_blocks()
    {
        var d = new BlockDiagram("synthesis block",
            ("StyleGAN", [new Block("Upsample"), new Block("Conv 3×3"), new Block("AdaIN", "A (style)")]),
            ("StyleGAN2", [new Block("Mod", "A (style)"), new Block("Conv 3×3"), new Block("Demod"), new Block("+ b, + noise", "B (noise)")]));
        var svg = d.ToHtml();
        Assert.Equal(7 + 3, System.Text.RegularExpressions.Regex.Matches(svg, "<rect ").Count);   // 7 blocks, 3 side inputs
        Assert.Equal((3 - 1) + (4 - 1) + 3, System.Text.RegularExpressions.Regex.Matches(svg, "<line ").Count);
        Assert.Contains("B (noise)", svg);
        Assert.Contains("StyleGAN2: Mod (+A (style)) -> Conv 3×3 -> Demod", d.ToString());
        Assert.Throws<ArgumentException>(() => new BlockDiagram("empty", ("none", Array.Empty<Block>())));
    }
}
