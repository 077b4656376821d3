using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GanCourse.Runner;

namespace GanCourse.Tests;

/// <summary>
/// The notebooks' shape for students and instructors: a section starts a cell of its own (no heading halfway down a
/// markdown cell), and each heading cell carries Jupyter's slide metadata (<c>slideshow.slide_type</c>: "slide" for
/// # and ##, "subslide" for ###), so RISE-style tools and the HTML export's presentation mode cut the same slides.
/// </summary>
public class NotebookStructureTests
{
    static readonly string Root = NotebookRunner.FindRepoRoot();
    static readonly Regex Heading = new(@"^(#{1,3}) ", RegexOptions.Compiled);

    [Fact]
    public void Sections_start_their_own_cell_and_are_marked_as_slides()
    {
        foreach (var name in NotebookRunner.AllNotebooks(Root))
        {
            var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "notebooks", name + ".ipynb")))!["cells"]!.AsArray();
            int slides = 0;
            for (int i = 0; i < cells.Count; i++)
            {
                var c = cells[i]!;
                if ((string?)c["cell_type"] != "markdown") continue;
                var lines = string.Concat(c["source"]!.AsArray().Select(s => (string?)s)).Split('\n');
                var fence = false;
                for (int k = 1; k < lines.Length; k++)
                {
                    if (lines[k].StartsWith("```")) fence = !fence;
                    Assert.False(!fence && Heading.IsMatch(lines[k]), $"{name} cell {i + 1}: the heading '{lines[k]}' starts halfway down the cell; split the cell there");
                }
                var type = (string?)c["metadata"]?["slideshow"]?["slide_type"];
                if (Heading.Match(lines[0].TrimStart()) is { Success: true } m)
                {
                    Assert.Equal(m.Groups[1].Length <= 2 ? "slide" : "subslide", type);
                    slides++;
                }
                else Assert.True(type is null, $"{name} cell {i + 1}: slide metadata on a cell that does not start a section");
            }
            Assert.True(slides >= 4, $"{name}: only {slides} slides");
        }
    }
}
