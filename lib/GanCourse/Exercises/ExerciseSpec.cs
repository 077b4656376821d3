using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Exercises;

/// <summary>What kind of answer an exercise takes.</summary>
public enum ExerciseKind
{
    /// <summary>A number to derive or predict (checked within a tolerance).</summary>
    Number,
    /// <summary>A prediction among lettered options, made before running the cell that shows the answer.</summary>
    Choice,
    /// <summary>Code: a function the student writes, checked against the library's on probe inputs.</summary>
    Code,
    /// <summary>A change to try and discuss: the solution says what to look for; nothing to check.</summary>
    Experiment,
}

/// <summary>
/// One exercise of a notebook: its question, a solution the student can reveal (<see cref="Exercise.Solution"/>),
/// and, for numbers, choices and code, a check of an answer (<see cref="Exercise.Check"/>). <see cref="Solution"/>
/// and <see cref="Wrong"/> are answers the check must accept and reject: the test suite runs both through it.
/// </summary>
public sealed class ExerciseSpec
{
    public required string Id { get; init; }
    public required string Notebook { get; init; }
    public required string Title { get; init; }
    public required ExerciseKind Kind { get; init; }
    /// <summary>The question, as the notebook's markdown cell asks it (plain text).</summary>
    public required string Question { get; init; }
    /// <summary>The worked solution shown on request (plain text; paragraphs separated by blank lines).</summary>
    public required string Explanation { get; init; }
    /// <summary>An answer the check accepts (null for experiments).</summary>
    public object? Solution { get; init; }
    /// <summary>A typical wrong answer the check rejects (null for experiments).</summary>
    public object? Wrong { get; init; }
    /// <summary>Null when the answer is right, else what is wrong with it (a hint, not the solution).</summary>
    public Func<object, string?>? Verify { get; init; }

    public bool Checkable => Verify is not null;

    /// <summary>A number, right within <paramref name="tolerance"/> (absolute, or relative to |expected| when larger).</summary>
    public static ExerciseSpec Number(string id, string notebook, string title, string question, double expected, double tolerance,
        string explanation, double wrong, Func<double, string?>? hint = null) => new()
    {
        Id = id, Notebook = notebook, Title = title, Kind = ExerciseKind.Number, Question = question, Explanation = explanation,
        Solution = expected, Wrong = wrong,
        Verify = answer =>
        {
            if (!TryNumber(answer, out var x)) return $"give a number (a double), not {Describe(answer)}";
            if (double.IsNaN(x)) return "not answered yet: replace double.NaN with your answer and run the cell again";
            if (Math.Abs(x - expected) <= tolerance * Math.Max(1, Math.Abs(expected))) return null;
            return hint?.Invoke(x) ?? $"{x.ToString("G4", CultureInfo.InvariantCulture)} is not it";
        },
    };

    /// <summary>A prediction: one of the lettered options ("a", "b", ...), compared case-insensitively.</summary>
    public static ExerciseSpec Choice(string id, string notebook, string title, string question, string correct, string explanation,
        string wrong, Func<string, string?>? hint = null) => new()
    {
        Id = id, Notebook = notebook, Title = title, Kind = ExerciseKind.Choice, Question = question, Explanation = explanation,
        Solution = correct, Wrong = wrong,
        Verify = answer =>
        {
            if (answer is not string s) return $"give the letter of your choice as a string, e.g. \"a\", not {Describe(answer)}";
            s = s.Trim().ToLowerInvariant();
            if (s.Length == 0) return "not answered yet: put the letter of your prediction between the quotes";
            return s == correct.ToLowerInvariant() ? null : hint?.Invoke(s) ?? $"\"{s}\" is not what happens: run the cell below and look again";
        },
    };

    /// <summary>
    /// Code: a tensor function, compared with <paramref name="reference"/> on <paramref name="probes"/> (drawn
    /// fresh for each check from their own seeded generator, so a check leaves the notebook's random stream alone)
    /// to within <paramref name="tolerance"/>. <paramref name="solution"/> (default: the reference) is the answer the
    /// tests run through the check, e.g. the formula written out by hand. A placeholder that throws
    /// <see cref="NotImplementedException"/> counts as not answered yet.
    /// </summary>
    public static ExerciseSpec Function(string id, string notebook, string title, string question, Func<Tensor, Tensor> reference,
        Func<Generator, Tensor[]> probes, string explanation, Func<Tensor, Tensor> wrong, double tolerance = 1e-5,
        Func<Tensor, Tensor>? solution = null) =>
        Code(id, notebook, title, question, explanation, p => reference(p[0]), solution ?? reference, wrong, probes, tolerance,
            a => a is Func<Tensor, Tensor> f ? p => f(p[0]) : null, "Func<Tensor, Tensor>, e.g. x => ...");

    /// <summary>Code with two tensor inputs (e.g. a loss of D(x) and D(G(z))).</summary>
    public static ExerciseSpec Function2(string id, string notebook, string title, string question, Func<Tensor, Tensor, Tensor> reference,
        Func<Generator, Tensor[]> probes, string explanation, Func<Tensor, Tensor, Tensor> wrong, double tolerance = 1e-5,
        Func<Tensor, Tensor, Tensor>? solution = null) =>
        Code(id, notebook, title, question, explanation, p => reference(p[0], p[1]), solution ?? reference, wrong, probes, tolerance,
            a => a is Func<Tensor, Tensor, Tensor> f ? p => f(p[0], p[1]) : null, "Func<Tensor, Tensor, Tensor>, e.g. (a, b) => ...");

    /// <summary>Code with three tensor inputs (e.g. AC-GAN's source logits, class logits and labels).</summary>
    public static ExerciseSpec Function3(string id, string notebook, string title, string question, Func<Tensor, Tensor, Tensor, Tensor> reference,
        Func<Generator, Tensor[]> probes, string explanation, Func<Tensor, Tensor, Tensor, Tensor> wrong, double tolerance = 1e-5,
        Func<Tensor, Tensor, Tensor, Tensor>? solution = null) =>
        Code(id, notebook, title, question, explanation, p => reference(p[0], p[1], p[2]), solution ?? reference, wrong, probes, tolerance,
            a => a is Func<Tensor, Tensor, Tensor, Tensor> f ? p => f(p[0], p[1], p[2]) : null, "Func<Tensor, Tensor, Tensor, Tensor>, e.g. (a, b, c) => ...");

    static ExerciseSpec Code(string id, string notebook, string title, string question, string explanation, Func<Tensor[], Tensor> reference,
        object solution, object wrong, Func<Generator, Tensor[]> probes, double tolerance, Func<object, Func<Tensor[], Tensor>?> adapt, string expected) => new()
    {
        Id = id, Notebook = notebook, Title = title, Kind = ExerciseKind.Code, Question = question, Explanation = explanation,
        Solution = solution, Wrong = wrong,
        Verify = answer => adapt(answer) is { } f
            ? Compare(f, reference, probes, tolerance)
            : $"give a {expected}, not {Describe(answer)}",
    };

    /// <summary>A change to try in the notebook, with what to look for; no check.</summary>
    public static ExerciseSpec Experiment(string id, string notebook, string title, string question, string explanation) => new()
    {
        Id = id, Notebook = notebook, Title = title, Kind = ExerciseKind.Experiment, Question = question, Explanation = explanation,
    };

    static string? Compare(Func<Tensor[], Tensor> student, Func<Tensor[], Tensor> reference, Func<Generator, Tensor[]> probes, double tolerance)
    {
        using var scope = NewDisposeScope();
        var inputs = probes(new Generator(2024));
        Tensor got;
        try { got = student(inputs.Select(t => t.clone()).ToArray()); }
        catch (NotImplementedException) { return "not answered yet: replace the placeholder (throw new NotImplementedException()) with your code and run the cell again"; }
        catch (Exception e) { return $"your function threw {e.GetType().Name}: {e.Message}"; }
        var want = reference(inputs);
        if (!got.shape.SequenceEqual(want.shape))
            return $"the result has shape [{string.Join(", ", got.shape)}]; expected [{string.Join(", ", want.shape)}]";
        var diff = (got.to_type(ScalarType.Float64) - want.to_type(ScalarType.Float64)).abs().max().item<double>();
        return diff <= tolerance * Math.Max(1, want.abs().max().to_type(ScalarType.Float64).item<double>())
            ? null
            : $"the values differ from the expected ones by up to {diff.ToString("G3", CultureInfo.InvariantCulture)}";
    }

    static bool TryNumber(object answer, out double x)
    {
        switch (answer)
        {
            case double d: x = d; return true;
            case float f: x = f; return true;
            case int i: x = i; return true;
            case long l: x = l; return true;
            case decimal m: x = (double)m; return true;
            default: x = 0; return false;
        }
    }

    static string Describe(object? answer) => answer is null ? "null" : $"a {answer.GetType().Name}";
}
