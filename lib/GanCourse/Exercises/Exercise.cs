using GanCourse.Visuals;

namespace GanCourse.Exercises;

/// <summary>
/// The course's exercises: <c>Exercise.Check("03.2", myAnswer)</c> says right, or what is wrong, and
/// <c>Exercise.Solution("03.2")</c> reveals the worked solution. Ids are "NN.k": notebook number, exercise number.
/// </summary>
public static class Exercise
{
    static readonly Lazy<IReadOnlyList<ExerciseSpec>> Registry = new(() =>
    {
        var sets = typeof(ExerciseSet).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(ExerciseSet)) && !t.IsAbstract)
            .Select(t => (ExerciseSet)Activator.CreateInstance(t)!);
        var all = sets.SelectMany(s => s.Create().Select(e => e.Notebook == s.Notebook ? e
                : throw new InvalidOperationException($"exercise {e.Id} says notebook {e.Notebook} but is in the set of {s.Notebook}")))
            .OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
        var dup = all.GroupBy(e => e.Id).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new InvalidOperationException($"two exercises have the id {dup.Key}");
        return all;
    });

    /// <summary>Every exercise of the course, by id.</summary>
    public static IReadOnlyList<ExerciseSpec> All => Registry.Value;

    /// <summary>The exercise with this id, or an error that lists the notebook's ids.</summary>
    public static ExerciseSpec Get(string id) =>
        All.FirstOrDefault(e => e.Id == id)
        ?? throw new ArgumentException($"There is no exercise '{id}'. Exercises: {string.Join(", ", All.Select(e => e.Id))}.", nameof(id));

    /// <summary>Checks an answer: right, or what is wrong with it (never the solution itself).</summary>
    public static CheckResult Check(string id, object answer)
    {
        var e = Get(id);
        if (e.Verify is null)
            return new CheckResult(id, e.Title, false, "this exercise is an experiment to try and discuss: reveal the solution with Exercise.Solution(\"" + id + "\")");
        string? wrong;
        try { wrong = e.Verify(answer); }
        catch (Exception ex) { wrong = $"checking your answer failed with {ex.GetType().Name}: {ex.Message}"; }
        return new CheckResult(id, e.Title, wrong is null, wrong ?? "well done. Compare your reasoning with Exercise.Solution(\"" + id + "\").");
    }

    /// <summary>The worked solution of an exercise, to display.</summary>
    public static Prose Solution(string id)
    {
        var e = Get(id);
        return Prose.From($"**Solution {e.Id} — {e.Title}**\n\n{e.Explanation}");
    }

    /// <summary>The notebook's exercises as a table (id, title, kind): an overview for the end of a notebook.</summary>
    public static Table For(string notebook) =>
        Table.From(All.Where(e => e.Notebook == notebook).Select(e => new { Exercise = e.Id, e.Title, Kind = e.Kind.ToString() }),
            $"Exercises of {notebook}");
}
