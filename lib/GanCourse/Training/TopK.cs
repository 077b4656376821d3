namespace GanCourse.Training;

/// <summary>
/// Top-k training (Sinha et al. 2020, "Top-k Training of GANs: Improving GAN Performance by Throwing Away Bad
/// Samples"; lecture 004's tips): the generator update uses only the k generated samples of the batch that the
/// discriminator scores as most realistic, the others' gradients are zeroed. k starts at the batch size B and
/// decays: k = max(⌈ν·B⌉, ⌊B·γ^⌊t / DecayEvery⌋⌋), t = generator step (the paper decays once per epoch).
/// </summary>
/// <param name="Gamma">γ, the decay factor per period.</param>
/// <param name="MinFraction">ν, the smallest k as a fraction of the batch.</param>
/// <param name="DecayEvery">Generator steps per decay period (an "epoch" of a stream of toy batches).</param>
public sealed record TopK(double Gamma = 0.99, double MinFraction = 0.5, int DecayEvery = 100)
{
    public int K(int batch, long generatorStep)
    {
        if (Gamma is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(Gamma), Gamma, "γ must be in (0, 1]");
        if (MinFraction is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(MinFraction), MinFraction, "ν must be in (0, 1]");
        if (DecayEvery < 1) throw new ArgumentOutOfRangeException(nameof(DecayEvery), DecayEvery, "DecayEvery must be at least 1");
        var min = (int)Math.Ceiling(MinFraction * batch);
        var k = (int)Math.Floor(batch * Math.Pow(Gamma, generatorStep / DecayEvery));
        return Math.Clamp(k, Math.Max(1, min), batch);
    }
}
