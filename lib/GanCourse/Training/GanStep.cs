namespace GanCourse.Training;

/// <summary>
/// What one training step of any GAN of the course did: the step index, the named losses (always "D" and "G", the
/// adversarial losses of the last discriminator update and of the generator update; then "aux CE" for AC-GAN, "E" for
/// BiGAN's encoder term (GanModel.EncodeReal; "G" is then the generator's term alone), and each
/// penalty under its name: "GP", "R1", "drift", "labelled CE"), D's mean raw scores of the real and generated batch,
/// other numbers worth a look (<see cref="Stats"/>: k of Top-k, the auxiliary classifier's accuracy, ProGAN's
/// resolution and α), the real samples the step consumed and its wall time.
/// </summary>
public sealed record GanStep(long Step, IReadOnlyDictionary<string, float> Losses, float RealScore, float FakeScore,
    int Samples, double Seconds)
{
    public IReadOnlyDictionary<string, double> Stats { get; init; } = new Dictionary<string, double>();

    /// <summary>The discriminator's adversarial loss.</summary>
    public float D => Losses["D"];
    /// <summary>The generator's loss.</summary>
    public float G => Losses["G"];
    /// <summary>E D(x) − E D(G(z)) of the raw scores: a critic's estimate of the Wasserstein distance (WGAN).</summary>
    public float Wasserstein => RealScore - FakeScore;

    /// <summary>A named number of <see cref="Stats"/>, NaN when the step did not record it.</summary>
    public double Stat(string name) => Stats.TryGetValue(name, out var v) ? v : double.NaN;
}
