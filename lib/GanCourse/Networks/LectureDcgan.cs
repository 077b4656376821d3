using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GanCourse.Networks;

/// <summary>
/// The DCGAN generator of lecture 004, layer for layer (parameter names match its PyTorch state dict:
/// <c>l1.0.weight</c>, <c>conv_blocks.2.weight</c>, ...). Noise -> Linear -> 128 x s/4 x s/4 -> two
/// (Upsample x2, Conv 3x3, BatchNorm, LeakyReLU) blocks -> Conv 3x3 -> tanh.
/// nn.Upsample(scale_factor=2) is <see cref="NearestUpsample2x"/>: the same values and gradients, faster on the CPU.
/// Note <c>BatchNorm2d(128, 0.8)</c> in the seed: the second positional argument of PyTorch's BatchNorm2d is
/// <c>eps</c>, not momentum, so these layers use eps = 0.8 (kept here for exactness).
/// </summary>
public sealed class LectureDcganGenerator : Module<Tensor, Tensor>
{
    readonly int initSize;
    readonly Sequential l1, conv_blocks;

    public LectureDcganGenerator(int latentDim = 100, int imgSize = 32, int channels = 1) : base(nameof(LectureDcganGenerator))
    {
        initSize = imgSize / 4;
        l1 = Sequential(Linear(latentDim, 128 * initSize * initSize));
        conv_blocks = Sequential(
            BatchNorm2d(128),
            new NearestUpsample2x(), // = Upsample(scale_factor: [2.0, 2.0]), same values, faster on CPU
            Conv2d(128, 128, 3, stride: 1, padding: 1),
            BatchNorm2d(128, eps: 0.8),
            LeakyReLU(0.2, inplace: true),
            new NearestUpsample2x(),
            Conv2d(128, 64, 3, stride: 1, padding: 1),
            BatchNorm2d(64, eps: 0.8),
            LeakyReLU(0.2, inplace: true),
            Conv2d(64, channels, 3, stride: 1, padding: 1),
            Tanh());
        RegisterComponents();
    }

    public override Tensor forward(Tensor z)
    {
        using var _ = NewDisposeScope();
        var out_ = l1.forward(z).view(z.shape[0], 128, initSize, initSize);
        return conv_blocks.forward(out_).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The DCGAN discriminator of lecture 004: four blocks of (Conv 3x3 stride 2, LeakyReLU 0.2, Dropout2d 0.25,
/// BatchNorm eps 0.8 except in the first block), then Linear -> sigmoid.
/// With <c>logits: true</c> the final Sigmoid is left out and the network returns the logit l (D = σ(l)), the form
/// the course's losses and <see cref="Training.AdversarialTrainer"/> take: BCE(σ(l), y) computed as
/// BCEWithLogits(l, y) is the same function, without ever taking log 0. The parameters are the same either way.
/// </summary>
public sealed class LectureDcganDiscriminator : Module<Tensor, Tensor>
{
    readonly Sequential model, adv_layer;

    public LectureDcganDiscriminator(int imgSize = 32, int channels = 1, bool logits = false) : base(nameof(LectureDcganDiscriminator))
    {
        if (imgSize < 16 || imgSize % 16 != 0)
            throw new ArgumentOutOfRangeException(nameof(imgSize), imgSize, "the seed's discriminator halves the image 4 times: use a multiple of 16 (32 for the lecture)");
        var layers = new List<Module<Tensor, Tensor>>();
        void Block(int inF, int outF, bool bn)
        {
            layers.AddRange([Conv2d(inF, outF, 3, stride: 2, padding: 1), LeakyReLU(0.2, inplace: true), Dropout2d(0.25)]);
            if (bn) layers.Add(BatchNorm2d(outF, eps: 0.8));
        }
        Block(channels, 16, bn: false);
        Block(16, 32, bn: true);
        Block(32, 64, bn: true);
        Block(64, 128, bn: true);
        model = Sequential(layers);
        var ds = imgSize / 16;
        adv_layer = logits ? Sequential(Linear(128 * ds * ds, 1)) : Sequential(Linear(128 * ds * ds, 1), Sigmoid());
        RegisterComponents();
    }

    public override Tensor forward(Tensor img)
    {
        using var _ = NewDisposeScope();
        var out_ = model.forward(img);
        return adv_layer.forward(out_.view(out_.shape[0], -1)).MoveToOuterDisposeScope();
    }
}

public static class Init
{
    /// <summary>
    /// The DCGAN paper's initialisation as in lecture 004's <c>weights_init_normal</c>: conv weights ~ N(0, 0.02),
    /// BatchNorm weights ~ N(1, 0.02) and biases 0. Use with <c>model.apply(Init.DcganNormal)</c>.
    /// </summary>
    public static void DcganNormal(Module m)
    {
        using var _ = no_grad();
        switch (m)
        {
            case Conv2d c: init.normal_(c.weight!, 0.0, 0.02); break;
            case ConvTranspose2d ct: init.normal_(ct.weight!, 0.0, 0.02); break;
            case BatchNorm2d bn:
                init.normal_(bn.weight!, 1.0, 0.02);
                init.constant_(bn.bias!, 0.0);
                break;
        }
    }
}
