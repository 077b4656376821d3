namespace GanCourse.Training;

/// <summary>One phase of progressive growing: a resolution either fading in (alpha 0 -> 1) or stable (alpha 1).</summary>
public sealed record ProGanPhase(int Index, int Resolution, bool FadeIn, long StartImage, long Images)
{
    public long EndImage => StartImage + Images;
    public string Name => FadeIn ? $"{Resolution}x{Resolution} fade-in" : $"{Resolution}x{Resolution}";
}

/// <summary>
/// The growth schedule in images shown to the discriminator, as in the paper (800k images per fade-in and per
/// stable phase there): 4x4 stable, then for every doubled resolution a fade-in where alpha rises linearly from
/// 0 to 1, then a stable phase.
/// </summary>
public sealed record ProGanSchedule(int MaxResolution, long FadeImages, long StableImages)
{
    public IReadOnlyList<ProGanPhase> Phases()
    {
        if (FadeImages < 1 || StableImages < 1)
            throw new ArgumentException($"FadeImages ({FadeImages}) and StableImages ({StableImages}) must be positive.");
        var list = new List<ProGanPhase> { new(0, 4, false, 0, StableImages) };
        for (var r = 8; r <= MaxResolution; r *= 2)
        {
            list.Add(new(list.Count, r, true, list[^1].EndImage, FadeImages));
            list.Add(new(list.Count, r, false, list[^1].EndImage, StableImages));
        }
        return list;
    }

    public long TotalImages => Phases()[^1].EndImage;

    /// <summary>Phase, resolution and alpha after <paramref name="images"/> images.</summary>
    public (ProGanPhase Phase, int Resolution, double Alpha) At(long images)
    {
        var phases = Phases();
        var p = phases.FirstOrDefault(q => images < q.EndImage) ?? phases[^1];
        var alpha = p.FadeIn ? Math.Clamp((images - p.StartImage) / (double)p.Images, 0, 1) : 1.0;
        return (p, p.Resolution, alpha);
    }
}
