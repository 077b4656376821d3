using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GanCourse.Exercises;
using GanCourse.Runner;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>
/// The course's exercises: every solution passes its own check and a typical wrong answer fails it, and every
/// exercise is asked in its notebook (and every id a notebook uses exists).
/// </summary>
public class ExerciseTests
{
    static readonly string Root = NotebookRunner.FindRepoRoot();

    public static TheoryData<string> Checkable()
    {
        var data = new TheoryData<string>();
        foreach (var e in Exercise.All.Where(e => e.Checkable)) data.Add(e.Id);
        return data;
    }

    [Theory]
    [MemberData(nameof(Checkable))]
    public void Solution_passes_its_check_and_a_wrong_answer_does_not(string id)
    {
        var e = Exercise.Get(id);
        var right = Exercise.Check(id, e.Solution!);
        Assert.True(right.Right, $"{id}: the solution fails its own check: {right.Message}");
        var wrong = Exercise.Check(id, e.Wrong!);
        Assert.False(wrong.Right, $"{id}: the check accepts the wrong answer {e.Wrong}");
        Assert.False(string.IsNullOrWhiteSpace(wrong.Message));
        if (e.Solution is double d) // a hint, never the answer itself
            Assert.DoesNotContain(d.ToString("G4", CultureInfo.InvariantCulture), wrong.Message);

        // the notebook's placeholder (NaN, "", or a function that throws NotImplementedException) is "your turn", not wrong
        object placeholder = e.Solution switch
        {
            double => double.NaN,
            string => "",
            Func<Tensor, Tensor> => (Func<Tensor, Tensor>)(_ => throw new NotImplementedException()),
            Func<Tensor, Tensor, Tensor> => (Func<Tensor, Tensor, Tensor>)((_, _) => throw new NotImplementedException()),
            Func<Tensor, Tensor, Tensor, Tensor> => (Func<Tensor, Tensor, Tensor, Tensor>)((_, _, _) => throw new NotImplementedException()),
            _ => throw new InvalidOperationException($"{id}: a solution of type {e.Solution!.GetType().Name} has no placeholder in this test"),
        };
        var unanswered = Exercise.Check(id, placeholder);
        Assert.False(unanswered.Right);
        Assert.False(unanswered.Answered, $"{id}: the placeholder reads as a wrong answer: {unanswered.Message}");
        Assert.Matches("^give (a|the)", Exercise.Check(id, new object()).Message); // the wrong type says what to give
    }

    [Fact]
    public void Every_exercise_has_a_question_a_solution_and_an_id_of_its_notebook()
    {
        Assert.NotEmpty(Exercise.All);
        foreach (var e in Exercise.All)
        {
            Assert.Matches(@"^\d\d[a-z]?\.\d+$", e.Id); // "03.2", or "01b.2" for a notebook between 01 and 02
            Assert.StartsWith(e.Id[..e.Id.IndexOf('.')] + "-", e.Notebook);
            Assert.True(File.Exists(Path.Combine(Root, "notebooks", e.Notebook + ".ipynb")), $"{e.Id}: no notebook {e.Notebook}");
            Assert.True(e.Question.Length > 30 && e.Explanation.Length > 60, $"{e.Id}: question or solution too short to teach");
            Assert.Equal(e.Kind != ExerciseKind.Experiment, e.Checkable);
            Assert.Contains(e.Title, Exercise.Solution(e.Id).Text);
        }
        var unknown = Assert.Throws<ArgumentException>(() => Exercise.Check("99.9", 1.0));
        Assert.Contains("03.2", unknown.Message); // lists the ids there are
    }

    [Fact]
    public void A_check_of_the_wrong_type_says_what_to_give()
    {
        Assert.Contains("give a number", Exercise.Check("03.2", "0.75").Message);
        Assert.Contains("Func<Tensor, Tensor>", Exercise.Check("03.5", 0.5).Message);
        Assert.Contains("experiment", Exercise.Check("03.6", 1.0).Message);
    }

    static readonly Regex UsedId = new(@"Exercise\.(Check|Solution)\(\s*""(?<id>[^""]+)""", RegexOptions.Compiled);

    [Fact]
    public void Each_notebook_asks_its_4_to_8_exercises_in_order_and_uses_no_unknown_id()
    {
        var byNotebook = Exercise.All.GroupBy(e => e.Notebook).ToDictionary(g => g.Key, g => g.Select(e => e.Id).ToList());
        foreach (var name in NotebookRunner.AllNotebooks(Root))
        {
            var nb = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "notebooks", name + ".ipynb")))!;
            var code = nb["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code")
                .Select(c => string.Concat(c!["source"]!.AsArray().Select(s => (string?)s))).ToList();
            var checkedIds = code.SelectMany(c => UsedId.Matches(c).Where(m => m.Groups[1].Value == "Check").Select(m => m.Groups["id"].Value)).ToList();
            foreach (var id in code.SelectMany(c => UsedId.Matches(c).Select(m => m.Groups["id"].Value)))
                Assert.True(byNotebook.GetValueOrDefault(name)?.Contains(id) == true, $"{name} uses exercise '{id}', which is not one of its exercises");
            Assert.True(byNotebook.TryGetValue(name, out var ids), $"{name} has no exercises (an ExerciseSet in lib/GanCourse/Exercises)");
            Assert.InRange(ids!.Count, 4, 8);
            var markdown = string.Concat(nb["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "markdown")
                .Select(c => string.Concat(c!["source"]!.AsArray().Select(s => (string?)s))));
            foreach (var id in ids)
            {
                var e = Exercise.Get(id);
                var label = $"Exercise {(id[0] == '0' ? id[1..] : id)}"; // "03.1" is asked as "Exercise 3.1", "01b.2" as "Exercise 1b.2"
                Assert.True(markdown.Contains(label, StringComparison.Ordinal), $"{name}: no markdown cell asks '{label}'");
                if (e.Checkable) Assert.True(checkedIds.Contains(id), $"{name}: no code cell runs Exercise.Check(\"{id}\", ...)");
            }
            // asked in the order of their numbers
            var order = checkedIds.Distinct().ToList();
            Assert.Equal(order.OrderBy(i => int.Parse(i[(i.IndexOf('.') + 1)..])).ToList(), order);
        }
    }
}
