using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Metrics;

/// <summary>The k nearest reference items of each query: indices (N, k) into the reference set and distances (N, k), nearest first.</summary>
public sealed record Neighbours(Tensor Indices, Tensor Distances) : IDisposable
{
    public void Dispose()
    {
        Indices.Dispose();
        Distances.Dispose();
    }
}

/// <summary>
/// Exact nearest neighbours by Euclidean distance between flattened images (pixel space): the check that a generator
/// does not just copy its training set (Radford et al. 2015 and most GAN papers show each sample next to its nearest
/// training images). Queries are processed in chunks so memory stays bounded for large reference sets.
/// </summary>
public static class NearestNeighbours
{
    /// <param name="queries">(N, ...) e.g. generated images (N, C, H, W).</param>
    /// <param name="reference">(M, ...) with the same item shape, e.g. the training images.</param>
    /// <param name="k">Neighbours per query, 1..M.</param>
    /// <param name="chunk">Queries compared with the whole reference at once (memory: chunk x M floats).</param>
    public static Neighbours Search(Tensor queries, Tensor reference, int k = 1, int chunk = 256)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(reference);
        if (queries.dim() < 2 || reference.dim() < 2 || !queries.shape[1..].SequenceEqual(reference.shape[1..]))
            throw new ArgumentException($"queries and reference must be batches of items of the same shape, got [{string.Join(", ", queries.shape)}] and [{string.Join(", ", reference.shape)}].");
        var m = reference.shape[0];
        if (k < 1 || k > m) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and the reference size {m}");
        if (chunk < 1) throw new ArgumentOutOfRangeException(nameof(chunk), chunk, "chunk must be at least 1");
        using var _ = NewDisposeScope();
        using var __ = no_grad();
        var refFlat = reference.detach().to(float32).flatten(1);
        var refSq = refFlat.pow(2).sum(1);                                   // ‖r‖²
        var q = queries.detach().to(float32).to(refFlat.device).flatten(1);
        var indices = new List<Tensor>();
        var distances = new List<Tensor>();
        for (long start = 0; start < q.shape[0]; start += chunk)
        {
            var qc = q.narrow(0, start, Math.Min(chunk, q.shape[0] - start));
            // ‖q − r‖² = ‖q‖² − 2 q·r + ‖r‖², one matrix product per chunk
            var d2 = (qc.pow(2).sum(1, keepdim: true) - 2 * qc.matmul(refFlat.t()) + refSq.unsqueeze(0)).clamp_min(0);
            var (values, idx) = d2.topk(k, dim: 1, largest: false, sorted: true);
            indices.Add(idx);
            distances.Add(values.sqrt());
        }
        return new Neighbours(cat(indices).MoveToOuterDisposeScope(), cat(distances).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Rows of [query, its k nearest reference items] as one (N·(k+1), ...) batch, ready for
    /// <c>ImageGrid.From(panel, nrow: k + 1)</c>.
    /// </summary>
    public static Tensor Panel(Tensor queries, Tensor reference, int k = 5)
    {
        using var _ = NewDisposeScope();
        using var nn = Search(queries, reference, k);
        var q = queries.detach().cpu();
        var r = reference.detach().cpu();
        var rows = new List<Tensor>();
        for (var i = 0; i < q.shape[0]; i++)
        {
            rows.Add(q[i].unsqueeze(0));
            rows.Add(r.index_select(0, nn.Indices[i].cpu()));
        }
        return cat(rows).MoveToOuterDisposeScope();
    }
}
