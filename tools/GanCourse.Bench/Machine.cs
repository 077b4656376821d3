using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using GanCourse.Runtime;
using TorchSharp;

namespace GanCourse.Bench;

public static class Machine
{
    /// <summary>What the figures depend on: CPU, cores, OS, versions, the kit's CPU settings and the load when measured.</summary>
    public static JsonObject Describe(CourseSettings settings, string note) => new()
    {
        ["cpu"] = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':')[1].Trim() : RuntimeInformation.ProcessArchitecture.ToString(),
        ["cores"] = Environment.ProcessorCount,
        ["memory_gb"] = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1e9, 1),
        ["os"] = RuntimeInformation.OSDescription,
        ["dotnet"] = Environment.Version.ToString(),
        ["torchsharp"] = typeof(torch).Assembly.GetName().Version?.ToString(3),
        ["libtorch"] = torch.__version__,
        ["kit_default"] = settings.ToString(),
        ["kit_default_threads"] = settings.Threads,
        ["load_avg"] = File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null,
        ["note"] = note,
    };
}
