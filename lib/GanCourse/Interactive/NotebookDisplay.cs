using System.Reflection;

namespace GanCourse.Interactive;

/// <summary>
/// Displays values in the running notebook kernel and updates them in place, without a compile-time dependency on
/// .NET Interactive: it finds <c>Microsoft.DotNet.Interactive.Kernel.display</c> by reflection. Outside a kernel
/// (tests, console programs) <see cref="Show"/> returns null and callers fall back to text.
/// </summary>
public static class NotebookDisplay
{
    static readonly Lazy<MethodInfo?> DisplayMethod = new(() =>
    {
        var kernel = AppDomain.CurrentDomain.GetAssemblies()
            .FirstOrDefault(a => a.GetName().Name == "Microsoft.DotNet.Interactive")
            ?.GetType("Microsoft.DotNet.Interactive.Kernel");
        return kernel?.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .FirstOrDefault(m => m.Name == "display" && m.GetParameters() is [{ ParameterType: var p0 }, { ParameterType: var p1 }]
                                 && p0 == typeof(object) && p1 == typeof(string[]));
    });

    /// <summary>True inside a .NET Interactive kernel (VS Code or the headless runner).</summary>
    public static bool InKernel => DisplayMethod.Value is not null;

    /// <summary>
    /// True in headless runs (the course runner and the Jupyter front-end test set GANCOURSE_HEADLESS=1): the executed
    /// notebook is a record, so live views show only their final state there and report progress through
    /// <see cref="RunProgress"/> instead of redrawing.
    /// </summary>
    public static bool Headless => Environment.GetEnvironmentVariable("GANCOURSE_HEADLESS") == "1";

    /// <summary>Displays <paramref name="value"/> and returns a handle to update it, or null outside a kernel.</summary>
    public static DisplayHandle? Show(object value, string mimeType = "text/html")
    {
        var m = DisplayMethod.Value;
        if (m is null) return null;
        var handle = m.Invoke(null, [value, new[] { mimeType }]);
        return handle is null ? null : new DisplayHandle(handle, mimeType);
    }
}

/// <summary>An output of the current cell that can be replaced in place.</summary>
public sealed class DisplayHandle(object displayedValue, string mimeType)
{
    readonly MethodInfo? update = displayedValue.GetType().GetMethod("Update", [typeof(object)]);

    public string MimeType { get; } = mimeType;

    public void Update(object value) => update?.Invoke(displayedValue, [value]);
}
