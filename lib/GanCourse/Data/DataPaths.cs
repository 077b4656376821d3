namespace GanCourse.Data;

/// <summary>
/// Where the datasets are: <c>GANCOURSE_DATA</c> when set, else the repository's <c>data/</c> folder found from
/// GanCourse.dll's location (lib/bin/../../data) or, failing that, from the current folder upwards.
/// A dataset's full version (fetched into data/full/&lt;name&gt;) is preferred over the shipped subset (data/&lt;name&gt;).
/// </summary>
public static class DataPaths
{
    public const string EnvVar = "GANCOURSE_DATA";
    public const string FullFolder = "full";

    /// <summary>The data folder; an error that says where it looked when there is none.</summary>
    public static string Root()
    {
        var env = Environment.GetEnvironmentVariable(EnvVar);
        if (!string.IsNullOrWhiteSpace(env))
        {
            var full = Path.GetFullPath(env);
            return Directory.Exists(full) ? full
                : throw new DirectoryNotFoundException($"{EnvVar}={env} but {full} does not exist. Point it at the course's data folder or unset it.");
        }
        var looked = new List<string>();
        foreach (var start in StartFolders())
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "data");
                looked.Add(candidate);
                if (DatasetCatalog.All.Any(d => Directory.Exists(Path.Combine(candidate, d.Name))))
                    return candidate;
            }
        }
        throw new DirectoryNotFoundException(
            $"The course's data folder was not found (looked for data/{DatasetCatalog.All[0].Name} above {string.Join(" and ", StartFolders())}). " +
            $"Set {EnvVar} to the repository's data folder.");
    }

    /// <summary>The folder a dataset is read from: data/full/&lt;name&gt; when complete and <paramref name="preferFull"/>, else data/&lt;name&gt;.</summary>
    public static string DatasetFolder(string name, bool preferFull = true)
    {
        var info = DatasetCatalog.Get(name);
        var root = Root();
        var full = Path.Combine(root, FullFolder, info.Name);
        if (preferFull && DatasetFiles.IsComplete(full)) return full;
        var shipped = Path.Combine(root, info.Name);
        return DatasetFiles.IsComplete(shipped) ? shipped
            : throw new FileNotFoundException($"{info.DisplayName} files not found in {shipped} (expected {string.Join(", ", DatasetFiles.All)}). " +
                $"Restore the repository's data folder or fetch the set: dotnet run --project tools/GanCourse.Data -- fetch {info.Name}");
    }

    /// <summary>The default destination of fetched full sets: data/full.</summary>
    public static string FullRoot() => Path.Combine(Root(), FullFolder);

    static IEnumerable<string> StartFolders()
    {
        var asm = typeof(DataPaths).Assembly.Location;
        if (!string.IsNullOrEmpty(asm)) yield return Path.GetDirectoryName(asm)!;
        yield return Directory.GetCurrentDirectory();
    }
}
