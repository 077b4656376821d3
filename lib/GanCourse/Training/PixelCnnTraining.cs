using GanCourse.Data;
using GanCourse.Networks;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>Settings of a PixelCNN run (Adam; the paper trains with RMSProp, Adam is the common choice today).</summary>
/// <param name="Seed">Fixes the batch order.</param>
public sealed record PixelCnnTrainingConfig(int Epochs = 10, int BatchSize = 64, double Lr = 1e-3, long? MaxSteps = null, int Seed = 0);

/// <summary>
/// Trains a <see cref="PixelCnn"/> by maximum likelihood: it minimises the exact −log p(x) of binary images (use
/// <see cref="ImageDataset.Binarize"/>) in the course's <see cref="SupervisedLoop"/>; the loss is logged in nats per image.
/// </summary>
public static class PixelCnnTraining
{
    /// <returns>Per step: "NLL (nats/image)" and "loss".</returns>
    public static LossHistory Train(PixelCnn model, ImageDataset data, PixelCnnTrainingConfig? config = null,
        Action<long, IReadOnlyDictionary<string, float>, int>? onStep = null)
    {
        var c = config ?? new PixelCnnTrainingConfig();
        return SupervisedLoop.Train(model, data, c.Epochs, c.BatchSize, c.Lr, c.MaxSteps, c.Seed, "PixelCNN negative log-likelihood",
            (x, _) => new SupervisedLoss(model.NegativeLogLikelihood(x)), onStep);
    }

    /// <summary>The exact test negative log-likelihood: nats per image and bits per dimension over all of <paramref name="data"/>.</summary>
    public static (double NatsPerImage, double BitsPerDim) Evaluate(PixelCnn model, ImageDataset data, int batchSize = 500)
    {
        double nats = 0;
        SupervisedLoop.Evaluate(data, batchSize, 0, SupervisedLoop.DeviceOf(model),
            (x, _) => nats += model.NegativeLogLikelihood(x).item<float>() * x.shape[0]);
        nats /= data.Count;
        return (nats, PixelCnn.BitsPerDim(nats, data.Height * data.Width));
    }
}
