// Trains the kit's small StyleGAN (32x32, MNIST or Fashion-MNIST) and writes G_ema as a PyTorch .pt state dict.
//   dotnet run -c Release --project tools/GanCourse.TrainStyleGan -- --dataset mnist --steps 3000 --out data/stylegan/small32-mnist.pt
// Options: --dataset mnist|fashion-mnist, --steps N, --batch N, --seed N, --threads N, --every N (checkpoint + sample grid).
using System.Diagnostics;
using GanCourse.Data;
using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Training;
using GanCourse.Visuals;
using static TorchSharp.torch;

var opts = new Dictionary<string, string>();
for (var i = 0; i + 1 < args.Length; i += 2) opts[args[i].TrimStart('-')] = args[i + 1];
string Opt(string k, string d) => opts.TryGetValue(k, out var v) ? v : d;
var dataset = Opt("dataset", "mnist");
var steps = int.Parse(Opt("steps", "3000"));
var batch = int.Parse(Opt("batch", "32"));
var seed = int.Parse(Opt("seed", "42"));
var every = int.Parse(Opt("every", "250"));
var output = Opt("out", $"data/stylegan/small32-{dataset}.pt");

Course.Init(profile: "cpu", seed: seed, threads: int.Parse(Opt("threads", "1")));
using var data = ImageDataset.Load(dataset, "train", pad32: true);
var config = StyleGanTrainConfig.Small32 with { BatchSize = batch };
using var training = new StyleGanTraining(config, Course.Device, seed);
Console.WriteLine($"{dataset}: {data.Count} images; {config}; G {training.Generator.parameters().Sum(p => p.numel())} parameters, D {training.Discriminator.parameters().Sum(p => p.numel())}");
using var fixedZ = randn(64, config.Generator.LatentSize, generator: new TorchSharp.torch.Generator(7));
var clock = Stopwatch.StartNew();
var epoch = 0;
while (training.Steps < steps)
{
    foreach (var (x, _) in data.Batches(batch, seed: seed + epoch, dropLast: true))
    {
        var s = training.Step(x);
        if (s.Step % 50 == 0)
            Console.WriteLine($"step {s.Step,5}  D {s.D:F3}  G {s.G:F3}  R1 {s.R1:F3}  D(x) {s.RealScore:F2}  D(G(z)) {s.FakeScore:F2}  {clock.Elapsed.TotalSeconds:F0} s");
        if (training.Steps % every == 0 || training.Steps == steps)
        {
            training.SaveGeneratorEma(output);
            using (no_grad())
            using (var img = training.GeneratorEma.forward(fixedZ))
                ImageGrid.From(img.clamp(-1, 1), nrow: 8, normalize: true, valueRange: (-1, 1)).Save(Path.ChangeExtension(output, ".png"));
            Console.WriteLine($"saved {output} at step {training.Steps} ({new FileInfo(output).Length / 1024} KiB, {clock.Elapsed.TotalMinutes:F1} min)");
        }
        x.Dispose();
        if (training.Steps >= steps) break;
    }
    epoch++;
}
