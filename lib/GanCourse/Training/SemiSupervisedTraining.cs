using GanCourse.Networks;
using GanCourse.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GanCourse.Training;

/// <summary>Settings of a <see cref="SemiSupervisedTrainer"/>.</summary>
/// <param name="LatentDim">Size of z ~ N(0, I).</param>
/// <param name="BatchSize">Unlabelled real and generated images per step (m in the lecture's algorithm).</param>
/// <param name="LabelledBatch">Labelled images per step, drawn from the few labelled ones (all of them when there are fewer).</param>
public sealed record SemiSupervisedConfig(int LatentDim = 100, int BatchSize = 64, int LabelledBatch = 32)
{
    public double Lr { get; init; } = 2e-4;
    public double Beta1 { get; init; } = 0.5;
}

/// <summary>Losses of one SGAN step: supervised CE on labelled images, unsupervised (real vs generated) part, G.</summary>
public readonly record struct SemiSupervisedStep(long Step, float Supervised, float Unsupervised, float G)
{
    public IReadOnlyDictionary<string, float> Losses => new Dictionary<string, float>
        { ["D: labelled CE"] = Supervised, ["D: real/fake"] = Unsupervised, ["G"] = G };
}

/// <summary>
/// The semi-supervised GAN (Odena 2016, SGAN; lecture 002, Algorithm 1): one network D/C with K + 1 outputs is
/// trained by the NLL of its outputs on a mini-batch of real and generated images, the generated ones with target
/// class K + 1 ("generated"). Real images without labels are used as in Salimans et al. (2016): their target is
/// "one of the K real classes", −log(1 − p(K+1|x)); labelled ones target their class, −log p(y|x).
/// G is trained to make D call its images real: −log(1 − p(K+1|G(z))) (the non-saturating form).
/// With log p(K+1|x) = l_K − logsumexp(l) and log(1 − p(K+1|x)) = logsumexp(l_1..l_K) − logsumexp(l), all terms
/// are evaluated from logits, without log(0).
/// </summary>
public sealed class SemiSupervisedTrainer : IDisposable
{
    readonly Tensor labelledImages, labelledLabels;
    readonly Func<Tensor> unlabelledBatch;
    readonly optim.Optimizer optG, optD;
    readonly Device device;

    public nn.Module<Tensor, Tensor, Tensor> Generator { get; }
    public SemiSupervisedDiscriminator Discriminator { get; }
    public SemiSupervisedConfig Config { get; }
    public long Step { get; private set; }
    public Action<SemiSupervisedStep>? OnStep { get; set; }

    /// <param name="generator">An unconditional generator G(z) (e.g. <c>new ConditionalDcganGenerator(classes: 0)</c>; its labels are ignored).</param>
    /// <param name="labelledImages">The few labelled images (L, C, H, W).</param>
    /// <param name="labelledLabels">Their labels (L).</param>
    /// <param name="unlabelledBatch">Returns the next batch of real images whose labels are not used.</param>
    public SemiSupervisedTrainer(nn.Module<Tensor, Tensor, Tensor> generator, SemiSupervisedDiscriminator discriminator,
        Tensor labelledImages, Tensor labelledLabels, Func<Tensor> unlabelledBatch, SemiSupervisedConfig? config = null, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(discriminator);
        this.unlabelledBatch = unlabelledBatch ?? throw new ArgumentNullException(nameof(unlabelledBatch));
        Config = config ?? new SemiSupervisedConfig();
        if (Config.BatchSize < 1 || Config.LabelledBatch < 1 || Config.LatentDim < 1)
            throw new ArgumentOutOfRangeException(nameof(config), Config, "LatentDim, BatchSize and LabelledBatch must be at least 1");
        SupervisedClassifier.CheckLabelled(labelledImages, labelledLabels, discriminator.Classes);
        this.device = device ?? Course.Device;
        Generator = generator.to(this.device);
        Discriminator = discriminator.to(this.device);
        this.labelledImages = labelledImages.to(this.device).DetachFromDisposeScope();
        this.labelledLabels = labelledLabels.to(this.device).DetachFromDisposeScope();
        optG = optim.Adam(Generator.parameters(), Config.Lr, Config.Beta1, 0.999);
        optD = optim.Adam(Discriminator.parameters(), Config.Lr, Config.Beta1, 0.999);
    }

    static Tensor NoLabels(Device d) => empty(0, dtype: int64, device: d);

    /// <summary>log p(generated | x) and log(1 − p(generated | x)) from the K + 1 logits.</summary>
    static (Tensor LogFake, Tensor LogReal) Split(Tensor logits, int k)
    {
        var all = logits.logsumexp(1);
        return (logits[.., k] - all, logits[.., ..k].logsumexp(1) - all);
    }

    public SemiSupervisedStep TrainStep()
    {
        using var scope = NewDisposeScope();
        Generator.train();
        Discriminator.train();
        var k = Discriminator.Classes;
        var m = Config.BatchSize;

        // D/C: NLL on labelled (class y), unlabelled real (any real class) and generated (class K+1) images.
        var l = labelledImages.shape[0];
        var pick = randperm(l, device: device)[..(int)Math.Min(l, Config.LabelledBatch)];
        var xl = labelledImages.index_select(0, pick);
        var yl = labelledLabels.index_select(0, pick);
        var xu = unlabelledBatch().to(device);
        Tensor fake;
        using (no_grad()) fake = Generator.forward(randn(m, Config.LatentDim, device: device), NoLabels(device));
        optD.zero_grad();
        var supervised = F.cross_entropy(Discriminator.forward(xl), yl);
        var (_, logRealU) = Split(Discriminator.forward(xu), k);
        var (logFakeG, _) = Split(Discriminator.forward(fake), k);
        var unsupervised = -logRealU.mean() - logFakeG.mean();
        var dLoss = supervised + unsupervised;
        NonFiniteGuard.Loss(dLoss, "D loss", Step);
        dLoss.backward();
        optD.step();

        // G: make D put its images in one of the K real classes.
        optG.zero_grad();
        var (_, logRealG) = Split(Discriminator.forward(Generator.forward(randn(m, Config.LatentDim, device: device), NoLabels(device))), k);
        var gLoss = -logRealG.mean();
        NonFiniteGuard.Loss(gLoss, "G loss", Step);
        gLoss.backward();
        optG.step();

        var s = new SemiSupervisedStep(Step, supervised.item<float>(), unsupervised.item<float>(), gLoss.item<float>());
        Step++;
        return s;
    }

    public void Train(long steps)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be >= 0");
        for (long i = 0; i < steps; i++)
        {
            var s = TrainStep();   // not inside OnStep?.Invoke(...): a null OnStep would skip the step
            OnStep?.Invoke(s);
        }
    }

    public void Dispose()
    {
        optG.Dispose();
        optD.Dispose();
        labelledImages.Dispose();
        labelledLabels.Dispose();
    }
}

/// <summary>The supervised baseline of lecture 002's SGAN table: the same network trained on the labelled images alone.</summary>
public static class SupervisedClassifier
{
    /// <summary>
    /// Trains <paramref name="model"/> by cross-entropy on the labelled images for <paramref name="steps"/> steps of
    /// <paramref name="batchSize"/> images drawn without replacement (all of them when there are fewer), Adam.
    /// Returns the loss of each step.
    /// </summary>
    public static List<float> Train(SemiSupervisedDiscriminator model, Tensor images, Tensor labels, int steps, int batchSize = 32,
        double lr = 2e-4, double beta1 = 0.5, Device? device = null)
    {
        CheckLabelled(images, labels, model.Classes);
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be >= 0");
        var dev = device ?? Course.Device;
        model.to(dev);
        model.train();
        using var opt = optim.Adam(model.parameters(), lr, beta1, 0.999);
        using var x = images.to(dev);
        using var y = labels.to(dev);
        var losses = new List<float>(steps);
        for (var i = 0; i < steps; i++)
        {
            using var _ = NewDisposeScope();
            var pick = randperm(x.shape[0], device: dev)[..(int)Math.Min(x.shape[0], batchSize)];
            opt.zero_grad();
            var loss = F.cross_entropy(model.forward(x.index_select(0, pick)), y.index_select(0, pick));
            losses.Add(NonFiniteGuard.Loss(loss, "classifier loss", i));
            loss.backward();
            opt.step();
        }
        return losses;
    }

    /// <summary>Share of <paramref name="images"/> whose predicted class (among the K real ones) equals the label, in batches.</summary>
    public static double Accuracy(SemiSupervisedDiscriminator model, Tensor images, Tensor labels, int batchSize = 1000, Device? device = null)
    {
        var dev = device ?? Course.Device;
        long correct = 0;
        for (long s = 0; s < images.shape[0]; s += batchSize)
        {
            using var _ = NewDisposeScope();
            var e = Math.Min(images.shape[0], s + batchSize);
            var p = model.Predict(images.narrow(0, s, e - s).to(dev)).cpu();
            correct += p.eq(labels.narrow(0, s, e - s).cpu()).sum().item<long>();
        }
        return correct / (double)images.shape[0];
    }

    internal static void CheckLabelled(Tensor images, Tensor labels, int classes)
    {
        if (images.dim() != 4) throw new ArgumentException($"Expected labelled images (L, C, H, W), got [{string.Join(", ", images.shape)}].", nameof(images));
        if (labels.dim() != 1 || labels.shape[0] != images.shape[0])
            throw new ArgumentException($"{images.shape[0]} labelled images but labels of shape [{string.Join(", ", labels.shape)}].", nameof(labels));
        if (images.shape[0] == 0) throw new ArgumentException("No labelled images: pass at least one per class.", nameof(images));
        var max = labels.max().item<long>();
        var min = labels.min().item<long>();
        if (min < 0 || max >= classes) throw new ArgumentException($"Labels must be in 0..{classes - 1}, got {min}..{max}.", nameof(labels));
    }
}
