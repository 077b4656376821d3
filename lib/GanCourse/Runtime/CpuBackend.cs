using System.Runtime.InteropServices;
using TorchSharp;

namespace GanCourse.Runtime;

/// <summary>The CPU thread and kernel settings the kit applies (see environment.md, 'CPU correctness').</summary>
public readonly record struct CpuConfig(int Threads, bool OneDnn, string Description);

/// <summary>
/// CPU settings for libtorch. libtorch exposes some global switches only as C++ methods of
/// <c>at::Context</c>; they are exported from libtorch_cpu.so, so we call them by their mangled names.
/// </summary>
public static class CpuBackend
{
    /// <summary>Applies the kit's CPU settings. <paramref name="threads"/> defaults to the number of cores.</summary>
    public static CpuConfig Configure(int? threads = null)
    {
        NativeRuntime.EnsureLoaded();
        var n = threads ?? Environment.ProcessorCount;
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(threads), n, "threads must be at least 1");
        torch.set_num_threads(n);
        var onednn = UserEnabledMkldnn;
        return new CpuConfig(n, onednn, onednn ? "oneDNN on" : "oneDNN off");
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
