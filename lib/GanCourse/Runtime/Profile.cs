namespace GanCourse.Runtime;

/// <summary>
/// How much work a notebook does. <c>ci</c>: a smoke run of every cell in seconds (still drawing every chart
/// and grid); <c>cpu</c>: meaningful results on a laptop CPU in minutes; <c>gpu</c>: the lectures' full settings.
/// </summary>
public enum Profile { Ci, Cpu, Gpu }

public static class Profiles
{
    public static readonly IReadOnlyList<string> Names = ["ci", "cpu", "gpu"];

    /// <summary>Parses a profile name (case-insensitive); an unknown name is an error that lists the valid ones.</summary>
    public static Profile Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "ci" => Profile.Ci,
        "cpu" => Profile.Cpu,
        "gpu" => Profile.Gpu,
        _ => throw new ArgumentException(
            $"Unknown profile '{name}'. Valid profiles: {string.Join(", ", Names)} " +
            "(set GANCOURSE_PROFILE or pass --profile).", nameof(name)),
    };

    public static string Name(this Profile p) => Names[(int)p];

    /// <summary>Picks the value for the profile: <c>Course.Profile.Pick(ci: 50, cpu: 2_000, gpu: 10_000)</c>.</summary>
    public static T Pick<T>(this Profile p, T ci, T cpu, T gpu) => p switch
    {
        Profile.Ci => ci,
        Profile.Cpu => cpu,
        _ => gpu,
    };
}
