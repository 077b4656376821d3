using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Runtime;

/// <summary>Everything <see cref="Course.Init"/> decided, printed as one line in the notebook.</summary>
public sealed record CourseSettings(Profile Profile, Device Device, int Seed, int Threads, string Native, string CpuKernels)
{
    public override string ToString() =>
        $"GanCourse {typeof(Course).Assembly.GetName().Version?.ToString(3)} | TorchSharp {TorchSharpVersion} " +
        $"(libtorch {torch.__version__}) | device {Device}{(Device.type == DeviceType.CPU ? $" ({Threads} threads, {CpuKernels})" : "")} " +
        $"| profile {Profile.Name()} | seed {Seed} | {Native}";

    static string TorchSharpVersion => typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "?";
}

/// <summary>
/// The entry point every notebook calls once in its first code cell:
/// <code>#r "../lib/bin/GanCourse.dll"
/// var course = GanCourse.Runtime.Course.Init();</code>
/// It makes libtorch load on this machine, picks the device (CUDA if available, else CPU; override with
/// GANCOURSE_DEVICE), the profile (GANCOURSE_PROFILE: ci, cpu or gpu), the CPU thread settings, and seeds
/// torch and .NET random number generators.
/// </summary>
public static class Course
{
    public const int DefaultSeed = 42;
    static CourseSettings? current;

    /// <summary>The settings of the last <see cref="Init"/>; initialises with defaults on first use.</summary>
    public static CourseSettings Settings => current ?? Init(quiet: true);

    public static Device Device => Settings.Device;
    public static Profile Profile => Settings.Profile;

    /// <summary>A .NET random generator seeded with the course seed (for data order and sampling in C#).</summary>
    public static Random Random { get; private set; } = new(DefaultSeed);

    /// <summary>
    /// Raised at the end of every <see cref="Init"/>, i.e. when a notebook (re)runs its first cell. Layers above the
    /// runtime reset their per-kernel state here; e.g. charts subscribe so that the next one embeds plotly.js again,
    /// which a reopened notebook has lost. The runtime itself knows nothing of them.
    /// </summary>
    public static event Action<CourseSettings>? Initialized;

    /// <param name="profile">ci, cpu or gpu; default from GANCOURSE_PROFILE, else gpu with CUDA, else cpu.</param>
    /// <param name="seed">Seeds torch (CPU and CUDA) and <see cref="Random"/>.</param>
    /// <param name="device">cpu, cuda or cuda:N; default from GANCOURSE_DEVICE, else CUDA when available.</param>
    /// <param name="threads">CPU threads for torch; default from GANCOURSE_THREADS, else the kit's tested setting.</param>
    /// <param name="quiet">Do not print the one-line summary.</param>
    public static CourseSettings Init(string? profile = null, int seed = DefaultSeed, string? device = null,
        int? threads = null, bool quiet = false)
    {
        NativeRuntime.EnsureLoaded();
        var dev = ChooseDevice(device ?? Environment.GetEnvironmentVariable("GANCOURSE_DEVICE"));
        var profileName = profile ?? Environment.GetEnvironmentVariable("GANCOURSE_PROFILE");
        var p = string.IsNullOrWhiteSpace(profileName)
            ? (dev.type == DeviceType.CUDA ? Profile.Gpu : Profile.Cpu)
            : Profiles.Parse(profileName);
        var cpu = CpuBackend.Configure(threads ?? EnvInt("GANCOURSE_THREADS"));
        Seed(seed);
        current = new CourseSettings(p, dev, seed, cpu.Threads, NativeRuntime.Status, cpu.Description);
        Initialized?.Invoke(current);
        if (!quiet) Console.WriteLine(current);
        return current;
    }

    /// <summary>
    /// Changes how many CPU threads torch uses, e.g. 1 for tiny networks: their kernels are too small to gain from
    /// splitting, and a single thread keeps its speed when other programs keep the cores busy (several threads then
    /// wait for each other at every operation). Returns the updated settings.
    /// </summary>
    public static CourseSettings SetThreads(int threads)
    {
        var s = Settings;
        var cpu = CpuBackend.Configure(threads);
        current = s with { Threads = cpu.Threads, CpuKernels = cpu.Description };
        return current;
    }

    /// <summary>Seeds torch's CPU and CUDA generators and <see cref="Random"/>.</summary>
    public static void Seed(int seed)
    {
        torch.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
        Random = new Random(seed);
    }

    static Device ChooseDevice(string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested))
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        var r = requested.Trim().ToLowerInvariant();
        if (r == "cpu") return torch.CPU;
        if (r.StartsWith("cuda"))
        {
            if (!torch.cuda.is_available())
                throw new InvalidOperationException(
                    $"GANCOURSE_DEVICE={requested} but CUDA is not available: this build uses the CPU libtorch or no GPU/driver is present. " +
                    "Build with -p:TorchBackend=cuda on a CUDA machine (environment.md), or unset GANCOURSE_DEVICE.");
            return torch.device(r);
        }
        throw new ArgumentException($"Unknown device '{requested}'. Use cpu, cuda or cuda:N (GANCOURSE_DEVICE).");
    }

    static int? EnvInt(string name)
    {
        var v = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(v)) return null;
        return int.TryParse(v, out var n) && n > 0 ? n
            : throw new ArgumentException($"{name}={v} is not a positive integer.");
    }
}
