using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Data;

/// <summary>
/// Samples of a toy distribution: <see cref="Samples"/> float32 (N, D); for mixtures also the mode each sample was
/// drawn from (<see cref="Modes"/>, int64 (N)) and the mode centres (<see cref="Centres"/>, float32 (K, D)).
/// </summary>
public sealed record ToySamples(Tensor Samples, Tensor? Modes, Tensor? Centres, double Std) : IDisposable
{
    public void Dispose()
    {
        Samples.Dispose();
        Modes?.Dispose();
        Centres?.Dispose();
    }
}

/// <summary>
/// The low-dimensional distributions of the lectures. All sampling uses torch's generator (seeded by
/// <see cref="Runtime.Course.Init"/>, or pass <c>generator</c>), so one seed reproduces a figure.
/// </summary>
public static class ToyData
{
    /// <summary>
    /// Points on the parabola y = x², x uniform in [-1, 1): lecture 004's <c>gen_pair</c>
    /// (<c>x = np.random.uniform(-1, 1, num); y = x * x</c>). Shape (n, 2), columns x and y.
    /// </summary>
    public static Tensor Parabola(int n = 100, Generator? generator = null, Device? device = null)
    {
        using var _ = NewDisposeScope();
        var x = torch.rand(n, 1, generator: generator).mul_(2).sub_(1);
        return torch.cat([x, x * x], 1).to(device ?? CPU).MoveToOuterDisposeScope();
    }

    /// <summary>Centres of <paramref name="modes"/> points evenly spaced on a circle: angles 2πi/modes, i = 0..modes-1.</summary>
    public static Tensor RingCentres(int modes = 8, double radius = 2.0)
    {
        if (modes < 1) throw new ArgumentOutOfRangeException(nameof(modes), modes, "modes must be at least 1");
        var c = new float[modes * 2];
        for (var i = 0; i < modes; i++)
        {
            var a = 2 * Math.PI * i / modes; // not linspace(0, 2π, modes): that repeats the first mode at 2π
            c[2 * i] = (float)(radius * Math.Cos(a));
            c[2 * i + 1] = (float)(radius * Math.Sin(a));
        }
        return torch.tensor(c, [modes, 2]);
    }

    /// <summary>Centres of a <paramref name="side"/> x <paramref name="side"/> grid, <paramref name="spacing"/> apart, centred on 0.</summary>
    public static Tensor GridCentres(int side = 5, double spacing = 2.0)
    {
        if (side < 1) throw new ArgumentOutOfRangeException(nameof(side), side, "side must be at least 1");
        var c = new float[side * side * 2];
        var offset = (side - 1) / 2.0;
        for (var i = 0; i < side; i++)
        for (var j = 0; j < side; j++)
        {
            c[2 * (i * side + j)] = (float)((i - offset) * spacing);
            c[2 * (i * side + j) + 1] = (float)((j - offset) * spacing);
        }
        return torch.tensor(c, [side * side, 2]);
    }

    /// <summary>
    /// A ring of <paramref name="modes"/> Gaussians (default 8 at radius 2, std 0.02: the mode-collapse benchmark of
    /// Metz et al., Unrolled GANs), each mode equally likely.
    /// </summary>
    public static ToySamples Ring(int n, int modes = 8, double radius = 2.0, double std = 0.02, Generator? generator = null, Device? device = null) =>
        Mixture(n, RingCentres(modes, radius), std, generator, device);

    /// <summary>
    /// A <paramref name="side"/> x <paramref name="side"/> grid of Gaussians (default 5x5 = 25 modes, spacing 2, std 0.05:
    /// the grid benchmark of VEEGAN and PacGAN), each mode equally likely.
    /// </summary>
    public static ToySamples Grid(int n, int side = 5, double spacing = 2.0, double std = 0.05, Generator? generator = null, Device? device = null) =>
        Mixture(n, GridCentres(side, spacing), std, generator, device);

    /// <summary>An equal-weight mixture of isotropic Gaussians with the given centres (K, D); takes ownership of <paramref name="centres"/>.</summary>
    public static ToySamples Mixture(int n, Tensor centres, double std, Generator? generator = null, Device? device = null)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be >= 0");
        if (std < 0) throw new ArgumentOutOfRangeException(nameof(std), std, "std must be >= 0");
        using var _ = NewDisposeScope();
        var k = centres.shape[0];
        var modes = torch.randint(0, k, [n], generator: generator, dtype: int64);
        var noise = torch.randn([n, centres.shape[1]], generator: generator).mul_(std);
        var samples = centres.index_select(0, modes).add_(noise);
        var dev = device ?? CPU;
        var onDevice = centres.device.type == dev.type && centres.device.index == dev.index ? centres : centres.to(dev);
        var result = new ToySamples(samples.to(dev).MoveToOuterDisposeScope(), modes.to(dev).MoveToOuterDisposeScope(),
            onDevice.MoveToOuterDisposeScope(), std);
        if (!ReferenceEquals(onDevice, centres)) centres.Dispose();
        return result;
    }

    /// <summary>
    /// Two 1-D Gaussians with equal weight (shape (n, 1)): the real and the generated distribution of the WGAN
    /// figure where a discriminator saturates and a critic still gives a useful slope.
    /// </summary>
    public static ToySamples TwoGaussians1D(int n, double mean1 = -2.0, double mean2 = 2.0, double std = 0.5, Generator? generator = null, Device? device = null) =>
        Mixture(n, torch.tensor(new[] { (float)mean1, (float)mean2 }, [2, 1]), std, generator, device);

    /// <summary>
    /// The exact log density (nats, per point (N)) of the equal-weight isotropic Gaussian mixture that
    /// <see cref="Mixture"/> samples: log p(x) = log (1/K) Σ_k N(x; c_k, std² I). Its mean over samples of the mixture
    /// estimates minus the entropy, the highest average log-likelihood any model of that data can reach.
    /// </summary>
    public static Tensor MixtureLogDensity(Tensor x, Tensor centres, double std)
    {
        if (!(std > 0)) throw new ArgumentOutOfRangeException(nameof(std), std, "std must be positive for a density to exist");
        if (x.dim() != 2 || centres.dim() != 2 || x.shape[1] != centres.shape[1])
            throw new ArgumentException($"Expected points (N, D) and centres (K, D), got [{string.Join(", ", x.shape)}] and [{string.Join(", ", centres.shape)}].");
        using var _ = NewDisposeScope();
        var (k, d) = (centres.shape[0], centres.shape[1]);
        var sq = torch.cdist(x.to(float64), centres.to(x.device).to(float64)).pow(2);              // (N, K)
        var logN = sq.div(-2 * std * std) - 0.5 * d * Math.Log(2 * Math.PI * std * std);
        return (logN.logsumexp(1) - Math.Log(k)).to(float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// For each sample, the nearest centre and the distance to it: (mode int64 (N), distance float32 (N)).
    /// Used to count covered modes and high-quality samples (within 3 std of a centre) of a generator.
    /// </summary>
    public static (Tensor Mode, Tensor Distance) NearestMode(Tensor samples, Tensor centres)
    {
        using var _ = NewDisposeScope();
        var d = torch.cdist(samples.to(float32), centres.to(samples.device).to(float32));
        var (dist, mode) = d.min(1);
        return (mode.MoveToOuterDisposeScope(), dist.MoveToOuterDisposeScope());
    }
}
