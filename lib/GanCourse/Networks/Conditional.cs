using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// A discriminator that judges an image together with the class it should show (Mirza &amp; Osindero 2014:
/// D(x|y)), or that predicts the class itself (AC-GAN). <see cref="Training.GanModel.Conditional"/> lets <see cref="Training.AdversarialTrainer"/> train any of them.
/// </summary>
public interface IConditionalDiscriminator
{
    /// <summary>
    /// Scores (N, 1): the real/fake logit of each image for its label; ClassLogits (N, K): the auxiliary classifier's
    /// logits (AC-GAN), or null for a discriminator that takes the label as an input.
    /// </summary>
    (Tensor Scores, Tensor? ClassLogits) Judge(Tensor images, Tensor labels);
}

static class Check
{
    public static void Positive(int value, string name)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1");
    }

    /// <summary>The DCGAN models halve the size twice: 28 (MNIST) and 32 (padded) work, any multiple of 4 does.</summary>
    public static void ImageSize(int size)
    {
        if (size < 8 || size % 4 != 0)
            throw new ArgumentOutOfRangeException(nameof(size), size, "imageSize must be a multiple of 4 and at least 8 (28 for MNIST, 32 with pad32)");
    }

    public static void Labels(Tensor labels, long n, int classes)
    {
        if (labels.dim() != 1 || labels.shape[0] != n)
            throw new ArgumentException($"Expected one label per image, shape ({n}), got [{string.Join(", ", labels.shape)}].", nameof(labels));
        if (labels.dtype is not (ScalarType.Int64 or ScalarType.Int32))
            throw new ArgumentException($"Labels must be integer class ids (int64), got {labels.dtype}. Pass e.g. dataset.Labels or torch.randint(...).", nameof(labels));
    }
}

/// <summary>
/// The cGAN generator with fully connected layers (Mirza &amp; Osindero 2014; lecture 004, "cGAN"): the label y is
/// looked up in an <c>Embedding(classes, embedDim)</c> table and the vector is concatenated to the noise z:
/// [z, e(y)] -> Linear h -> LeakyReLU -> Linear 2h -> BatchNorm -> LeakyReLU -> Linear 4h -> BatchNorm -> LeakyReLU
/// -> Linear C·H·W -> tanh, reshaped to (N, C, H, W).
/// </summary>
public sealed class ConditionalMlpGenerator : Module<Tensor, Tensor, Tensor>
{
    readonly Embedding label_emb;
    readonly Sequential model;
    readonly int channels, imageSize;
    public int LatentDim { get; }
    public int Classes { get; }

    public ConditionalMlpGenerator(int latentDim = 100, int classes = 10, int embedDim = 10, int imageSize = 28, int channels = 1,
        int hidden = 256) : base(nameof(ConditionalMlpGenerator))
    {
        Check.Positive(latentDim, nameof(latentDim)); Check.Positive(classes, nameof(classes)); Check.Positive(embedDim, nameof(embedDim));
        Check.Positive(imageSize, nameof(imageSize)); Check.Positive(channels, nameof(channels)); Check.Positive(hidden, nameof(hidden));
        (LatentDim, Classes, this.imageSize, this.channels) = (latentDim, classes, imageSize, channels);
        label_emb = Embedding(classes, embedDim);
        model = Sequential(
            Linear(latentDim + embedDim, hidden), LeakyReLU(0.2),
            Linear(hidden, 2 * hidden), BatchNorm1d(2 * hidden), LeakyReLU(0.2),
            Linear(2 * hidden, 4 * hidden), BatchNorm1d(4 * hidden), LeakyReLU(0.2),
            Linear(4 * hidden, channels * imageSize * imageSize), Tanh());
        RegisterComponents();
    }

    public override Tensor forward(Tensor z, Tensor labels)
    {
        Check.Labels(labels, z.shape[0], Classes);
        using var _ = NewDisposeScope();
        var input = cat([z, label_emb.forward(labels)], 1);   // condition = embedding concatenated to the noise
        return model.forward(input).view(z.shape[0], channels, imageSize, imageSize).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The cGAN discriminator with fully connected layers: the flattened image and the label's embedding are
/// concatenated, [x, e(y)] -> Linear 4h -> LeakyReLU -> Dropout 0.3 -> Linear 2h -> LeakyReLU -> Dropout 0.3
/// -> Linear h -> LeakyReLU -> Linear 1: the logit of D(x|y).
/// </summary>
public sealed class ConditionalMlpDiscriminator : Module<Tensor, Tensor, Tensor>, IConditionalDiscriminator
{
    readonly Embedding label_emb;
    readonly Sequential model;
    public int Classes { get; }

    public ConditionalMlpDiscriminator(int classes = 10, int embedDim = 10, int imageSize = 28, int channels = 1, int hidden = 256)
        : base(nameof(ConditionalMlpDiscriminator))
    {
        Check.Positive(classes, nameof(classes)); Check.Positive(embedDim, nameof(embedDim));
        Check.Positive(imageSize, nameof(imageSize)); Check.Positive(channels, nameof(channels)); Check.Positive(hidden, nameof(hidden));
        Classes = classes;
        label_emb = Embedding(classes, embedDim);
        model = Sequential(
            Linear(channels * imageSize * imageSize + embedDim, 4 * hidden), LeakyReLU(0.2), Dropout(0.3),
            Linear(4 * hidden, 2 * hidden), LeakyReLU(0.2), Dropout(0.3),
            Linear(2 * hidden, hidden), LeakyReLU(0.2),
            Linear(hidden, 1));
        RegisterComponents();
    }

    /// <summary>The logit l(x, y); D(x|y) = σ(l).</summary>
    public override Tensor forward(Tensor images, Tensor labels)
    {
        Check.Labels(labels, images.shape[0], Classes);
        using var _ = NewDisposeScope();
        var input = cat([images.flatten(1), label_emb.forward(labels)], 1);
        return model.forward(input).MoveToOuterDisposeScope();
    }

    public (Tensor Scores, Tensor? ClassLogits) Judge(Tensor images, Tensor labels) => (forward(images, labels), null);
}

/// <summary>
/// The conditional DCGAN generator (cDCGAN): [z, e(y)] -> Linear -> 2b x s/4 x s/4 -> BatchNorm -> ReLU ->
/// ConvTranspose 4x4 stride 2 -> b x s/2 x s/2 -> BatchNorm -> ReLU -> ConvTranspose 4x4 stride 2 -> C x s x s -> tanh
/// (Radford et al.'s guidelines: fractionally-strided convolutions, BatchNorm, ReLU, tanh output).
/// With <c>classes: 0</c> it has no label input and is the unconditional generator of the semi-supervised GAN
/// (pass any labels, e.g. <see cref="NoLabels"/>).
/// </summary>
public sealed class ConditionalDcganGenerator : Module<Tensor, Tensor, Tensor>
{
    readonly Embedding? label_emb;
    readonly Sequential l1, conv_blocks;
    readonly int initSize, width;
    public int LatentDim { get; }
    public int Classes { get; }

    public ConditionalDcganGenerator(int latentDim = 100, int classes = 10, int embedDim = 10, int imageSize = 28, int channels = 1,
        int baseChannels = 32) : base(nameof(ConditionalDcganGenerator))
    {
        Check.Positive(latentDim, nameof(latentDim)); Check.Positive(channels, nameof(channels)); Check.Positive(baseChannels, nameof(baseChannels));
        Check.ImageSize(imageSize);
        if (classes < 0) throw new ArgumentOutOfRangeException(nameof(classes), classes, "classes must be >= 0 (0 = unconditional)");
        if (classes > 0) Check.Positive(embedDim, nameof(embedDim));
        (LatentDim, Classes, initSize, width) = (latentDim, classes, imageSize / 4, 2 * baseChannels);
        if (classes > 0) label_emb = Embedding(classes, embedDim);
        l1 = Sequential(Linear(latentDim + (classes > 0 ? embedDim : 0), width * initSize * initSize));
        conv_blocks = Sequential(
            BatchNorm2d(width), ReLU(),
            ConvTranspose2d(width, baseChannels, 4, stride: 2, padding: 1), BatchNorm2d(baseChannels), ReLU(),
            ConvTranspose2d(baseChannels, channels, 4, stride: 2, padding: 1), Tanh());
        RegisterComponents();
    }

    /// <summary>An empty label tensor for the unconditional generator (<c>classes: 0</c>).</summary>
    public static Tensor NoLabels => torch.empty(0, dtype: int64);

    public override Tensor forward(Tensor z, Tensor labels)
    {
        using var _ = NewDisposeScope();
        var input = z;
        if (label_emb is not null)
        {
            Check.Labels(labels, z.shape[0], Classes);
            input = cat([z, label_emb.forward(labels)], 1);
        }
        var x = l1.forward(input).view(z.shape[0], width, initSize, initSize);
        return conv_blocks.forward(x).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The DCGAN discriminator body shared by the image discriminators of this file: Conv 4x4 stride 2 -> LeakyReLU 0.2
/// -> [Dropout] -> Conv 4x4 stride 2 -> BatchNorm -> LeakyReLU 0.2 -> [Dropout] -> flatten: 2b·(s/4)² features.
/// </summary>
static class DcganTrunk
{
    public static Sequential Build(int inChannels, int baseChannels, double dropout)
    {
        var layers = new List<Module<Tensor, Tensor>> { Conv2d(inChannels, baseChannels, 4, stride: 2, padding: 1), LeakyReLU(0.2) };
        if (dropout > 0) layers.Add(Dropout(dropout));
        layers.AddRange([Conv2d(baseChannels, 2 * baseChannels, 4, stride: 2, padding: 1), BatchNorm2d(2 * baseChannels), LeakyReLU(0.2)]);
        if (dropout > 0) layers.Add(Dropout(dropout));
        layers.Add(Flatten());
        return Sequential(layers);
    }

    public static int Features(int baseChannels, int imageSize) => 2 * baseChannels * (imageSize / 4) * (imageSize / 4);
}

/// <summary>
/// The conditional DCGAN discriminator: the label is <b>projected as a channel</b> (lecture 000, tip 12: "add it as
/// a new channel of the image"): <c>Embedding(classes, s·s)</c> gives a learned s x s plane per class, stacked
/// onto the image, then the DCGAN trunk and Linear -> 1 logit of D(x|y).
/// </summary>
public sealed class ConditionalDcganDiscriminator : Module<Tensor, Tensor, Tensor>, IConditionalDiscriminator
{
    readonly Embedding label_emb;
    readonly Sequential model, adv_layer;
    readonly int imageSize;
    public int Classes { get; }

    public ConditionalDcganDiscriminator(int classes = 10, int imageSize = 28, int channels = 1, int baseChannels = 32)
        : base(nameof(ConditionalDcganDiscriminator))
    {
        Check.Positive(classes, nameof(classes)); Check.Positive(channels, nameof(channels)); Check.Positive(baseChannels, nameof(baseChannels));
        Check.ImageSize(imageSize);
        (Classes, this.imageSize) = (classes, imageSize);
        label_emb = Embedding(classes, imageSize * imageSize);
        model = DcganTrunk.Build(channels + 1, baseChannels, dropout: 0);
        adv_layer = Sequential(Linear(DcganTrunk.Features(baseChannels, imageSize), 1));
        RegisterComponents();
    }

    public override Tensor forward(Tensor images, Tensor labels)
    {
        Check.Labels(labels, images.shape[0], Classes);
        if (images.dim() != 4 || images.shape[2] != imageSize || images.shape[3] != imageSize)
            throw new ArgumentException($"Expected images (N, C, {imageSize}, {imageSize}), got [{string.Join(", ", images.shape)}].", nameof(images));
        using var _ = NewDisposeScope();
        var plane = label_emb.forward(labels).view(-1, 1, imageSize, imageSize);   // the label as an extra image channel
        return adv_layer.forward(model.forward(cat([images, plane], 1))).MoveToOuterDisposeScope();
    }

    public (Tensor Scores, Tensor? ClassLogits) Judge(Tensor images, Tensor labels) => (forward(images, labels), null);
}

/// <summary>
/// The AC-GAN discriminator (Odena, Olah &amp; Shlens 2017, "auxiliary classifier GAN"): it does <b>not</b> see the
/// label; one trunk, two heads: the real/fake logit (source S) and K class logits (the auxiliary classifier C).
/// forward returns (source logit (N, 1), class logits (N, K)).
/// </summary>
public sealed class AcganDiscriminator : Module<Tensor, (Tensor Source, Tensor Classes)>, IConditionalDiscriminator
{
    readonly Sequential model, adv_layer, aux_layer;
    public int Classes { get; }

    public AcganDiscriminator(int classes = 10, int imageSize = 28, int channels = 1, int baseChannels = 32, double dropout = 0.25)
        : base(nameof(AcganDiscriminator))
    {
        Check.Positive(classes, nameof(classes)); Check.Positive(channels, nameof(channels)); Check.Positive(baseChannels, nameof(baseChannels));
        Check.ImageSize(imageSize);
        Classes = classes;
        model = DcganTrunk.Build(channels, baseChannels, dropout);
        var f = DcganTrunk.Features(baseChannels, imageSize);
        adv_layer = Sequential(Linear(f, 1));
        aux_layer = Sequential(Linear(f, classes));
        RegisterComponents();
    }

    public override (Tensor Source, Tensor Classes) forward(Tensor images)
    {
        using var _ = NewDisposeScope();
        var h = model.forward(images);
        return (adv_layer.forward(h).MoveToOuterDisposeScope(), aux_layer.forward(h).MoveToOuterDisposeScope());
    }

    /// <summary>The label is not an input of an AC-GAN discriminator: it is what the auxiliary head must predict.</summary>
    public (Tensor Scores, Tensor? ClassLogits) Judge(Tensor images, Tensor labels)
    {
        var (s, c) = forward(images);
        return (s, c);
    }
}

/// <summary>
/// The semi-supervised GAN's discriminator (Odena 2016, SGAN; lecture 002): discriminator and classifier are one
/// network with K + 1 outputs, [p(y = 1|x), ..., p(y = K|x), p(x was generated|x)] as logits (N, K + 1); the
/// last column is "fake". The same network trained on labelled images alone is the plain CNN baseline.
/// </summary>
public sealed class SemiSupervisedDiscriminator : Module<Tensor, Tensor>
{
    readonly Sequential model, out_layer;
    public int Classes { get; }
    /// <summary>Index of the "generated" class: K.</summary>
    public int FakeClass => Classes;

    public SemiSupervisedDiscriminator(int classes = 10, int imageSize = 28, int channels = 1, int baseChannels = 32, double dropout = 0.25)
        : base(nameof(SemiSupervisedDiscriminator))
    {
        Check.Positive(classes, nameof(classes)); Check.Positive(channels, nameof(channels)); Check.Positive(baseChannels, nameof(baseChannels));
        Check.ImageSize(imageSize);
        Classes = classes;
        model = DcganTrunk.Build(channels, baseChannels, dropout);
        out_layer = Sequential(Linear(DcganTrunk.Features(baseChannels, imageSize), classes + 1));
        RegisterComponents();
    }

    /// <summary>Logits (N, K + 1); column K is "generated".</summary>
    public override Tensor forward(Tensor images)
    {
        using var _ = NewDisposeScope();
        return out_layer.forward(model.forward(images)).MoveToOuterDisposeScope();
    }

    /// <summary>The classifier's decision among the K real classes (the "generated" column ignored), in eval mode, without gradients.</summary>
    public Tensor Predict(Tensor images)
    {
        using var _ = NewDisposeScope();
        var wasTraining = training;
        eval();
        try
        {
            using (no_grad()) return forward(images)[.., ..Classes].argmax(1).MoveToOuterDisposeScope();
        }
        finally { if (wasTraining) train(); }
    }
}
