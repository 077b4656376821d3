using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// LSGAN (Mao et al. 2017; lecture 000): least squares instead of cross-entropy, with raw scores (no sigmoid):
/// min_D ½ E_x (D(x) − b)² + ½ E_z (D(G(z)) − a)²,  min_G ½ E_z (D(G(z)) − c)².
/// a is the label of fakes, b of real data, c the value G wants D to believe for its fakes. The paper's two
/// choices: a = −1, b = 1, c = 0 (b − c = 1, b − a = 2: G minimises the Pearson χ² divergence) and the 0-1 coding
/// a = 0, b = c = 1 (the default here, used in the paper's experiments). Far-off fakes on the right side of the
/// decision boundary are still penalised, so the generator's gradient does not vanish.
/// </summary>
public sealed class LsganLoss(double a = 0.0, double b = 1.0, double c = 1.0) : IGanLoss
{
    public double A { get; } = Check(a, nameof(a));
    public double B { get; } = Check(b, nameof(b));
    public double C { get; } = Check(c, nameof(c));

    public string Name => $"LSGAN (a = {A}, b = {B}, c = {C})";

    public Tensor Discriminator(Tensor realScores, Tensor fakeScores)
    {
        using var _ = NewDisposeScope();
        return (0.5 * (realScores.reshape(-1) - B).square().mean() + 0.5 * (fakeScores.reshape(-1) - A).square().mean()).MoveToOuterDisposeScope();
    }

    public Tensor Generator(Tensor fakeScores)
    {
        using var _ = NewDisposeScope();
        return (0.5 * (fakeScores.reshape(-1) - C).square().mean()).MoveToOuterDisposeScope();
    }

    static double Check(double v, string name) => double.IsFinite(v) ? v
        : throw new ArgumentOutOfRangeException(name, v, "LSGAN's targets a, b, c must be finite numbers (e.g. a = 0, b = c = 1)");
}
