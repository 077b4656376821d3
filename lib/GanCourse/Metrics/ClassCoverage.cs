using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Metrics;

/// <summary>
/// Mode collapse on labelled images, read by a classifier: the share of generated samples it assigns to each class,
/// how many classes get at least <see cref="MinShare"/> of them, the largest share, and KL(p ‖ uniform) =
/// Σ_k p_k log(K p_k) (0 when every class is drawn equally often, log K when one class takes everything).
/// </summary>
public sealed record ClassCoverage(IReadOnlyList<double> Shares, double MinShare)
{
    public int Classes => Shares.Count;
    public int Covered => Shares.Count(s => s >= MinShare);
    public double LargestShare => Shares.Max();
    public double KlToUniform => Shares.Where(p => p > 0).Sum(p => p * Math.Log(Classes * p));

    /// <param name="predicted">(N) int64 predicted classes of N samples.</param>
    public static ClassCoverage Of(Tensor predicted, int classes, double minShare = 0.02)
    {
        if (predicted.dim() != 1 || predicted.shape[0] == 0)
            throw new ArgumentException($"ClassCoverage needs a non-empty vector of predicted classes, got shape [{string.Join(", ", predicted.shape)}].", nameof(predicted));
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "at least 2 classes");
        if (minShare is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(minShare), minShare, "minShare must be in (0, 1), e.g. 0.02");
        var p = predicted.detach().cpu().to(int64);
        if (p.min().item<long>() < 0 || p.max().item<long>() >= classes)
            throw new ArgumentException($"predicted classes must be in 0..{classes - 1}.", nameof(predicted));
        using var counts = bincount(p, minlength: classes);
        var n = (double)predicted.shape[0];
        return new ClassCoverage(counts.data<long>().Select(c => c / n).ToArray(), minShare);
    }
}
