using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// What ProGAN's generator and discriminator share: the <see cref="ProGanConfig"/>, one block per resolution
/// 4, 8, ..., MaxResolution built from the start, and the (resolution, α) that <c>forward</c> works at (set by the
/// training's growth schedule, <c>ProGanGrowth</c>). <see cref="Level"/> checks a requested (r, α).
/// </summary>
public abstract class ProGanNetwork : Module<Tensor, Tensor>
{
    /// <summary>LeakyReLU's negative slope after every conv (the paper: 0.2).</summary>
    protected const double LeakySlope = 0.2;

    public ProGanConfig Config { get; }
    /// <summary>Current resolution (4 .. MaxResolution).</summary>
    public int Resolution { get; set; }
    /// <summary>Fade-in weight of the newest block in [0, 1]; 1 = fully grown.</summary>
    public double Alpha { get; set; } = 1;

    protected ProGanNetwork(string name, ProGanConfig config) : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Resolution = config.MaxResolution;
    }

    /// <summary>Index of resolution r in 4, 8, 16, ...; a clear error for a size the network does not have or an α outside [0, 1].</summary>
    protected int Level(int resolution, double alpha)
    {
        var i = Array.IndexOf(Config.Resolutions(), resolution);
        if (i < 0) throw new ArgumentOutOfRangeException(nameof(resolution), resolution,
            $"Resolution must be one of {string.Join(", ", Config.Resolutions())}.");
        if (alpha is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in [0, 1].");
        return i;
    }
}
