using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// MGAN's discriminator D and classifier C (Hoang et al. 2018, Fig. 4): one MLP body (Linear hidden → ReLU → Linear
/// hidden → ReLU, as <see cref="MlpDiscriminator"/>) with two heads, D's real/fake logit (N, 1) and C's logits over the
/// K generators (N, K). Sharing the body is the paper's choice: C then costs one extra linear layer.
/// </summary>
public sealed class MganDiscriminator : Module<Tensor, Tensor>
{
    readonly Sequential body;
    readonly Linear d, c;

    public int Generators { get; }

    public MganDiscriminator(int generators, int hiddenDim = 128, int inputDim = 2) : base(nameof(MganDiscriminator))
    {
        if (generators < 1) throw new ArgumentOutOfRangeException(nameof(generators), generators, "the classifier needs at least one class (K >= 1)");
        if (hiddenDim < 1) throw new ArgumentOutOfRangeException(nameof(hiddenDim), hiddenDim, "hiddenDim must be at least 1");
        Generators = generators;
        body = Sequential(Linear(inputDim, hiddenDim), ReLU(), Linear(hiddenDim, hiddenDim), ReLU());
        d = Linear(hiddenDim, 1);
        c = Linear(hiddenDim, generators);
        RegisterComponents();
    }

    /// <summary>D's logit only (N, 1).</summary>
    public override Tensor forward(Tensor x) => d.forward(body.forward(x));

    /// <summary>D's logit (N, 1) and C's logits over the generators (N, K), from one pass through the shared body.</summary>
    public (Tensor Scores, Tensor GeneratorLogits) Judge(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = body.forward(x);
        var s = d.forward(h);
        var k = c.forward(h);
        return (s.MoveToOuterDisposeScope(), k.MoveToOuterDisposeScope());
    }

    /// <summary>C's head (a test can set it to zero: uniform logits).</summary>
    public Linear Classifier => c;
}
