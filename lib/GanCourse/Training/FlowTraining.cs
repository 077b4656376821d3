using GanCourse.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Training;

/// <summary>Settings of a flow run: <paramref name="Steps"/> Adam steps on fresh batches of <paramref name="Batch"/> points.</summary>
public sealed record FlowTrainingConfig(int Steps = 2000, int Batch = 256, double Lr = 1e-3);

/// <summary>
/// Maximum-likelihood training of a <see cref="RealNvp"/>: each step draws a batch from the data distribution and takes
/// an Adam step on −(1/N) Σ log p(x_n) (the lecture's "minimise the negative log-likelihood"), one dispose scope per
/// step, stopping with a message on NaN/Inf. Seed with <see cref="Runtime.Course.Seed"/> before building the flow.
/// </summary>
public static class FlowTraining
{
    /// <param name="data">Draws n points (n, dim) of the data distribution, e.g. <c>n =&gt; ToyData.Ring(n).Samples</c>.</param>
    /// <returns>Per step: "NLL (nats)", the batch's mean negative log-likelihood.</returns>
    public static LossHistory Train(RealNvp flow, Func<int, Tensor> data, FlowTrainingConfig? config = null,
        Action<long, IReadOnlyDictionary<string, float>, int>? onStep = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var c = config ?? new FlowTrainingConfig();
        if (c.Steps < 1) throw new ArgumentOutOfRangeException(nameof(config), c.Steps, "Steps must be at least 1.");
        if (c.Batch < 1) throw new ArgumentOutOfRangeException(nameof(config), c.Batch, "Batch must be at least 1.");
        if (!(c.Lr > 0)) throw new ArgumentOutOfRangeException(nameof(config), c.Lr, "Lr must be positive, e.g. 1e-3.");
        var device = SupervisedLoop.DeviceOf(flow);
        var history = new LossHistory();
        using var opt = optim.Adam(flow.parameters(), c.Lr);
        flow.train();
        for (long step = 0; step < c.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var x = data(c.Batch).to(device);
            opt.zero_grad();
            var nll = -flow.LogProb(x).mean();
            nll.backward();
            var value = NonFiniteGuard.Loss(nll, "flow negative log-likelihood", step);
            opt.step();
            var losses = new Dictionary<string, float> { ["NLL (nats)"] = value };
            history.Add(losses);
            onStep?.Invoke(step + 1, losses, c.Batch);
        }
        flow.eval();
        return history;
    }
}
