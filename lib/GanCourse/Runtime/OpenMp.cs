using System.Runtime.InteropServices;

namespace GanCourse.Runtime;

/// <summary>
/// OpenMP settings for libtorch's CPU kernels. libgomp reads them from the process environment once, when it
/// loads with libtorch, so they are set (with libc's setenv: .NET's Environment.SetEnvironmentVariable does not
/// reach native code on Linux) before <see cref="NativeRuntime"/> loads libtorch.
/// <list type="bullet">
/// <item><c>OMP_DYNAMIC=false</c>: with dynamic teams libgomp shrinks the thread team when the machine is busy
/// (load average &gt;= cores - 1); oneDNN plans its work for the full team, and its convolution weight-gradient
/// reduction then waits forever for a thread that never comes (seen here with libtorch 2.10 / oneDNN 3.7).</item>
/// <item><c>OMP_WAIT_POLICY=passive</c>: idle OpenMP threads sleep instead of spinning. On a shared or busy
/// machine spinning threads steal the cores the work needs (TorchSharp used 2-3x the CPU time of PyTorch for the
/// same DCGAN steps under load); on an idle machine it costs nothing measurable.</item>
/// </list>
/// A user's own OMP_WAIT_POLICY is respected; OMP_DYNAMIC is always turned off.
/// </summary>
public static class OpenMp
{
    static bool configured;

    /// <summary>What was set, for the start-up line.</summary>
    public static string Description { get; private set; } = "";

    /// <summary>OMP_THREAD_LIMIT when set: libtorch must not be asked for more threads than this.</summary>
    public static int? ThreadLimit { get; private set; }

    internal static void ConfigureBeforeLoad()
    {
        if (configured) return;
        configured = true;
        var notes = new List<string>();
        if (Get("OMP_DYNAMIC") is { } dyn && !dyn.Equals("false", StringComparison.OrdinalIgnoreCase))
            notes.Add($"OMP_DYNAMIC={dyn} overridden");
        Set("OMP_DYNAMIC", "false");
        if (Get("OMP_WAIT_POLICY") is null) Set("OMP_WAIT_POLICY", "passive");
        notes.Insert(0, $"OpenMP {Get("OMP_WAIT_POLICY")?.ToLowerInvariant()}");
        if (int.TryParse(Get("OMP_THREAD_LIMIT"), out var limit) && limit > 0) ThreadLimit = limit;
        Description = string.Join(", ", notes);
    }

    /// <summary>The value native code sees (libc getenv), or null.</summary>
    public static string? Get(string name)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return Environment.GetEnvironmentVariable(name);
        var p = getenv(name);
        return p == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(p);
    }

    static void Set(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) setenv(name, value, 1);
    }

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int setenv(string name, string value, int overwrite);

    [DllImport("libc", EntryPoint = "getenv")]
    static extern IntPtr getenv(string name);
}
