using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>A synthesis block: (Input block: learned constant 4x4) or (upscale + conv + blur), epilogue, conv, epilogue.</summary>
public abstract class SynthesisBlock(string name) : Module<Tensor?, Tensor, Tensor>(name)
{
    public abstract IEnumerable<LayerEpilogue> Epilogues { get; }
}
