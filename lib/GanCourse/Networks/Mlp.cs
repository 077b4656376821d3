using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// Lecture 004's naive generator <c>GenModel</c>: noise (latent) -> Linear 50 -> ReLU -> Linear 50 -> ReLU -> Linear 2,
/// no output activation (the points are not restricted to a range). Parameter names match the seed's state dict
/// (<c>model.0.weight</c>, <c>model.2.weight</c>, <c>model.4.weight</c>).
/// </summary>
public sealed class NaiveGenerator : Module<Tensor, Tensor>
{
    readonly Sequential model;

    public NaiveGenerator(int latentSpace = 1) : base(nameof(NaiveGenerator))
    {
        if (latentSpace < 1) throw new ArgumentOutOfRangeException(nameof(latentSpace), latentSpace, "the latent space needs at least 1 dimension");
        model = Sequential(Linear(latentSpace, 50), ReLU(), Linear(50, 50), ReLU(), Linear(50, 2));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => model.forward(x);
}

/// <summary>
/// Lecture 004's GAN generator for 2-D points: z (latent) -> Linear hidden -> ReLU -> Linear hidden -> ReLU -> Linear 2
/// (x, y). Parameter names match the seed (<c>model.0</c>, <c>model.2</c>, <c>model.4</c>).
/// </summary>
public sealed class MlpGenerator : Module<Tensor, Tensor>
{
    readonly Sequential model;
    public int LatentDim { get; }

    /// <param name="dropout">&gt; 0: a <see cref="NoiseDropout"/> after each hidden layer (on in training and sampling alike,
    /// ganhacks tip 17); the parameters are then <c>model.0</c>, <c>model.3</c>, <c>model.6</c>.</param>
    public MlpGenerator(int latentSpace = 10, int hiddenDim = 50, int outputDim = 2, double dropout = 0) : base(nameof(MlpGenerator))
    {
        if (latentSpace < 1) throw new ArgumentOutOfRangeException(nameof(latentSpace), latentSpace, "latentSpace must be at least 1");
        if (hiddenDim < 1) throw new ArgumentOutOfRangeException(nameof(hiddenDim), hiddenDim, "hiddenDim must be at least 1");
        LatentDim = latentSpace;
        model = dropout > 0
            ? Sequential(Linear(latentSpace, hiddenDim), ReLU(), new NoiseDropout(dropout), Linear(hiddenDim, hiddenDim), ReLU(), new NoiseDropout(dropout), Linear(hiddenDim, outputDim))
            : Sequential(Linear(latentSpace, hiddenDim), ReLU(), Linear(hiddenDim, hiddenDim), ReLU(), Linear(hiddenDim, outputDim));
        RegisterComponents();
    }

    public override Tensor forward(Tensor z) => model.forward(z);
}

/// <summary>
/// Lecture 004's GAN discriminator for 2-D points: Linear hidden -> ReLU -> Linear hidden -> ReLU -> Linear 1.
/// <para>
/// The seed ends with <c>nn.Sigmoid()</c> and trains with <c>BCELoss</c>. This module returns the <b>logit</b>
/// l = σ⁻¹(D(x)) instead, and the losses (<see cref="Training.IGanLoss"/>) apply the sigmoid inside the loss:
/// BCE(σ(l), t) = −t·log σ(l) − (1−t)·log(1−σ(l)) = t·softplus(−l) + (1−t)·softplus(l), which is PyTorch's
/// <c>BCEWithLogitsLoss</c>. The two are the same function, but the logit form never takes log(0): once D is very
/// sure, σ(l) rounds to exactly 0 or 1 in float32 and BCELoss clamps the log at −100 and loses the gradient.
/// The parameters (and names <c>model.0/2/4</c>) are the seed's, since a sigmoid has none;
/// <see cref="Probability"/> gives the seed's D(x).
/// </para>
/// </summary>
public sealed class MlpDiscriminator : Module<Tensor, Tensor>, Training.IFunctionalDiscriminator, Training.IFeatureDiscriminator
{
    readonly Sequential model;

    /// <param name="minibatchKernels">&gt; 0: a <see cref="MinibatchDiscrimination"/> layer with this many kernels before the
    /// output (Salimans et al. 2016), so D scores each sample together with its batch; the parameters are then
    /// <c>model.0</c>, <c>model.2</c>, <c>model.4</c> (T) and <c>model.5</c>.</param>
    public MlpDiscriminator(int hiddenDim = 50, int inputDim = 2, int minibatchKernels = 0) : base(nameof(MlpDiscriminator))
    {
        if (hiddenDim < 1) throw new ArgumentOutOfRangeException(nameof(hiddenDim), hiddenDim, "hiddenDim must be at least 1");
        model = minibatchKernels > 0
            ? Sequential(Linear(inputDim, hiddenDim), ReLU(), Linear(hiddenDim, hiddenDim), ReLU(),
                new MinibatchDiscrimination(hiddenDim, minibatchKernels), Linear(hiddenDim + minibatchKernels, 1))
            : Sequential(Linear(inputDim, hiddenDim), ReLU(), Linear(hiddenDim, hiddenDim), ReLU(), Linear(hiddenDim, 1));
        RegisterComponents();
    }

    /// <summary>The logit l(x); D(x) = σ(l(x)).</summary>
    public override Tensor forward(Tensor x) => model.forward(x);

    /// <summary>f(x): the second hidden layer after its ReLU (before the minibatch layer, if any), for feature matching.</summary>
    public Tensor Features(Tensor x)
    {
        using var _ = NewDisposeScope();
        var h = x;
        foreach (var layer in model.children().Take(4).Cast<Module<Tensor, Tensor>>()) h = layer.forward(h);
        return h.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The logit with other weights θ (in <c>parameters()</c> order), for the unrolled GAN's look-ahead
    /// (<see cref="Training.UnrolledDiscriminator"/>); the plain (no minibatch layer) network only.
    /// </summary>
    public Tensor Forward(Tensor x, IReadOnlyList<Tensor> theta)
    {
        if (theta.Count != 6)
            throw new ArgumentException($"MlpDiscriminator.Forward(x, θ) takes the 6 tensors of the plain network (3 weights, 3 biases), got {theta.Count}: minibatch discrimination has no functional form here.", nameof(theta));
        var h = functional.relu(functional.linear(x, theta[0], theta[1]));
        h = functional.relu(functional.linear(h, theta[2], theta[3]));
        return functional.linear(h, theta[4], theta[5]);
    }

    /// <summary>D(x) = σ(l(x)): the probability that x is real, as the seed's sigmoid output.</summary>
    public Tensor Probability(Tensor x)
    {
        using var _ = NewDisposeScope();
        return torch.sigmoid(forward(x)).MoveToOuterDisposeScope();
    }
}
