using GanCourse.Data;
using GanCourse.Metrics;
using GanCourse.Visuals;
using GanCourse.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>Notebook 04: the all-ConvTranspose DCGAN generator, the seed discriminator's logit form, latent walks and arithmetic, nearest neighbours.</summary>
public class DcganTests
{
    [Theory]
    [InlineData(32, 1, 64, new long[] { 256, 128, 64 })]
    [InlineData(64, 3, 64, new long[] { 512, 256, 128, 64 })]
    [InlineData(32, 1, 16, new long[] { 64, 32, 16 })]
    public void ConvTranspose_generator_maps_noise_to_images_through_doubling_resolutions(int size, int channels, int ngf, long[] hidden)
    {
        torch.manual_seed(0);
        using var g = new DcganGenerator(latentDim: 100, imgSize: size, channels: channels, baseChannels: ngf);
        using var _ = NewDisposeScope();
        var x = g.forward(randn(5, 100));
        Assert.Equal(new long[] { 5, channels, size, size }, x.shape);
        Assert.True(x.abs().max().item<float>() <= 1f);                                   // tanh output
        Assert.Equal(x.shape, g.forward(randn(5, 100, 1, 1)).shape);                    // (N, D, 1, 1) accepted
        var convT = g.modules().OfType<TorchSharp.Modules.ConvTranspose2d>().ToList();
        Assert.Equal(hidden.Length + 1, convT.Count);                                    // no Linear, no pooling
        Assert.Empty(g.modules().OfType<TorchSharp.Modules.Linear>());
        Assert.Equal(hidden, convT.Take(hidden.Length).Select(c => c.weight!.shape[1]).ToArray()); // (in, out, k, k)
        Assert.Contains(g.named_parameters(), p => p.name == "main.0.weight");
    }

    [Fact]
    public void ConvTranspose_generator_rejects_bad_sizes_and_latents_with_clear_messages()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DcganGenerator(imgSize: 28));
        Assert.Contains("power of two", e.Message);
        using var g = new DcganGenerator(latentDim: 8, imgSize: 8, baseChannels: 4);
        var z = Assert.Throws<ArgumentException>(() => g.forward(randn(2, 7)));
        Assert.Contains("(N, 8)", z.Message);
    }

    [Fact]
    public void Seed_discriminator_with_logits_is_the_sigmoid_model_without_its_last_layer()
    {
        torch.manual_seed(3);
        using var dProb = new LectureDcganDiscriminator();
        using var dLogit = new LectureDcganDiscriminator(logits: true);
        Assert.Equal(dProb.named_parameters().Select(p => p.name), dLogit.named_parameters().Select(p => p.name));
        dLogit.load_state_dict(dProb.state_dict());
        dProb.eval();
        dLogit.eval();
        using var _ = NewDisposeScope();
        var x = rand(4, 1, 32, 32) * 2 - 1;
        Assert.True(allclose(dProb.forward(x), sigmoid(dLogit.forward(x)), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Lerp_and_slerp_start_and_end_at_the_endpoints()
    {
        torch.manual_seed(1);
        using var _ = NewDisposeScope();
        var (a, b) = (randn(100), randn(100));
        foreach (var kind in new[] { Interpolation.Linear, Interpolation.Spherical })
        {
            var path = Latent.Path(a, b, 7, kind);
            Assert.Equal(new long[] { 7, 100 }, path.shape);
            Assert.True(allclose(path[0], a, atol: 1e-5));
            Assert.True(allclose(path[6], b, atol: 1e-5));
        }
        Assert.True(allclose(Latent.Lerp(a, b, 0.5), (a + b) / 2, atol: 1e-6));
    }

    [Fact]
    public void Slerp_follows_the_great_circle_and_lerp_cuts_through_it()
    {
        using var _ = NewDisposeScope();
        var a = tensor(new float[] { 1, 0, 0 });
        var b = tensor(new float[] { 0, 1, 0 });
        var mid = Latent.Slerp(a, b, 0.5);
        var s = (float)Math.Sqrt(0.5);
        Assert.True(allclose(mid, tensor(new[] { s, s, 0f }), atol: 1e-6));      // (a + b)/√2 for orthogonal unit vectors
        // Gaussian latents: slerp keeps the typical norm (≈ √D) along the path, lerp's midpoint drops to ≈ √(D/2)
        torch.manual_seed(2);
        var z0 = randn(512);
        var z1 = randn(512);
        var z1n = z1 / z1.norm() * z0.norm();                                    // same norm at both ends
        var normsS = Latent.Path(z0, z1n, 11, Interpolation.Spherical).norm(1);
        Assert.True(allclose(normsS, full(11, z0.norm().item<float>()), rtol: 1e-4));
        var midL = Latent.Lerp(z0, z1n, 0.5).norm().item<float>() / z0.norm().item<float>();
        Assert.InRange(midL, 0.6, 0.8);                                          // ≈ 1/√2 for nearly orthogonal vectors
        // parallel vectors: no NaN, falls back to lerp
        Assert.True(allclose(Latent.Slerp(a, a * 2, 0.5), a * 1.5, atol: 1e-6));
    }

    [Fact]
    public void Slerp_works_row_by_row_on_batches()
    {
        torch.manual_seed(4);
        using var _ = NewDisposeScope();
        var (a, b) = (randn(3, 16), randn(3, 16));
        var batch = Latent.Slerp(a, b, 0.3);
        for (var i = 0; i < 3; i++) Assert.True(allclose(batch[i], Latent.Slerp(a[i], b[i], 0.3), atol: 1e-5));
    }

    [Fact]
    public void Grid_spans_the_four_corners_row_major()
    {
        torch.manual_seed(5);
        using var _ = NewDisposeScope();
        var corners = randn(4, 10);
        var grid = Latent.Grid(corners, 5, Interpolation.Linear);
        Assert.Equal(new long[] { 25, 10 }, grid.shape);
        Assert.True(allclose(grid[0], corners[0], atol: 1e-5));
        Assert.True(allclose(grid[4], corners[1], atol: 1e-5));
        Assert.True(allclose(grid[20], corners[2], atol: 1e-5));
        Assert.True(allclose(grid[24], corners[3], atol: 1e-5));
        Assert.True(allclose(grid[12], corners.mean([0]), atol: 1e-5));     // bilinear centre = mean of the corners
        Assert.Throws<ArgumentException>(() => Latent.Grid(randn(3, 10), 5));
    }

    [Fact]
    public void Arithmetic_on_averaged_latents_and_jitter_around_the_result()
    {
        using var _ = NewDisposeScope();
        var a = tensor(new float[,] { { 1, 0 }, { 3, 0 } });   // mean (2, 0)
        var b = tensor(new float[,] { { 0, 1 } });             // mean (0, 1)
        var c = tensor(new float[,] { { 0, 2 }, { 0, 4 } });   // mean (0, 3)
        var y = Latent.Arithmetic(a, b, c);
        Assert.True(allclose(y, tensor(new float[] { 2, 2 })));
        torch.manual_seed(6);
        var j = Latent.Jitter(y, 9, scale: 0.25);
        Assert.Equal(new long[] { 9, 2 }, j.shape);
        Assert.True(allclose(j[0], y));                                         // the centre is Y itself
        Assert.True((j - y).abs().max().item<float>() <= 0.25f);
        Assert.True((j[1..] - y).abs().sum().item<float>() > 0);
        var e = Assert.Throws<ArgumentException>(() => Latent.Arithmetic(a, b, tensor(new float[] { 1, 2 })));
        Assert.Contains("(N, D)", e.Message);
    }

    [Fact]
    public void Nearest_neighbours_find_the_copied_training_images_and_sort_by_distance()
    {
        torch.manual_seed(7);
        using var _ = NewDisposeScope();
        var reference = rand(300, 1, 8, 8);
        var picks = new long[] { 5, 123, 299, 42 };
        var queries = reference.index_select(0, tensor(picks)) + 0.01 * randn(4, 1, 8, 8);
        using var nn = NearestNeighbours.Search(queries, reference, k: 3, chunk: 3);   // chunking across queries
        Assert.Equal(picks, nn.Indices[.., 0].data<long>().ToArray());
        Assert.Equal(new long[] { 4, 3 }, nn.Distances.shape);
        Assert.True((nn.Distances[.., 1..] >= nn.Distances[.., ..2]).all().item<bool>());  // nearest first
        // distances agree with a brute-force computation
        var brute = cdist(queries.flatten(1), reference.flatten(1)).topk(3, largest: false).values;
        Assert.True(allclose(nn.Distances, brute, atol: 1e-3));
        var panel = NearestNeighbours.Panel(queries, reference, k: 3);
        Assert.Equal(new long[] { 16, 1, 8, 8 }, panel.shape);
        Assert.True(allclose(panel[1], reference[5]));
        Assert.Throws<ArgumentException>(() => NearestNeighbours.Search(rand(2, 1, 4, 4), reference));
        Assert.Throws<ArgumentOutOfRangeException>(() => NearestNeighbours.Search(queries, reference, k: 301));
    }

    [Fact]
    public void Batch_stream_runs_past_the_end_of_the_data_with_a_new_reproducible_order_each_epoch()
    {
        using var data = ImageDataset.FashionMnist("test", subset: 100);
        using var _ = NewDisposeScope();
        using var s1 = new BatchStream(data, 32, seed: 3);
        using var s2 = new BatchStream(data, 32, seed: 3);
        Assert.Equal(3, s1.BatchesPerEpoch);                        // 100 / 32: the incomplete batch is dropped
        var first = Enumerable.Range(0, 7).Select(_ => s1.Next()).ToList();
        Assert.Equal(2, s1.Epoch);
        Assert.All(first, b => Assert.Equal(new long[] { 32, 1, 28, 28 }, b.shape));
        var again = Enumerable.Range(0, 7).Select(_ => s2.Next()).ToList();
        Assert.All(first.Zip(again), p => Assert.True(p.First.eq(p.Second).all().item<bool>()));   // same seed, same batches
        Assert.False(first[0].eq(first[3]).all().item<bool>());                                     // epoch 1 is reshuffled
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchStream(data, 101));
    }

    [Fact]
    public void Row_puts_its_views_side_by_side_in_one_output()
    {
        using var _ = NewDisposeScope();
        var a = ImageGrid.From(zeros(1, 4, 4), title: "left");
        var b = ImageGrid.From(ones(1, 6, 6), title: "right");
        var html = new Row(a, b).ToHtml();
        Assert.Contains("display:flex", html);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(html, "<img ").Count);
        Assert.True(html.IndexOf("left") < html.IndexOf("right"));
        Assert.Throws<ArgumentException>(() => new Row());
    }
}
