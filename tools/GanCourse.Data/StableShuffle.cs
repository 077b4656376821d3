namespace GanCourse.DataTool;

/// <summary>
/// A shuffle that gives the same order on every machine and .NET version (SplitMix64 + Fisher-Yates), for the
/// dataset splits that are written to disk. (<see cref="System.Random"/>'s sequence is not a documented contract.)
/// </summary>
public static class StableShuffle
{
    /// <summary>A permutation of 0..<paramref name="n"/>-1 determined by <paramref name="seed"/> only.</summary>
    public static int[] Permutation(int n, ulong seed)
    {
        var p = new int[n];
        for (var i = 0; i < n; i++) p[i] = i;
        var state = seed;
        for (var i = n - 1; i > 0; i--)
        {
            var j = (int)(Next(ref state) % (ulong)(i + 1));
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    /// <summary>A seed for a sub-stream (e.g. one class) derived from a base seed.</summary>
    public static ulong Derive(ulong seed, int stream)
    {
        var s = seed ^ (0x9E3779B97F4A7C15UL * (ulong)(stream + 1));
        return Next(ref s);
    }

    static ulong Next(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
