using GanCourse.Metrics;
using GanCourse.Networks;
using GanCourse.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>Mode collapse on images (03b, section 9): the class-coverage metric and the DCGAN discriminator's features and minibatch layer.</summary>
public class ImageModeCollapseTests
{
    [Fact]
    public void Class_coverage_is_zero_KL_for_balanced_classes_and_log_K_for_one_class()
    {
        var balanced = ClassCoverage.Of(arange(1000, dtype: int64) % 10, 10);
        Assert.Equal(10, balanced.Covered);
        Assert.Equal(0.0, balanced.KlToUniform, 12);
        Assert.Equal(0.1, balanced.LargestShare, 12);
        var collapsed = ClassCoverage.Of(full([500], 3L), 10);
        Assert.Equal(1, collapsed.Covered);
        Assert.Equal(Math.Log(10), collapsed.KlToUniform, 12);
        var twoMissing = ClassCoverage.Of(tensor(new long[] { 0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 7 }), 10, minShare: 0.05);
        Assert.Equal(8, twoMissing.Covered);                                    // 8 and 9 never drawn
        Assert.Throws<ArgumentException>(() => ClassCoverage.Of(tensor(new long[] { 0, 10 }), 10));
    }

    [Fact]
    public void The_minibatch_layer_lets_one_samples_score_depend_on_the_rest_of_the_batch()
    {
        Course.Seed(3);
        using var plain = new DcganDiscriminator(imgSize: 16, baseChannels: 4, hidden: 8);
        using var mbd = new DcganDiscriminator(imgSize: 16, baseChannels: 4, hidden: 8, minibatchKernels: 4, kernelDim: 3);
        using var x = randn(6, 1, 16, 16) * 0.1;
        using var y = x.clone();
        y[5] = randn(1, 16, 16);                                               // change another sample of the batch
        using (no_grad())
        {
            Assert.Equal(new long[] { 6, 8 }, plain.Features(x).shape);
            Assert.True(plain.forward(x)[0].allclose(plain.forward(y)[0]));     // per-sample D: sample 0 unaffected
            Assert.False(mbd.forward(x)[0].allclose(mbd.forward(y)[0]));        // minibatch features see sample 5
        }
        Assert.Throws<ArgumentException>(() => plain.forward(randn(2, 1, 32, 32)));
    }
}
