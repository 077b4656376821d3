using GanCourse.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Training;

/// <summary>Hyper-parameters of lecture 004's DCGAN training cell.</summary>
public sealed record LectureDcganConfig(int LatentDim = 100, int ImgSize = 32, int Channels = 1,
    double Lr = 2e-4, double Beta1 = 0.5, double Beta2 = 0.999);

/// <summary>Losses of one step.</summary>
public readonly record struct GanStepLosses(float D, float G);

/// <summary>
/// Lecture 004's DCGAN training step, line for line: generator first (BCE of D(G(z)) against "valid"), then the
/// discriminator on real and detached fake images, d_loss = (real + fake) / 2, Adam(2e-4, (0.5, 0.999)).
/// Every step runs in its own dispose scope, so memory stays flat, and stops on a non-finite loss or gradient.
/// </summary>
public sealed class LectureDcganTraining : IDisposable
{
    public LectureDcganConfig Config { get; }
    public LectureDcganGenerator Generator { get; }
    public LectureDcganDiscriminator Discriminator { get; }
    public long Steps { get; private set; }
    readonly Device device;
    readonly optim.Optimizer optG, optD;
    readonly BCELoss criterion = BCELoss();

    /// <param name="checkGradients">Also check every gradient for NaN/Inf (costs a little time per step).</param>
    public LectureDcganTraining(LectureDcganConfig? config = null, Device? device = null, bool checkGradients = true)
    {
        Config = config ?? new LectureDcganConfig();
        this.device = device ?? CPU;
        CheckGradients = checkGradients;
        Generator = new LectureDcganGenerator(Config.LatentDim, Config.ImgSize, Config.Channels);
        Discriminator = new LectureDcganDiscriminator(Config.ImgSize, Config.Channels);
        Generator.apply(Init.DcganNormal);
        Discriminator.apply(Init.DcganNormal);
        Generator.to(this.device);
        Discriminator.to(this.device);
        optG = optim.Adam(Generator.parameters(), Config.Lr, Config.Beta1, Config.Beta2);
        optD = optim.Adam(Discriminator.parameters(), Config.Lr, Config.Beta1, Config.Beta2);
    }

    public bool CheckGradients { get; set; }

    /// <summary>One generator and one discriminator update on a batch of real images in [-1, 1].</summary>
    public GanStepLosses Step(Tensor realImgs)
    {
        using var _ = NewDisposeScope();
        Generator.train();
        Discriminator.train();
        var real = realImgs.to(device);
        var n = real.shape[0];
        var valid = ones(n, 1, device: device);
        var fake = zeros(n, 1, device: device);

        // Train the generator: make D call its images real.
        optG.zero_grad();
        var z = randn(n, Config.LatentDim, device: device);
        var genImgs = Generator.forward(z);
        var gLoss = criterion.forward(Discriminator.forward(genImgs), valid);
        gLoss.backward();
        if (CheckGradients) NonFiniteGuard.Gradients(Generator, "generator", Steps);
        optG.step();

        // Train the discriminator: real -> 1, generated -> 0.
        optD.zero_grad();
        var realLoss = criterion.forward(Discriminator.forward(real), valid);
        var fakeLoss = criterion.forward(Discriminator.forward(genImgs.detach()), fake);
        var dLoss = (realLoss + fakeLoss) / 2;
        dLoss.backward();
        if (CheckGradients) NonFiniteGuard.Gradients(Discriminator, "discriminator", Steps);
        optD.step();

        var losses = new GanStepLosses(NonFiniteGuard.Loss(dLoss, "D loss", Steps), NonFiniteGuard.Loss(gLoss, "G loss", Steps));
        Steps++;
        return losses;
    }

    public void Dispose()
    {
        optG.Dispose();
        optD.Dispose();
        criterion.Dispose();
        Generator.Dispose();
        Discriminator.Dispose();
    }
}
