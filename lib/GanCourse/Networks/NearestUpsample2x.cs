using GanCourse.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Networks;

/// <summary>
/// <c>nn.Upsample(scale_factor=2)</c> (nearest neighbour) for (N, C, H, W) tensors, with the same values and
/// gradients: out[n, c, 2h + i, 2w + j] = x[n, c, h, w] for i, j in {0, 1}, and the gradient of x is the sum over
/// each 2x2 block of the output's gradient.
/// <para>
/// On the CPU with oneDNN (the kit's default) it is computed as a depthwise transposed convolution with a fixed
/// 2x2 kernel of ones and stride 2: every output pixel receives exactly one input pixel times 1, so the values are
/// bit for bit those of nearest upsampling (NaN and Inf included); the input gradient sums the same four numbers
/// (possibly in another order, so it may differ in the last bit). Why: libtorch 2.10's nearest-upsampling CPU
/// kernel is several times slower than this at the seed DCGAN's sizes (environment.md, 'CPU correctness and
/// speed'; <c>dotnet run --project tools/GanCourse.Bench -- --ops</c>). Elsewhere (CUDA, other dtypes, oneDNN off,
/// where the transposed convolution has no fast kernel) it calls nearest interpolation itself. It holds no
/// parameters or buffers, so state dicts keep the seed's names. NearestUpsample2xTests checks the equality.
/// </para>
/// </summary>
public sealed class NearestUpsample2x : nn.Module<Tensor, Tensor>
{
    public NearestUpsample2x() : base(nameof(NearestUpsample2x)) { }

    public override Tensor forward(Tensor x) => Apply(x);

    public static Tensor Apply(Tensor x)
    {
        if (x.dim() != 4) throw new ArgumentException($"NearestUpsample2x expects (N, C, H, W), got shape [{string.Join(", ", x.shape)}].", nameof(x));
        if (x.device_type != DeviceType.CPU || x.dtype != ScalarType.Float32 || !CpuBackend.UserEnabledMkldnn)
            return nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        var c = x.shape[1];
        using var kernel = ones(c, 1, 2, 2, dtype: x.dtype);
        return nn.functional.conv_transpose2d(x, kernel, strides: [2, 2], groups: c);
    }
}
