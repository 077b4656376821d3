using GanCourse.Networks;

namespace GanCourse.Training;

/// <summary>
/// Hyper-parameters of ProGAN training (paper section A.1): WGAN-GP loss with lambda = 10 and the drift term
/// epsilon_drift = 0.001, Adam(lr 1e-3, betas (0, 0.99), eps 1e-8), one critic step per generator step, the
/// optimizers' state reset when a new resolution starts fading in, and an exponential moving average of the
/// generator's weights for samples (decay 0.999).
/// </summary>
public sealed record ProGanTrainingConfig(ProGanConfig Model, int BatchSize = 32, long FadeImages = 60_000,
    long StableImages = 60_000, double Lr = 1e-3, double Beta1 = 0.0, double Beta2 = 0.99, double GpWeight = 10,
    double DriftWeight = 1e-3, double EmaDecay = 0.999)
{
    public ProGanSchedule Schedule => new(Model.MaxResolution, FadeImages, StableImages);
}
