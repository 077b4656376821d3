namespace GanCourse.Training;

/// <summary>
/// Code that runs around each step of an <see cref="AdversarialTrainer"/>: schedules (ProGAN's growth, with its
/// optimizer reset at a new resolution), the EMA of G, logging. Both methods do nothing unless overridden.
/// </summary>
public interface ITrainingHook
{
    /// <summary>Before the step's first discriminator update (e.g. set the resolution and α of this step).</summary>
    void BeforeStep(AdversarialTrainer trainer) { }

    /// <summary>After the generator update (e.g. update G_ema).</summary>
    void AfterStep(AdversarialTrainer trainer, GanStep step) { }
}
