namespace GanCourse.Experiments;

/// <summary>
/// One pix2pix run of notebook 09 (Isola et al. 2017): the objective G* = arg min_G max_D L_cGAN(G, D) + λ L_L1(G),
/// eq. 4, and the parts the paper ablates. <see cref="Adversarial"/> false is "L1 alone", <see cref="Lambda"/> 0
/// "cGAN alone"; <see cref="Skips"/> false the plain encoder-decoder; <see cref="PatchLayers"/> the patch size
/// (0: 1x1 PixelGAN, 1: 16x16, 2: 34x34, which covers the whole 32x32 image: an ImageGAN).
/// </summary>
public sealed record Pix2PixSetup(int Steps, int Batch = 32, double Lambda = 100, bool Adversarial = true, bool Skips = true,
    int PatchLayers = 1, int GeneratorChannels = 16, int GeneratorMaxChannels = 64, int DiscriminatorChannels = 32,
    double LearningRate = 2e-4)
{
    public string Name => !Adversarial ? "L1 alone" : Lambda == 0 ? "cGAN alone" : "L1 + cGAN";

    internal void Validate()
    {
        if (Steps < 0 || Batch < 1) throw new ArgumentOutOfRangeException(nameof(Steps), $"need Steps >= 0 and Batch >= 1, got {Steps} and {Batch}");
        if (!Adversarial && Lambda == 0) throw new ArgumentException("Adversarial = false and Lambda = 0 leave G with no loss at all: keep one of them.");
    }
}

/// <summary>
/// One CycleGAN run of notebook 09 (Zhu et al. 2017): least-squares adversarial losses in both directions, the
/// cycle loss with λ = 10 (eq. 3), optionally one direction of it or none, the identity loss (weight × λ), and the
/// image buffer of past fakes (<see cref="Pool"/> images; 0 = none). Table 4's rows: GAN alone (Lambda 0),
/// cycle alone (Adversarial false), GAN + forward cycle, full.
/// </summary>
public sealed record CycleGanSetup(int Steps, int Batch = 16, double Lambda = 10, bool Adversarial = true, bool ForwardCycle = true,
    bool BackwardCycle = true, double IdentityWeight = 0, int Pool = 50, int GeneratorChannels = 16, int GeneratorMaxChannels = 64,
    int PatchLayers = 1, int DiscriminatorChannels = 32, double LearningRate = 2e-4)
{
    public string Name => !Adversarial ? "cycle alone"
        : Lambda == 0 || (!ForwardCycle && !BackwardCycle) ? "GAN alone"
        : ForwardCycle && !BackwardCycle ? "GAN + forward cycle"
        : !ForwardCycle ? "GAN + backward cycle"
        : IdentityWeight > 0 ? "full + identity" : "full (GAN + cycle)";

    internal void Validate()
    {
        if (Steps < 0 || Batch < 1) throw new ArgumentOutOfRangeException(nameof(Steps), $"need Steps >= 0 and Batch >= 1, got {Steps} and {Batch}");
        if (!Adversarial && (Lambda == 0 || (!ForwardCycle && !BackwardCycle)) && IdentityWeight == 0)
            throw new ArgumentException("Without the adversarial loss and without any cycle term the generators have no loss: keep one of them.");
        if (Pool < 0) throw new ArgumentOutOfRangeException(nameof(Pool), Pool, "Pool must be >= 0 (0 = no image buffer; the paper keeps 50)");
    }
}
