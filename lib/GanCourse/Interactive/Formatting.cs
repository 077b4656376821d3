using System.Runtime.CompilerServices;
using System.Runtime.Loader;

// .NET Interactive finds formatters by convention: a [TypeFormatterSource] attribute, matched by name, whose
// source type has CreateTypeFormatters() returning objects with MimeType and Format(object, TextWriter).
// Declaring it here keeps the library free of a compile-time dependency on the (deprecated) kernel packages,
// the same way TorchSharp and Plotly.NET ship their notebook formatters.
namespace Microsoft.DotNet.Interactive.Formatting
{
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface, AllowMultiple = true, Inherited = true)]
    internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
    {
        public Type FormatterSourceType { get; } = formatterSourceType;
        public string[]? PreferredMimeTypes { get; set; }
    }
}

namespace GanCourse.Interactive
{
    /// <summary>Anything the course displays inline in a notebook as HTML (image grids, charts, tables).</summary>
    public interface IHtmlView
    {
        string ToHtml();
    }

    internal sealed class HtmlFormatter(string mimeType, Func<IHtmlView, string> render)
    {
        public string MimeType { get; } = mimeType;

        public bool Format(object instance, TextWriter writer)
        {
            if (instance is not IHtmlView view) return false;
            writer.Write(render(view));
            return true;
        }
    }

    /// <summary>The formatter source the kernel instantiates for every <see cref="IHtmlView"/> type.</summary>
    public sealed class HtmlFormatterSource
    {
        public IEnumerable<object> CreateTypeFormatters()
        {
            yield return new HtmlFormatter("text/html", v => v.ToHtml());
            yield return new HtmlFormatter("text/plain", v => v.ToString() ?? v.GetType().Name);
        }
    }

    /// <summary>
    /// Notebook kernels (dotnet-interactive 1.0.712001, Polyglot Notebooks) load their own FSharp.Core (10.0) before this
    /// library; Plotly.NET 6 asks for 10.1. Point such requests at the copy already loaded (the API Plotly.NET uses
    /// is unchanged between them); outside a kernel nothing is loaded yet and normal resolution applies.
    /// </summary>
    internal static class FSharpCoreRedirect
    {
#pragma warning disable CA2255 // module initializer in a library: it must run before Plotly.NET's first use
        [ModuleInitializer]
        internal static void Install() => AssemblyLoadContext.Default.Resolving += (_, name) =>
            name.Name == "FSharp.Core"
                ? AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "FSharp.Core")
                : null;
#pragma warning restore CA2255
    }
}
