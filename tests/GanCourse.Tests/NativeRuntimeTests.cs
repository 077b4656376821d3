using GanCourse.Runtime;
using TorchSharp;

namespace GanCourse.Tests;

public class NativeRuntimeTests
{
    static string StockLibrary()
    {
        var dir = Path.GetDirectoryName(typeof(torch).Assembly.Location)!;
        return new[] { Path.Combine(dir, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"), Path.Combine(dir, "libLibTorchSharp.so") }
            .First(File.Exists);
    }

    [Fact]
    public void Patch_makes_the_GLIBCXX_3_4_32_requirement_weak_and_changes_nothing_else()
    {
        if (!OperatingSystem.IsLinux()) return;
        var original = File.ReadAllBytes(StockLibrary());
        var before = ElfSymbolVersions.RequiredVersions(original);
        Assert.Contains(before, v => v.Version == "GLIBCXX_3.4.32" && !v.Weak);

        var patched = (byte[])original.Clone();
        ElfSymbolVersions.WeakenVersion(patched, "_ZSt21ios_base_library_initv", "GLIBCXX_3.4.32");
        var after = ElfSymbolVersions.RequiredVersions(patched);

        Assert.Contains(after, v => v.Version == "GLIBCXX_3.4.32" && v.Weak);
        Assert.Equal(before.Where(v => v.Version != "GLIBCXX_3.4.32"), after.Where(v => v.Version != "GLIBCXX_3.4.32"));
        Assert.Equal(original.Length, patched.Length);
        var changed = Enumerable.Range(0, original.Length).Count(i => original[i] != patched[i]);
        Assert.InRange(changed, 2, 4); // one flag byte of .gnu.version_r, one or two bytes of .gnu.version
    }

    [Fact]
    public void Patch_rejects_a_truncated_or_foreign_file_with_a_clear_error()
    {
        var elf = File.ReadAllBytes(StockLibrary());
        var truncated = elf.AsSpan(0, elf.Length / 2).ToArray();
        var e1 = Assert.Throws<InvalidDataException>(() => ElfSymbolVersions.WeakenVersion(truncated, "x", "GLIBCXX_3.4.32"));
        Assert.Contains("truncated", e1.Message);
        var e2 = Assert.Throws<InvalidDataException>(() => ElfSymbolVersions.WeakenVersion("not an elf"u8.ToArray(), "x", "y"));
        Assert.Contains("not an ELF", e2.Message);
        var e3 = Assert.Throws<InvalidDataException>(() => ElfSymbolVersions.WeakenVersion((byte[])elf.Clone(), "x", "GLIBCXX_9.9"));
        Assert.Contains("GLIBCXX_9.9", e3.Message);
    }

    [Fact]
    public void Patched_copy_is_written_once_into_the_cache_and_never_into_the_package_folder()
    {
        if (!OperatingSystem.IsLinux()) return;
        var cache = Directory.CreateTempSubdirectory("gancourse-cache-").FullName;
        try
        {
            var source = StockLibrary();
            var stamp = File.GetLastWriteTimeUtc(source);
            var path = NativeRuntime.PatchedCopy(source, cache);
            Assert.StartsWith(cache, path);
            Assert.Contains(ElfSymbolVersions.RequiredVersions(File.ReadAllBytes(path)), v => v.Version == "GLIBCXX_3.4.32" && v.Weak);
            Assert.Equal(path, NativeRuntime.PatchedCopy(source, cache));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(source));
        }
        finally { Directory.Delete(cache, recursive: true); }
    }

    [Fact]
    public void Torch_runs_after_init_and_reports_how_it_was_loaded()
    {
        using var x = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var y = x.matmul(x.T);
        Assert.Equal(50f, y[1, 1].item<float>()); // [3,4,5]·[3,4,5]
        Assert.StartsWith("native:", NativeRuntime.Status);
        if (OperatingSystem.IsLinux() && !NativeRuntime.SystemHasVersion("GLIBCXX_3.4.32"))
            Assert.NotNull(NativeRuntime.PatchedLibrary);
    }
}
