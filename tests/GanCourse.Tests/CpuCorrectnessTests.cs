using GanCourse.Runtime;
using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>
/// Regression tests for the CPU convolution-backward NaNs seen with libtorch 2.10's oneDNN at 2 threads
/// (foundation issue): with the kit's default settings, many backward passes must give finite input gradients
/// that match a float64 reference.
/// </summary>
public class CpuCorrectnessTests
{
    [Theory]
    [InlineData(64, 1, 32)]
    [InlineData(64, 2, 32)]
    [InlineData(64, 3, 32)]
    [InlineData(64, 8, 32)]
    [InlineData(16, 1, 32)]
    public void Conv_backward_input_gradients_are_finite_and_correct_at_default_settings(int cin, int cout, int hw)
    {
        Course.Init(profile: "ci", quiet: true);
        Assert.Equal(Environment.ProcessorCount, torch.get_num_threads());
        using var junk = JunkFill.On(); // any read of uninitialised memory now yields NaN every time
        torch.manual_seed(1234);
        using var conv = nn.Conv2d(cin, cout, 3, padding: 1);
        using var conv64 = nn.Conv2d(cin, cout, 3, padding: 1).to(float64);
        using (no_grad())
        {
            conv64.weight!.copy_(conv.weight!);
            conv64.bias!.copy_(conv.bias!);
        }
        int nonFinite = 0, wrong = 0;
        double worst = 0;
        const int passes = 100;
        for (int i = 0; i < passes; i++)
        {
            using var _ = NewDisposeScope();
            var x = randn(64, cin, hw, hw).requires_grad_(true);
            var gy = randn(64, cout, hw, hw);
            autograd.backward([conv.forward(x)], [gy]);
            var dx = x.grad!;
            if (!dx.isfinite().all().item<bool>()) { nonFinite++; continue; }
            if (i % 10 == 0) // compare with float64 every 10th pass (the reference is slower)
            {
                var x64 = x.detach().to(float64).requires_grad_(true);
                autograd.backward([conv64.forward(x64)], [gy.to(float64)]);
                var err = (dx.to(float64) - x64.grad!).abs().max().item<double>();
                worst = Math.Max(worst, err);
                if (err > 1e-3) wrong++;
            }
            conv.zero_grad();
        }
        Assert.True(nonFinite == 0, $"{nonFinite} of {passes} conv backward passes ({cin}->{cout}, {hw}x{hw}) gave NaN/Inf input gradients");
        Assert.True(wrong == 0, $"{wrong} sampled passes differ from the float64 reference (worst {worst:g3})");
    }

    [Fact]
    public void OpenMP_is_configured_before_libtorch_loads()
    {
        // libgomp's dynamic teams make oneDNN's conv weight-gradient reduction wait forever for a missing thread.
        Assert.Equal("false", OpenMp.Get("OMP_DYNAMIC"));
        Assert.NotNull(OpenMp.Get("OMP_WAIT_POLICY"));
        Assert.Contains("OpenMP", Course.Settings.CpuKernels);
        Assert.Contains("oneDNN on", Course.Settings.CpuKernels);
    }

    // 200 full training steps of the lecture DCGAN (about 2 minutes on 2 free cores): an end-to-end check, run by the
    // README's test command but not by the quick unit-test filter
    [Fact]
    [Trait("Category", "Integration")]
    public void Lecture_dcgan_trains_200_steps_with_finite_losses_and_gradients_at_default_settings()
    {
        Course.Init(profile: "ci", quiet: true);
        torch.manual_seed(0);
        // notebook 04's loop: AdversarialTrainer, non-saturating loss, Adam(2e-4, (0.5, 0.999)), gradients checked;
        // each real batch is made inside the trainer's per-step dispose scope
        using var trainer = LectureDcganTrainer.Create(() => rand(64, 1, 32, 32) * 2 - 1, device: CPU);
        var losses = trainer.Train(200); // throws NonFiniteException on NaN/Inf loss or gradient
        Assert.Equal(200, trainer.Step);
        Assert.All(losses, l => Assert.True(float.IsFinite(l.D) && float.IsFinite(l.G)));
        // it is learning: on uniform noise as "real" data, D quickly separates real from generated
        Assert.True(losses.Skip(150).Average(l => l.D) < losses.Take(10).Average(l => l.D),
            $"D loss did not decrease: first {losses.Take(10).Average(l => l.D):F3}, last {losses.Skip(150).Average(l => l.D):F3}");
    }

    [Fact]
    public void Guard_stops_on_a_non_finite_loss_with_a_message_naming_it()
    {
        using var nan = tensor(float.NaN);
        var e = Assert.Throws<NonFiniteException>(() => NonFiniteGuard.Loss(nan, "D loss", 17));
        Assert.Contains("D loss became NaN at step 17", e.Message);

        using var lin = nn.Linear(2, 1);
        lin.weight!.grad = full(1, 2, float.PositiveInfinity);
        var g = Assert.Throws<NonFiniteException>(() => NonFiniteGuard.Gradients(lin, "critic", 3));
        Assert.Contains("'weight'", g.Message);
        Assert.Contains("step 3", g.Message);
    }
}

/// <summary>
/// Turns on libc10's allocator junk fill: every new CPU buffer starts as NaN, so a kernel that reads memory it
/// never wrote produces NaN deterministically instead of now and then.
/// </summary>
sealed class JunkFill : IDisposable
{
    readonly IntPtr flag;

    JunkFill(IntPtr flag) { this.flag = flag; System.Runtime.InteropServices.Marshal.WriteByte(flag, 1); }

    public static JunkFill On()
    {
        Assert.True(System.Runtime.InteropServices.NativeLibrary.TryLoad("libc10.so", out var c10), "libc10.so is not loaded");
        var junk = new JunkFill(System.Runtime.InteropServices.NativeLibrary.GetExport(c10, "FLAGS_caffe2_cpu_allocator_do_junk_fill"));
        using var fresh = torch.empty(1024);
        Assert.True(fresh.isnan().all().item<bool>(), "junk fill is not in effect: a fresh tensor is not NaN");
        return junk;
    }

    public void Dispose() => System.Runtime.InteropServices.Marshal.WriteByte(flag, 0);
}
