using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// A loss with the training settings its paper prescribes: critic (discriminator) steps per generator step and the
/// optimizer, used for both networks. The static members are the papers' defaults (lecture 000's Algorithm boxes),
/// so a comparison of losses changes exactly what the papers change and nothing else.
/// </summary>
/// <param name="Name">A label for tables and charts.</param>
/// <param name="Loss">Makes a fresh loss (a loss may hold state, e.g. the last gradient norm of WGAN-GP).</param>
/// <param name="CriticSteps">n_critic.</param>
/// <param name="Optimizer">Builds the optimizer of one network from its parameters.</param>
public sealed record GanRecipe(string Name, Func<IGanLoss> Loss, int CriticSteps, Func<IEnumerable<Parameter>, optim.Optimizer> Optimizer)
{
    /// <summary>The non-saturating GAN with DCGAN's Adam (lr 2e-4, β = (0.5, 0.999)), one D step per G step.</summary>
    public static GanRecipe NonSaturating(double lr = 2e-4) =>
        new("GAN (non-saturating)", () => new NonSaturatingGanLoss(), 1, p => optim.Adam(p, lr, beta1: 0.5, beta2: 0.999));

    /// <summary>LSGAN (Mao et al.): least-squares loss with the (a, b, c) coding, Adam lr 2e-4, β₁ = 0.5 as in the paper.</summary>
    public static GanRecipe Lsgan(double a = 0, double b = 1, double c = 1, double lr = 2e-4) =>
        new($"LSGAN (a={a}, b={b}, c={c})", () => new LsganLoss(a, b, c), 1, p => optim.Adam(p, lr, beta1: 0.5, beta2: 0.999));

    /// <summary>WGAN, Algorithm 1 of Arjovsky et al.: α = 5e-5 with RMSProp, clipping c = 0.01, n_critic = 5 (m = 64 is the batch).</summary>
    public static GanRecipe Wgan(double alpha = 5e-5, double c = 0.01, int nCritic = 5) =>
        new($"WGAN (clip c={c})", () => new WganLoss(clip: c), nCritic, p => optim.RMSProp(p, alpha));

    /// <summary>WGAN-GP, Algorithm 1 of Gulrajani et al.: λ = 10, n_critic = 5, Adam α = 1e-4, β₁ = 0, β₂ = 0.9.</summary>
    public static GanRecipe WganGp(double lambda = 10, int nCritic = 5, double alpha = 1e-4, double beta1 = 0, double beta2 = 0.9) =>
        new($"WGAN-GP (λ={lambda})", () => new WganGpLoss(lambda), nCritic, p => optim.Adam(p, alpha, beta1: beta1, beta2: beta2));

    /// <summary>
    /// WGAN-GP with the settings of the authors' own toy script (igul222/improved_wgan_training, gan_toy.py, 8 Gaussians):
    /// λ = 0.1 ("smaller lambda makes things faster for toy tasks"), Adam α = 1e-4, β = (0.5, 0.9), n_critic = 5.
    /// </summary>
    public static GanRecipe WganGpToy(double lambda = 0.1, int nCritic = 5, double alpha = 1e-4) =>
        WganGp(lambda, nCritic, alpha, beta1: 0.5, beta2: 0.9) with { Name = $"WGAN-GP (λ={lambda}, β₁=0.5, toy)" };

    /// <summary>The four recipes the course compares, in lecture order.</summary>
    public static IReadOnlyList<GanRecipe> All() => [NonSaturating(), Lsgan(), Wgan(), WganGp()];
}
