namespace GanCourse.Exercises;

/// <summary>
/// The exercises of one notebook. Each notebook's set is a subclass in this folder (e.g. <c>GanExercises</c> for
/// 03-gan); <see cref="Exercise.All"/> finds them all, so adding a set needs no registration.
/// </summary>
public abstract class ExerciseSet
{
    /// <summary>The notebook's name, e.g. "03-gan".</summary>
    public abstract string Notebook { get; }

    public abstract IEnumerable<ExerciseSpec> Create();
}
