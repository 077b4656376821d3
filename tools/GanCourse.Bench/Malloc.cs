namespace GanCourse.Bench;

/// <summary>glibc malloc settings for an experiment: GANCOURSE_BENCH_MALLOC=heap.</summary>
public static class Malloc
{
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mallopt")]
    static extern int mallopt(int param, int value);
    const int M_TRIM_THRESHOLD = -1, M_MMAP_MAX = -4;
    public static void KeepInHeap()
    {
        if (mallopt(M_MMAP_MAX, 0) != 1 || mallopt(M_TRIM_THRESHOLD, 1 << 30) != 1) throw new InvalidOperationException("mallopt failed");
        Console.WriteLine("malloc: no mmap for large blocks, no trimming (GANCOURSE_BENCH_MALLOC=heap)");
    }
}

