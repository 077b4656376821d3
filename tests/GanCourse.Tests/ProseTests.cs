using GanCourse.Visuals;
using Xunit;

namespace GanCourse.Tests;

/// <summary>Prose: run-built notebook text (paragraphs, bullets, bold/italic/code), HTML-escaped.</summary>
public class ProseTests
{
    [Fact]
    public void Renders_paragraphs_bullets_and_inline_marks_escaped()
    {
        var p = Prose.From(new[] { "**What this run measured** (`ci`): a < b", "* **GAN**: 3 modes\n* *LSGAN*: 8 modes\n  and more" });
        var html = p.ToHtml();
        Assert.Contains("<p><strong>What this run measured</strong> (<code>ci</code>): a &lt; b</p>", html);
        Assert.Contains("<ul><li><strong>GAN</strong>: 3 modes</li><li><em>LSGAN</em>: 8 modes and more</li></ul>", html);
        Assert.Equal("**What this run measured** (`ci`): a < b\n\n* **GAN**: 3 modes\n* *LSGAN*: 8 modes\n  and more", p.ToString());
    }
}
