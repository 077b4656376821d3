using GanCourse.Networks;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// Lecture 004's DCGAN as notebook 04 trains it: <see cref="LectureDcganGenerator"/> and
/// <see cref="LectureDcganDiscriminator"/> (returning logits), both initialised with <see cref="Init.DcganNormal"/>,
/// in the course's <see cref="AdversarialTrainer"/> with the non-saturating loss and the lecture's Adam
/// (lr 2e-4, β = (0.5, 0.999); <see cref="GanRecipe.NonSaturating"/>). The benchmark, the memory check and the CPU
/// correctness test train this, so they measure the loop the notebooks run.
/// </summary>
public static class LectureDcganTrainer
{
    /// <param name="realBatch">Returns the next batch of real images in [-1, 1], (B, channels, imgSize, imgSize).</param>
    /// <param name="batchSize">Generated images per generator step (the lecture's 64).</param>
    /// <param name="device">Where to train; default <see cref="Runtime.Course.Device"/>.</param>
    /// <param name="checkGradients">Check every gradient for NaN/Inf after each backward pass (the notebooks do).</param>
    public static AdversarialTrainer Create(Func<Tensor> realBatch, int batchSize = 64, Device? device = null, bool checkGradients = true,
        int latentDim = 100, int imgSize = 32, int channels = 1)
    {
        var generator = new LectureDcganGenerator(latentDim, imgSize, channels);
        var discriminator = new LectureDcganDiscriminator(imgSize, channels, logits: true);
        generator.apply(Init.DcganNormal);
        discriminator.apply(Init.DcganNormal);
        var recipe = GanRecipe.NonSaturating();
        return new AdversarialTrainer(generator, discriminator, recipe.Loss(), realBatch,
            new AdversarialConfig(latentDim, batchSize) { CriticSteps = recipe.CriticSteps, CheckGradients = checkGradients },
            recipe.Optimizer, recipe.Optimizer, device);
    }
}
