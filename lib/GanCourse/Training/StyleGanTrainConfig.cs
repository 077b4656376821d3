using GanCourse.Networks;

namespace GanCourse.Training;

/// <summary>Hyper-parameters of the small StyleGAN (StyleGAN paper, appendix C, scaled down for a CPU).</summary>
/// <param name="Lr">Adam learning rate of both networks (the mapping network's layers multiply it by lrmul = 0.01).</param>
/// <param name="Beta1">Adam beta1 (StyleGAN: 0), <paramref name="Beta2"/> beta2 (0.99).</param>
/// <param name="R1Gamma">gamma of the R1 penalty (gamma/2) E_real ||grad D(x)||^2 (Mescheder et al. 2018).</param>
/// <param name="R1Every">Lazy regularization (StyleGAN2): the R1 term every k discriminator steps, scaled by k.</param>
/// <param name="MixingProb">Probability that a batch uses two latents with a random crossover layer (style mixing regularization).</param>
/// <param name="EmaHalfLifeImages">Half-life, in images, of the exponential moving average of G's weights (G_ema).</param>
public sealed record StyleGanTrainConfig(StyleGanConfig Generator, int[] DiscriminatorChannels, int BatchSize = 32,
    double Lr = 0.002, double Beta1 = 0.0, double Beta2 = 0.99, double R1Gamma = 1.0, int R1Every = 4,
    double MixingProb = 0.9, double EmaHalfLifeImages = 2000)
{
    public static StyleGanTrainConfig Small32 => new(StyleGanConfig.Small32, [16, 32, 64]);
}
