using GanCourse.Networks;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>
/// Progressive growing (Karras et al. 2018, section 3 and Figure 2) as a hook of the training core: before every step
/// it reads the phase, resolution r and fade-in weight α off the <see cref="ProGanSchedule"/> at the number of real
/// images shown so far, sets both networks to (r, α), and when a new resolution starts fading in it discards Adam's
/// moments (the official code's <c>reset_opt_for_new_lod</c>: the new layers' statistics are unlike the old ones).
/// <see cref="Real"/> is the matching real-batch transform: the reals are shrunk to r and faded in the same way as
/// the generator's output, so D never sees a resolution gap between real and fake.
/// </summary>
public sealed class ProGanGrowth : ITrainingHook
{
    readonly ProGanGenerator generator;
    readonly ProGanDiscriminator discriminator;
    int optimizerPhase;

    public ProGanSchedule Schedule { get; }
    /// <summary>The phase, resolution and α of the current (or, between steps, the last) step.</summary>
    public ProGanPhase Phase { get; private set; }
    public int Resolution { get; private set; }
    public double Alpha { get; private set; }
    /// <summary>How many times the optimizers were reset (one per fade-in reached).</summary>
    public int OptimizerResets { get; private set; }

    public ProGanGrowth(ProGanSchedule schedule, ProGanGenerator generator, ProGanDiscriminator discriminator)
    {
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        this.generator = generator ?? throw new ArgumentNullException(nameof(generator));
        this.discriminator = discriminator ?? throw new ArgumentNullException(nameof(discriminator));
        if (generator.Config.MaxResolution != schedule.MaxResolution || discriminator.Config.MaxResolution != schedule.MaxResolution)
            throw new ArgumentException($"The schedule grows to {schedule.MaxResolution}x{schedule.MaxResolution} but the networks to {generator.Config.MaxResolution}x{generator.Config.MaxResolution}: build them from the same ProGanConfig.");
        Set(0);
        optimizerPhase = Phase.Index;
    }

    void Set(long images)
    {
        (Phase, Resolution, Alpha) = Schedule.At(images);
        (generator.Resolution, generator.Alpha, discriminator.Resolution, discriminator.Alpha) = (Resolution, Alpha, Resolution, Alpha);
    }

    public void BeforeStep(AdversarialTrainer trainer)
    {
        Set(trainer.Images);
        if (Phase.FadeIn && Phase.Index != optimizerPhase)
        {
            trainer.ResetOptimizers();
            OptimizerResets++;
        }
        optimizerPhase = Phase.Index;
    }

    /// <summary>The phase whose optimizers are in use (a fade-in after it resets them): saved and restored by a resumable training.</summary>
    public int OptimizerPhase => optimizerPhase;

    /// <summary>Restores the state <see cref="OptimizerPhase"/> and <see cref="OptimizerResets"/> recorded in a saved training state.</summary>
    public void Restore(int optimizerPhase, int optimizerResets, long images)
    {
        Set(images);
        (this.optimizerPhase, OptimizerResets) = (optimizerPhase, optimizerResets);
    }

    public void AddStats(IDictionary<string, double> stats)
    {
        stats["resolution"] = Resolution;
        stats["alpha"] = Alpha;
    }

    /// <summary>Full-size real images as D sees them at this step's resolution and α (the trainer's real-batch transform).</summary>
    public Tensor Real(Tensor images) => ProGanImages.Real(images, Resolution, Alpha);
}
