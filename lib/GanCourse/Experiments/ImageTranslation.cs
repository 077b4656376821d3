using GanCourse.Data;
using GanCourse.Metrics;
using GanCourse.Networks;
using GanCourse.Training;
using GanCourse.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Experiments;

/// <summary>pix2pix on held-out pairs: mean absolute pixel error (on [0, 1] pixels) to the true garment, and FD/KID of the outputs.</summary>
public sealed record Pix2PixReport(string Run, double L1, QualityReport Quality);

/// <summary>
/// CycleGAN on held-out images of both domains: the share of G(x) the classifier reads as Y's class (and of F(y) as
/// X's), FD of the translations to the real images of the target domain (classifier features), and the cycle
/// reconstruction error E|F(G(x)) − x| (on [0, 1] pixels) and E|G(F(y)) − y|.
/// </summary>
public sealed record CycleGanReport(string Run, double ShareXToY, double ShareYToX, double FDToY, double FDToX, double CycleErrorX,
    double CycleErrorY, double FDFloorY);

/// <summary>
/// Builds, measures and saves the image-to-image GANs of notebook 09 with the one training loop
/// (<see cref="AdversarialTrainer"/>): pix2pix is <see cref="GanModel.Paired"/> with <see cref="L1Reconstruction"/>,
/// CycleGAN is a pair of generators and a pair of discriminators with <see cref="CycleConsistency"/> and the
/// <see cref="ImagePool"/>.
/// </summary>
public static class ImageTranslation
{
    public const string Pix2PixKind = "pix2pix";
    public const string CycleGanKind = "cyclegan";

    public static UNetGenerator Pix2PixGenerator(Pix2PixSetup s) =>
        new(imgSize: 32, baseChannels: s.GeneratorChannels, maxChannels: s.GeneratorMaxChannels, skips: s.Skips);

    /// <summary>A pix2pix trainer from <see cref="Course.Seed"/>(<paramref name="seed"/>) on the paired <paramref name="data"/>.</summary>
    public static AdversarialTrainer Pix2Pix(Pix2PixSetup s, PairedImageSampler data, int seed, Device? device = null)
    {
        s.Validate();
        if (!data.Paired) throw new ArgumentException("pix2pix needs paired data (PairedImageSampler with paired: true).", nameof(data));
        var dev = device ?? Course.Device;
        Course.Seed(seed);
        var g = Pix2PixGenerator(s);
        var d = new PatchGanDiscriminator(channels: 2, layers: s.PatchLayers, baseChannels: s.DiscriminatorChannels);
        g.apply(Init.DcganNormal);                 // pix2pix initialises from N(0, 0.02), as DCGAN
        d.apply(Init.DcganNormal);
        var loss = new NonSaturatingGanLoss();      // eq. 1, G maximising log D(x, G(x))
        var config = new AdversarialConfig(1, s.Batch)
        {
            Sampler = data,
            GeneratorPenalties = s.Lambda > 0 ? [new L1Reconstruction(s.Lambda)] : [],
        };
        return new AdversarialTrainer(GanModel.Paired(g, d), s.Adversarial ? loss : new ScaledGeneratorLoss(loss, 0),
            () => data.RealBatch(s.Batch, dev), config, p => optim.Adam(p, s.LearningRate, 0.5, 0.999), p => optim.Adam(p, s.LearningRate, 0.5, 0.999), dev);
    }

    /// <summary>G(x) for a batch of inputs, in eval mode (BatchNorm's running statistics) with or without dropout noise.</summary>
    public static Tensor Translate(nn.Module<Tensor, Tensor> generator, Tensor inputs, bool dropout = false)
    {
        var wasTraining = generator.training;
        var unet = generator as UNetGenerator;
        var keep = unet?.DropoutAtTest ?? false;
        generator.eval();
        if (unet is not null) unet.DropoutAtTest = dropout;
        try
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var device = generator.parameters().First().device;
            var parts = new List<Tensor>();
            for (long i = 0; i < inputs.shape[0]; i += 256)
                parts.Add(generator.forward(inputs.narrow(0, i, Math.Min(256, inputs.shape[0] - i)).to(device)).cpu());
            return cat(parts, 0).MoveToOuterDisposeScope();
        }
        finally
        {
            if (unet is not null) unet.DropoutAtTest = keep;
            generator.train(wasTraining);
        }
    }

    /// <summary>Measures a pix2pix generator on held-out (edges, garments) pairs.</summary>
    public static Pix2PixReport Evaluate(string run, nn.Module<Tensor, Tensor> generator, Tensor edges, Tensor garments)
    {
        ImageQuality.ReferenceFor("fashion-mnist");    // built (and cached) outside the scope below, which would dispose it
        using var scope = NewDisposeScope();
        var outputs = Translate(generator, edges);
        var l1 = (outputs - garments).abs().mean().item<float>() / 2.0;     // [-1, 1] -> [0, 1] pixels
        return new Pix2PixReport(run, l1, ImageQuality.Evaluate("fashion-mnist", outputs, run));
    }

    /// <summary>The CycleGAN trainer (G: X -> Y, F: Y -> X, D_X, D_Y) from <see cref="Course.Seed"/>(<paramref name="seed"/>) on unpaired <paramref name="data"/>.</summary>
    public static (AdversarialTrainer Trainer, CycleGanGenerators Generators) CycleGan(CycleGanSetup s, PairedImageSampler data, int seed, Device? device = null)
    {
        s.Validate();
        if (data.Paired) throw new ArgumentException("CycleGAN learns from unpaired domains (PairedImageSampler with paired: false).", nameof(data));
        var dev = device ?? Course.Device;
        Course.Seed(seed);
        var gens = CycleGanGenerators(s);
        var discs = new CycleGanDiscriminators(
            new PatchGanDiscriminator(channels: 1, layers: s.PatchLayers, baseChannels: s.DiscriminatorChannels),
            new PatchGanDiscriminator(channels: 1, layers: s.PatchLayers, baseChannels: s.DiscriminatorChannels));
        gens.apply(Init.DcganNormal);
        discs.apply(Init.DcganNormal);
        var cycles = s.Lambda > 0 && (s.ForwardCycle || s.BackwardCycle || s.IdentityWeight > 0)
            ? new IGeneratorPenalty[] { new CycleConsistency(gens, s.Lambda, s.IdentityWeight, s.ForwardCycle, s.BackwardCycle) } : [];
        var config = new AdversarialConfig(1, s.Batch)
        {
            Sampler = data,
            FakeReplay = s.Pool > 0 ? new ImagePool(s.Pool) : null,      // section 4: D sees a history of 50 fakes
            GeneratorPenalties = cycles,
        };
        var loss = new LsganLoss();                                      // section 4: least squares, as LSGAN
        var trainer = new AdversarialTrainer(GanModel.Unconditional(gens, discs), s.Adversarial ? loss : new ScaledGeneratorLoss(loss, 0),
            () => data.RealBatch(s.Batch, dev), config, p => optim.Adam(p, s.LearningRate, 0.5, 0.999), p => optim.Adam(p, s.LearningRate, 0.5, 0.999), dev);
        return (trainer, gens);
    }

    /// <summary>CycleGAN's two U-Net generators (no dropout: the paper's CycleGAN is deterministic).</summary>
    public static CycleGanGenerators CycleGanGenerators(CycleGanSetup s) => new(
        new UNetGenerator(imgSize: 32, baseChannels: s.GeneratorChannels, maxChannels: s.GeneratorMaxChannels, dropout: 0),
        new UNetGenerator(imgSize: 32, baseChannels: s.GeneratorChannels, maxChannels: s.GeneratorMaxChannels, dropout: 0));

    /// <summary>Measures CycleGAN's two mappings on held-out images of class <paramref name="classX"/> (x) and <paramref name="classY"/> (y).</summary>
    public static CycleGanReport Evaluate(string run, CycleGanGenerators gens, Tensor x, Tensor y, int classX = TranslationData.Sneaker, int classY = TranslationData.AnkleBoot)
    {
        var clf = ImageQuality.ReferenceFor("fashion-mnist").Classifier;   // cached outside the scope below, which would dispose it
        using var scope = NewDisposeScope();
        var gx = Translate(gens.G, x);
        var fy = Translate(gens.F, y);
        var xCycle = Translate(gens.F, gx);
        var yCycle = Translate(gens.G, fy);
        double Share(Tensor images, int cls) => clf.Predict(images).eq(cls).to(float64).mean().item<double>();
        double Fd(Tensor a, Tensor b) => FrechetDistance.Between(clf.Features(a), clf.Features(b));
        // the floor: two disjoint halves of the target domain's real images
        var half = (int)(y.shape[0] / 2);
        var floor = Fd(y[..half], y[half..]);
        return new CycleGanReport(run, Share(gx, classY), Share(fy, classX), Fd(gx, y), Fd(fy, x),
            (xCycle - x).abs().mean().item<float>() / 2.0, (yCycle - y).abs().mean().item<float>() / 2.0, floor);
    }

    /// <summary>Saves a pix2pix generator with its setup and notes (training command, steps, time).</summary>
    public static string SavePix2Pix(string path, Pix2PixSetup setup, UNetGenerator g, IReadOnlyDictionary<string, string>? notes = null) =>
        ModelCheckpoint.Save(path, Pix2PixKind, setup, new Dictionary<string, nn.Module> { ["G"] = g }, notes);

    /// <summary>Loads a shipped pix2pix generator (e.g. data/translation/pix2pix-edges2garments.bin) on <see cref="Course.Device"/>.</summary>
    public static (UNetGenerator Generator, Pix2PixSetup Setup) LoadPix2Pix(string path)
    {
        var setup = ModelCheckpoint.ReadConfig<Pix2PixSetup>(path, Pix2PixKind);
        var g = Pix2PixGenerator(setup);
        ModelCheckpoint.Load(path, Pix2PixKind, setup, new Dictionary<string, nn.Module> { ["G"] = g });
        return ((UNetGenerator)g.to(Course.Device), setup);
    }

    public static string SaveCycleGan(string path, CycleGanSetup setup, CycleGanGenerators gens, IReadOnlyDictionary<string, string>? notes = null) =>
        ModelCheckpoint.Save(path, CycleGanKind, setup, new Dictionary<string, nn.Module> { ["G"] = gens.G, ["F"] = gens.F }, notes);

    public static (CycleGanGenerators Generators, CycleGanSetup Setup) LoadCycleGan(string path)
    {
        var setup = ModelCheckpoint.ReadConfig<CycleGanSetup>(path, CycleGanKind);
        var gens = CycleGanGenerators(setup);
        ModelCheckpoint.Load(path, CycleGanKind, setup, new Dictionary<string, nn.Module> { ["G"] = gens.G, ["F"] = gens.F });
        gens.to(Course.Device);
        return (gens, setup);
    }
}
