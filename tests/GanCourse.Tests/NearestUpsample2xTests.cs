using GanCourse.Networks;
using GanCourse.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Tests;

/// <summary>
/// NearestUpsample2x (the seed DCGAN generator's faster nn.Upsample(scale_factor=2)) gives exactly the values of
/// nearest interpolation and the same gradients, alone and inside the whole generator.
/// </summary>
public class NearestUpsample2xTests
{
    static Tensor Reference(Tensor x) => nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);

    [Theory]
    [InlineData(64, 128, 8, 8)]
    [InlineData(64, 128, 16, 16)]
    [InlineData(3, 5, 7, 4)]
    [InlineData(1, 1, 1, 1)]
    public void Values_are_bitwise_those_of_nearest_upsampling_and_gradients_match(int n, int c, int h, int w)
    {
        Assert.True(CpuBackend.UserEnabledMkldnn); // the kit's default: the transposed-convolution path is the one tested
        using var _ = NewDisposeScope();
        manual_seed(7);
        var x = (randn(n, c, h, w) * 1000).requires_grad_(true);
        var xr = x.detach().clone().requires_grad_(true);
        var y = NearestUpsample2x.Apply(x);
        var yr = Reference(xr);
        Assert.Equal(yr.shape, y.shape);
        Assert.True(y.equal(yr).all().item<bool>(), "forward values differ from nearest upsampling");
        var g = randn(yr.shape);
        y.backward([g]);
        yr.backward([g]);
        Assert.True(x.grad!.allclose(xr.grad!, rtol: 1e-6, atol: 1e-5), $"input gradients differ: max |diff| {(x.grad! - xr.grad!).abs().max().item<float>()}");
    }

    [Fact]
    public void NaN_and_infinity_pass_through_like_nearest_upsampling()
    {
        using var _ = NewDisposeScope();
        var x = tensor(new float[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0.0f, 1e-30f, 3e38f }).view(1, 2, 1, 3);
        var y = NearestUpsample2x.Apply(x);
        var yr = Reference(x);
        Assert.True(y.isnan().equal(yr.isnan()).all().item<bool>());
        Assert.True(y.nan_to_num(0).equal(yr.nan_to_num(0)).all().item<bool>());
    }

    [Fact]
    public void Other_dtypes_and_bad_shapes()
    {
        using var _ = NewDisposeScope();
        var x = randn(2, 3, 4, 5, dtype: float64);
        Assert.True(NearestUpsample2x.Apply(x).equal(Reference(x)).all().item<bool>());
        var e = Assert.Throws<ArgumentException>(() => NearestUpsample2x.Apply(randn(2, 3, 4)));
        Assert.Contains("(N, C, H, W)", e.Message);
    }

    /// <summary>The seed generator as lecture 004 writes it, with nn.Upsample, to load the kit generator's weights into.</summary>
    sealed class LectureGeneratorWithUpsample : Module<Tensor, Tensor>
    {
        readonly Sequential l1, conv_blocks;
        public LectureGeneratorWithUpsample() : base("ref")
        {
            l1 = Sequential(Linear(100, 128 * 8 * 8));
            conv_blocks = Sequential(
                BatchNorm2d(128), Upsample(scale_factor: [2.0, 2.0]), Conv2d(128, 128, 3, stride: 1, padding: 1),
                BatchNorm2d(128, eps: 0.8), LeakyReLU(0.2, inplace: true), Upsample(scale_factor: [2.0, 2.0]),
                Conv2d(128, 64, 3, stride: 1, padding: 1), BatchNorm2d(64, eps: 0.8), LeakyReLU(0.2, inplace: true),
                Conv2d(64, 1, 3, stride: 1, padding: 1), Tanh());
            RegisterComponents();
        }
        public override Tensor forward(Tensor z) => conv_blocks.forward(l1.forward(z).view(z.shape[0], 128, 8, 8));
    }

    [Fact]
    public void Seed_generator_gives_the_same_images_and_gradients_as_with_nn_Upsample()
    {
        using var _ = NewDisposeScope();
        manual_seed(3);
        using var g = new LectureDcganGenerator();
        g.apply(Init.DcganNormal);
        using var reference = new LectureGeneratorWithUpsample();
        reference.load_state_dict(g.state_dict()); // same parameter names as the seed's state dict
        var z = randn(64, 100);
        var y = g.forward(z);
        var yr = reference.forward(z);
        Assert.True(y.equal(yr).all().item<bool>(), $"generator outputs differ: max |diff| {(y - yr).abs().max().item<float>()}");
        y.pow(2).sum().backward();
        yr.pow(2).sum().backward();
        var refParams = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in g.named_parameters())
        {
            var q = refParams[name];
            Assert.True(p.grad!.allclose(q.grad!, rtol: 1e-4, atol: 1e-6), $"{name}: gradients differ, max |diff| {(p.grad! - q.grad!).abs().max().item<float>()}");
        }
    }
}
