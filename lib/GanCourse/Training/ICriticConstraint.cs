using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>A constraint applied to the critic after each of its optimizer steps (e.g. WGAN's weight clipping).</summary>
public interface ICriticConstraint
{
    void Apply(nn.Module critic);
}
