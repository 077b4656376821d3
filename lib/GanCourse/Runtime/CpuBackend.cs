using System.Runtime.InteropServices;
using TorchSharp;

namespace GanCourse.Runtime;

/// <summary>The CPU thread and kernel settings the kit applies (see environment.md, 'CPU correctness').</summary>
public readonly record struct CpuConfig(int Threads, bool OneDnn, string Description);

/// <summary>
/// CPU settings for libtorch. The kit keeps libtorch's defaults where they are correct and fastest (oneDNN
/// convolutions on, one thread per core) and fixes OpenMP's behaviour (<see cref="OpenMp"/>). Measured on the
/// development machine (2-core EPYC, seed DCGAN step, batch 64): 437 ms at 2 threads and 701 ms at 1 thread vs
/// PyTorch 1.13's 405 and 703 ms; with oneDNN off, 850 ms (environment.md, 'CPU correctness and speed').
/// libtorch exposes some global switches only as C++ methods of <c>at::Context</c>; they are exported from
/// libtorch_cpu.so, so we call them by their mangled names.
/// </summary>
public static class CpuBackend
{
    /// <summary>Applies the kit's CPU settings. <paramref name="threads"/> defaults to the number of cores.</summary>
    public static CpuConfig Configure(int? threads = null)
    {
        NativeRuntime.EnsureLoaded();
        var n = threads ?? Environment.ProcessorCount;
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(threads), n, "threads must be at least 1");
        var (clamped, warning) = ClampThreads(n, Environment.ProcessorCount);
        if (warning is not null) Console.Error.WriteLine(warning);
        n = clamped;
        // More threads than OMP_THREAD_LIMIT would leave oneDNN waiting for threads that never start.
        if (OpenMp.ThreadLimit is { } limit && n > limit) n = limit;
        torch.set_num_threads(n);
        var onednn = UserEnabledMkldnn;
        return new CpuConfig(n, onednn, $"{(onednn ? "oneDNN on" : "oneDNN off")}, {OpenMp.Description}");
    }

    /// <summary>
    /// More libtorch threads than cores only make the threads wait for each other (measured: 999 threads on 2 cores,
    /// start-up 31 s instead of 1.4 s and a conv step 17x slower), so a request above <paramref name="cores"/> is
    /// clamped to it, with a one-line warning to print.
    /// </summary>
    public static (int Threads, string? Warning) ClampThreads(int requested, int cores)
    {
        if (requested <= cores) return (requested, null);
        return (cores, $"warning: {requested} threads requested (GANCOURSE_THREADS or threads:) but this machine has {cores} cores; " +
                       $"using {cores} (more threads than cores only slow libtorch down).");
    }

    /// <summary>Whether libtorch may use oneDNN (mkldnn) kernels: <c>torch.backends.mkldnn.enabled</c>.</summary>
    public static bool UserEnabledMkldnn
    {
        get { NativeRuntime.EnsureLoaded(); return GetUserEnabledMkldnn(GlobalContext()); }
        set { NativeRuntime.EnsureLoaded(); SetUserEnabledMkldnn(GlobalContext(), value); }
    }

    const string TorchCpu = "torch_cpu";

    [DllImport(TorchCpu, EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [DllImport(TorchCpu, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport(TorchCpu, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    static extern bool GetUserEnabledMkldnn(IntPtr context);
}
