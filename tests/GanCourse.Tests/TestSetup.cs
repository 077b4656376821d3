using System.Runtime.CompilerServices;
using GanCourse.Runtime;

namespace GanCourse.Tests;

static class TestSetup
{
    /// <summary>Every test runs with the kit's defaults, exactly as a notebook after Course.Init().</summary>
    [ModuleInitializer]
    internal static void Init() => Course.Init(profile: "ci", quiet: true);
}
