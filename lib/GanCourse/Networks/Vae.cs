using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>Which terms of the VAE loss are trained: the lecture's "only reconstruction / only KL / combination" slide.</summary>
public enum VaeObjective
{
    /// <summary>Reconstruction + KL: the negative ELBO (the VAE).</summary>
    Both,
    /// <summary>Reconstruction only: an autoencoder with noisy codes; nothing keeps the codes near the prior.</summary>
    ReconstructionOnly,
    /// <summary>KL only: every code becomes N(0, I) whatever the input, so the decoder learns nothing about x.</summary>
    KlOnly,
}

/// <summary>
/// A variational autoencoder (Kingma and Welling, 2014) with fully connected encoder and decoder, in the layout of
/// PyTorch's examples/vae (parameter names <c>fc1</c>, <c>fc21</c> (mu), <c>fc22</c> (log variance), <c>fc3</c>, <c>fc4</c>):
/// <code>
/// encoder q(z|x):  x (784) -> fc1 -> ReLU -> hidden -> fc21 -> mu,  fc22 -> log sigma^2
/// sample:          z = mu + sigma * eps,  eps ~ N(0, I)            (reparameterisation)
/// decoder p(x|z):  z -> fc3 -> ReLU -> hidden -> fc4 -> logits of Bernoulli pixels (sigmoid gives the image)
/// </code>
/// The default latent has 2 dimensions so that it can be drawn in the plane.
/// </summary>
public sealed class Vae : Module<Tensor, (Tensor Logits, Tensor Mu, Tensor LogVar)>
{
    readonly Linear fc1, fc21, fc22, fc3, fc4;
    readonly long[] imageShape;

    public int LatentDim { get; }

    public Vae(int latentDim = 2, int hidden = 512, int height = 28, int width = 28) : base(nameof(Vae))
    {
        if (latentDim < 1) throw new ArgumentOutOfRangeException(nameof(latentDim), latentDim, "The latent needs at least one dimension.");
        if (hidden < 1) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "The hidden layer needs at least one unit.");
        LatentDim = latentDim;
        imageShape = [1, height, width];
        var pixels = height * width;
        fc1 = Linear(pixels, hidden);
        fc21 = Linear(hidden, latentDim);
        fc22 = Linear(hidden, latentDim);
        fc3 = Linear(latentDim, hidden);
        fc4 = Linear(hidden, pixels);
        RegisterComponents();
    }

    /// <summary>q(z|x) = N(mu, diag(exp(logVar))): images (B, 1, H, W) -> (mu, logVar), each (B, latentDim).</summary>
    public (Tensor Mu, Tensor LogVar) Encode(Tensor x)
    {
        using var _ = NewDisposeScope();
        var h = functional.relu(fc1.forward(x.flatten(1)));
        return (fc21.forward(h).MoveToOuterDisposeScope(), fc22.forward(h).MoveToOuterDisposeScope());
    }

    /// <summary>Logits of p(x|z): (B, latentDim) -> (B, 1, H, W). Use <see cref="Decode"/> for images.</summary>
    public Tensor DecodeLogits(Tensor z)
    {
        using var _ = NewDisposeScope();
        var h = functional.relu(fc3.forward(z));
        return fc4.forward(h).view([z.shape[0], .. imageShape]).MoveToOuterDisposeScope();
    }

    /// <summary>The decoder's image (Bernoulli means in [0, 1]) for latent codes (B, latentDim).</summary>
    public Tensor Decode(Tensor z)
    {
        using var _ = NewDisposeScope();
        return sigmoid(DecodeLogits(z)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The reparameterisation trick: z = mu + sigma * eps with eps ~ N(0, I) and sigma = exp(logVar / 2). The sample
    /// is a differentiable function of (mu, logVar), so gradients reach the encoder.
    /// </summary>
    public static Tensor Reparameterize(Tensor mu, Tensor logVar, Generator? generator = null)
    {
        using var _ = NewDisposeScope();
        var std = (0.5 * logVar).exp();
        var eps = randn(mu.shape, dtype: mu.dtype, device: mu.device, generator: generator);
        return (mu + eps * std).MoveToOuterDisposeScope();
    }

    /// <summary>Encode, sample z with <paramref name="generator"/> (or torch's global generator), decode.</summary>
    public (Tensor Logits, Tensor Mu, Tensor LogVar) Forward(Tensor x, Generator? generator)
    {
        using var _ = NewDisposeScope();
        var (mu, logVar) = Encode(x);
        var logits = DecodeLogits(Reparameterize(mu, logVar, generator));
        return (logits.MoveToOuterDisposeScope(), mu.MoveToOuterDisposeScope(), logVar.MoveToOuterDisposeScope());
    }

    public override (Tensor Logits, Tensor Mu, Tensor LogVar) forward(Tensor x) => Forward(x, null);
}

/// <summary>The two terms of the VAE loss, per image (summed over pixels and latent dimensions, averaged over the batch).</summary>
public static class VaeLoss
{
    /// <summary>
    /// KL(q(z|x) || N(0, I)) = -1/2 sum_j (1 + log sigma_j^2 - mu_j^2 - sigma_j^2)
    /// (Kingma and Welling 2014, appendix B), summed over latent dimensions, averaged over the batch.
    /// </summary>
    public static Tensor Kl(Tensor mu, Tensor logVar)
    {
        using var _ = NewDisposeScope();
        var perImage = (1 + logVar - mu.pow(2) - logVar.exp()).sum(1).mul(-0.5);
        return perImage.mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// -log p(x|z) for Bernoulli pixels: binary cross-entropy summed over pixels, averaged over the batch. Takes the
    /// decoder's logits (the numerically stable form of BCE(sigmoid(logits), x)); targets must be in [0, 1].
    /// </summary>
    public static Tensor Reconstruction(Tensor logits, Tensor x)
    {
        using var _ = NewDisposeScope();
        var sum = functional.binary_cross_entropy_with_logits(logits, x, reduction: Reduction.Sum);
        return (sum / x.shape[0]).MoveToOuterDisposeScope();
    }

    /// <summary>The loss a VAE trains on for the chosen <paramref name="objective"/> (Both = the negative ELBO).</summary>
    public static Tensor Total(Tensor reconstruction, Tensor kl, VaeObjective objective) => objective switch
    {
        VaeObjective.Both => reconstruction + kl,
        VaeObjective.ReconstructionOnly => reconstruction.alias(),
        VaeObjective.KlOnly => kl.alias(),
        _ => throw new ArgumentOutOfRangeException(nameof(objective), objective, "Use Both, ReconstructionOnly or KlOnly."),
    };
}
