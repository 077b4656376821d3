using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Data;

/// <summary>
/// The image-to-image tasks of notebook 09, built deterministically from the shipped Fashion-MNIST (no download):
/// <see cref="EdgesToGarments"/>, paired like pix2pix's edges2shoes (input: the Sobel edge map of a garment, target:
/// the garment), and <see cref="Domains"/>, unpaired like CycleGAN's horse ↔ zebra (object transfiguration between
/// two classes, e.g. sneakers ↔ ankle boots). Images are padded to 32x32 in [-1, 1].
/// </summary>
public static class TranslationData
{
    public const int Sneaker = 7;
    public const int AnkleBoot = 9;

    /// <summary>(edge maps, garments) of a Fashion-MNIST split: the pix2pix task. Same split and subset, same pairs.</summary>
    public static (Tensor Edges, Tensor Garments) EdgesToGarments(string split, int? subset = null, double threshold = 0.25)
    {
        using var data = ImageDataset.FashionMnist(split, subset: subset, pad32: true);
        var garments = data.Images.clone();
        return (EdgeMaps.Sobel(garments, threshold), garments);
    }

    /// <summary>The images of two classes of a Fashion-MNIST split (the two domains of CycleGAN), at most <paramref name="perDomain"/> each.</summary>
    public static (Tensor X, Tensor Y) Domains(string split, int classX = Sneaker, int classY = AnkleBoot, int? perDomain = null)
    {
        if (classX == classY) throw new ArgumentException($"The two domains need two different classes, got {classX} twice.");
        foreach (var c in new[] { classX, classY })
            if (c is < 0 or > 9) throw new ArgumentOutOfRangeException(nameof(classX), c, "Fashion-MNIST classes are 0..9 (7 = sneaker, 9 = ankle boot)");
        using var data = ImageDataset.FashionMnist(split, pad32: true);
        return (Of(data, classX, perDomain), Of(data, classY, perDomain));
    }

    static Tensor Of(ImageDataset data, int cls, int? limit)
    {
        using var idx = data.Labels.eq(cls).nonzero().flatten();
        var n = limit is { } l ? Math.Min(l, idx.shape[0]) : idx.shape[0];
        if (n == 0) throw new InvalidDataException($"{data.Name} {data.Split} has no image of class {cls} ({data.ClassNames[cls]}).");
        using var keep = idx[..(int)n];
        return data.Images.index_select(0, keep);
    }
}
