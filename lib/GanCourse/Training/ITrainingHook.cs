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

    /// <summary>Numbers this hook adds to the step's <see cref="GanStep.Stats"/> (e.g. ProGAN's resolution and α), after <see cref="BeforeStep"/>.</summary>
    void AddStats(IDictionary<string, double> stats) { }
}
