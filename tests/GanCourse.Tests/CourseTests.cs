using GanCourse.Runtime;
using TorchSharp;

namespace GanCourse.Tests;

public class CourseTests
{
    [Fact]
    public void Unknown_profile_is_an_error_that_lists_the_valid_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => Profiles.Parse("fast"));
        Assert.Contains("'fast'", e.Message);
        Assert.Contains("ci, cpu, gpu", e.Message);
    }

    [Theory]
    [InlineData("ci", 1)]
    [InlineData("CPU", 2)]
    [InlineData(" gpu ", 3)]
    public void Profiles_parse_and_pick(string name, int expected) =>
        Assert.Equal(expected, Profiles.Parse(name).Pick(ci: 1, cpu: 2, gpu: 3));

    [Fact]
    public void Init_seeds_torch_so_the_same_seed_gives_the_same_noise()
    {
        var s = Course.Init(profile: "ci", seed: 7, quiet: true);
        using var a = torch.randn(5);
        var r1 = Course.Random.Next();
        Course.Init(profile: "ci", seed: 7, quiet: true);
        using var b = torch.randn(5);
        Assert.True((a == b).all().item<bool>());
        Assert.Equal(r1, Course.Random.Next());
        Assert.Equal(Profile.Ci, s.Profile);
        Assert.Contains("profile ci", s.ToString());
        Assert.Contains("seed 7", s.ToString());
        Course.Init(profile: "ci", quiet: true);
    }

    [Fact]
    public void Unknown_device_is_a_clear_error()
    {
        var e = Assert.Throws<ArgumentException>(() => Course.Init(device: "tpu", quiet: true));
        Assert.Contains("cpu, cuda or cuda:N", e.Message);
    }
}
