using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// pix2pix's reconstruction term (Isola et al. 2017, eq. 3 and 4): λ·E‖y − G(x)‖₁, with λ = 100 in the paper.
/// L1 alone gives the blurry median of the plausible outputs; the cGAN term alone gives sharp outputs that need not
/// match the input; together: sharp and faithful (the paper's Figure 4). The model's generator function returns the
/// input and the output stacked along the channels (what the conditional D judges), so the output is the channels
/// after the input's: <see cref="Output"/>.
/// </summary>
public sealed class L1Reconstruction(double lambda = 100) : IGeneratorPenalty
{
    public double Lambda { get; } = double.IsFinite(lambda) && lambda >= 0 ? lambda
        : throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "λ of the L1 term must be a finite number >= 0 (the paper uses 100)");

    public string Name => "L1";

    public Tensor Penalty(GeneratorContext context)
    {
        var target = context.Latents.Target
            ?? throw new ArgumentException("L1Reconstruction needs paired targets: draw the generator's inputs with a PairedImageSampler (paired: true).");
        using var _ = NewDisposeScope();
        return (Lambda * (Output(context.Generated, target) - target).abs().mean()).MoveToOuterDisposeScope();
    }

    /// <summary>The generated output in a (input, output) channel stack: its last C channels, C = the target's channels.</summary>
    public static Tensor Output(Tensor stacked, Tensor target) =>
        stacked.shape[1] >= target.shape[1] ? stacked[.., (int)(stacked.shape[1] - target.shape[1])..]
            : throw new ArgumentException($"The generated batch has {stacked.shape[1]} channels, fewer than the target's {target.shape[1]}.");
}
