using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorchSharp;

namespace GanCourse.Runtime;

/// <summary>
/// Loads TorchSharp's native library on systems whose libstdc++ is older than GCC 13's (GLIBCXX_3.4.32),
/// such as Debian 12 and Ubuntu 22.04. Where the system library is new enough it does nothing.
/// Otherwise it writes a patched copy of libLibTorchSharp.so (see <see cref="ElfSymbolVersions"/>) to a
/// per-user cache folder and loads it before TorchSharp asks for it; TorchSharp then finds the
/// already-loaded library by its soname. No root, no edits to the NuGet cache or to system files.
/// Call <see cref="EnsureLoaded"/> before the first use of <c>torch</c> (<see cref="Course.Init"/> does).
/// </summary>
public static class NativeRuntime
{
    const string MarkerSymbol = "_ZSt21ios_base_library_initv", MarkerVersion = "GLIBCXX_3.4.32";
    const string LibName = "libLibTorchSharp.so";
    static readonly Lock gate = new();
    static bool loaded;

    /// <summary>What was done, for the one-line start-up report and for troubleshooting.</summary>
    public static string Status { get; private set; } = "not initialised";

    /// <summary>The patched library in use, or null when no patch was needed.</summary>
    public static string? PatchedLibrary { get; private set; }

    public static void EnsureLoaded()
    {
        lock (gate)
        {
            if (loaded) return;
            OpenMp.ConfigureBeforeLoad();
            if (!OperatingSystem.IsLinux()) { Status = "native: stock"; loaded = true; return; }

            var torchAssembly = typeof(torch).Assembly;
            // Load the libtorch that ships with TorchSharp by absolute path, before anything asks for it by name:
            // a plain dlopen("libc10.so") could find another libtorch on the system (Debian's python3-torch puts
            // libtorch 1.13 in /usr/lib). Later by-name loads (TorchSharp's own) then match ours by soname.
            var dirs = CandidateDirectories(torchAssembly).Where(Directory.Exists).Distinct().ToList();
            var libDir = dirs.FirstOrDefault(d => File.Exists(Path.Combine(d, "libtorch_cpu.so")));
            foreach (var name in new[] { "c10", "torch_cpu", "torch" })
                if (libDir is null || !NativeLibrary.TryLoad(Path.Combine(libDir, $"lib{name}.so"), out _))
                    NativeLibrary.TryLoad(name, torchAssembly, null, out _);
            if (SystemHasVersion(MarkerVersion)) { Status = "native: stock (system libstdc++ has " + MarkerVersion + ")"; loaded = true; return; }

            var source = dirs.Select(d => Path.Combine(d, LibName)).FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException(
                    $"GanCourse: cannot find {LibName} (looked in: {string.Join(", ", dirs)}). " +
                    "Build the library first (`dotnet build lib/GanCourse`), and see environment.md, 'Native runtime'.");
            PatchedLibrary = PatchedCopy(source);
            try { NativeLibrary.Load(PatchedLibrary); }
            catch (DllNotFoundException e)
            {
                throw new InvalidOperationException(
                    $"GanCourse: the patched TorchSharp library {PatchedLibrary} failed to load: {e.Message}. " +
                    "See environment.md, 'Native runtime'.", e);
            }
            Status = $"native: patched for {MarkerVersion}";
            loaded = true;
        }
    }

    /// <summary>True when the process's libstdc++ defines the GCC 13 marker symbol with its version.</summary>
    public static bool SystemHasVersion(string version)
    {
        if (!NativeLibrary.TryLoad("libstdc++.so.6", out var handle)) return false;
        try { return DlVSym(handle, MarkerSymbol, version) != IntPtr.Zero; }
        catch (EntryPointNotFoundException) { return LibDlVSym(handle, MarkerSymbol, version) != IntPtr.Zero; }
    }

    /// <summary>Writes (once) the patched copy of <paramref name="source"/> into the cache and returns its path.</summary>
    public static string PatchedCopy(string source, string? cacheRoot = null)
    {
        var bytes = File.ReadAllBytes(source);
        var hash = Convert.ToHexString(SHA256.HashData(bytes))[..16].ToLowerInvariant();
        var dir = Path.Combine(cacheRoot ?? CacheRoot(), "native", hash);
        var target = Path.Combine(dir, LibName);
        if (File.Exists(target) && new FileInfo(target).Length == bytes.Length) return target;

        ElfSymbolVersions.WeakenVersion(bytes, MarkerSymbol, MarkerVersion);
        Directory.CreateDirectory(dir);
        // Write to a temp name, then rename: a crash never leaves a half-written library behind.
        var temp = Path.Combine(dir, $".{LibName}.{Environment.ProcessId}.tmp");
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, target, overwrite: true);
        return target;
    }

    static string CacheRoot()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var root = !string.IsNullOrEmpty(xdg) ? xdg
            : !string.IsNullOrEmpty(home) ? Path.Combine(home, ".cache")
            : Path.GetTempPath();
        return Path.Combine(root, "gancourse");
    }

    static IEnumerable<string> CandidateDirectories(Assembly torchAssembly)
    {
        var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirs)
            foreach (var d in searchDirs.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                yield return d;
        var here = Path.GetDirectoryName(torchAssembly.Location);
        if (string.IsNullOrEmpty(here)) yield break;
        yield return here;
        yield return Path.Combine(here, "runtimes", rid, "native");
        // NuGet layout: <packages>/torchsharp/<v>/lib/net8.0/TorchSharp.dll, natives in ../../runtimes
        var packageHome = Path.GetFullPath(Path.Combine(here, "..", ".."));
        yield return Path.Combine(packageHome, "runtimes", rid, "native");
        var packages = Path.GetFullPath(Path.Combine(packageHome, "..", ".."));
        var libtorch = Path.Combine(packages, $"libtorch-cpu-{rid}");
        if (Directory.Exists(libtorch))
            foreach (var v in Directory.GetDirectories(libtorch).OrderDescending())
                yield return Path.Combine(v, "runtimes", rid, "native");
    }

    [DllImport("libc", EntryPoint = "dlvsym")]
    static extern IntPtr DlVSym(IntPtr handle, string symbol, string version);

    [DllImport("libdl.so.2", EntryPoint = "dlvsym")]
    static extern IntPtr LibDlVSym(IntPtr handle, string symbol, string version);
}
