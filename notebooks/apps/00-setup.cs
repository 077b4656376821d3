// Generated from 00-setup.ipynb by `dotnet run --project tools/GanCourse.Runner -- --export-apps`; do not edit: change the notebook and regenerate.
// Runs the lesson with no notebook host:  dotnet run notebooks/apps/00-setup.cs
// GANCOURSE_PROFILE=ci|cpu|gpu picks the profile; the displayed values go to output/apps/00-setup.html.
#:project ../../lib/GanCourse/GanCourse.csproj
#:project ../../tools/GanCourse.Runner/GanCourse.Runner.csproj
#:property PublishAot=false
#:property CreateHardLinksForCopyLocalIfPossible=true
#:property NoWarn=$(NoWarn);CS8600;CS8601;CS8602;CS8603;CS8604;CS8618;CS8625;CS8632

using GanCourse.Runtime;
using GanCourse.Exercises;
using GanCourse.Visuals;
using TorchSharp;
using static TorchSharp.torch;
using GanCourse.Runner;
using static GanCourse.Runner.NotebookApp; // display(...), as in a notebook

NotebookApp.Start("00-setup", "5257e8f12943ddc2");

// # 00 · Setting up the course
//
// Welcome to **GanCourse**, a course on generative adversarial networks in C# with
// [TorchSharp](https://github.com/dotnet/TorchSharp) (the .NET binding of PyTorch's libtorch).
//
// This notebook checks that everything the later notebooks need works on your machine:
//
// 1. the course library loads and libtorch starts (on CPU or CUDA),
// 2. tensors compute and gradients flow,
// 3. an interactive **Plotly** chart renders,
// 4. an **image grid** renders.
//
// Run the cells from top to bottom (`Ctrl+Alt+Enter` runs them all in VS Code). If a cell fails, the last
// section says what to do.

// ## 1. Load the course library
//
// Every notebook starts with the same cell. `#r` loads the compiled helper library (built by the README's
// command into `lib/bin/`); `Course.Init()` then
//
// * makes libtorch load on this machine (see `environment.md`, *Native runtime*),
// * picks the device: CUDA when a GPU is available, else the CPU (`GANCOURSE_DEVICE=cpu` forces the CPU),
// * picks the **profile**, i.e. how much training each notebook does: `ci` (a smoke run in seconds),
//   `cpu` (meaningful results on a laptop in minutes), `gpu` (the lectures' full settings),
//   from `GANCOURSE_PROFILE`, else `gpu` with CUDA and `cpu` without,
// * applies the CPU thread settings the kit has tested, and seeds every random number generator.
//
// It prints one line with what it chose.

NotebookApp.Cell(3);
var course = Course.Init();

// ## 2. Tensors and gradients
//
// A tensor operation and a backward pass through a small convolution: the gradient of
// $L = \sum_i y_i^2$ with $y = \mathrm{conv}(x)$ must be finite everywhere. Later notebooks do exactly this
// thousands of times per training run.

// **Exercise 0.1 (predict).** The cell below runs `nn.Conv2d(3, 4, 3, padding: 1)` (3 input channels, 4 output channels, $3 \times 3$ kernels, padding $p = 1$, stride $s = 1$) on a batch `x` of shape $[8, 3, 16, 16]$. Before running it: how many numbers does the output `y` hold (`y.numel()`)? Each side becomes $H_{out} = (H + 2p - k)/s + 1$.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("00.1")` in a new cell reveals the worked solution.

NotebookApp.Cell(6);
double yNumel = double.NaN;   // the number of elements of y = conv(x)
display(Exercise.Check("00.1", yNumel));

NotebookApp.Cell(7);
var x = torch.randn(8, 3, 16, 16, device: course.Device).requires_grad_(true);
var conv = nn.Conv2d(3, 4, 3, padding: 1).to(course.Device);
var y = conv.forward(x);
var loss = y.pow(2).sum();
loss.backward();
var finite = x.grad!.isfinite().all().item<bool>();
Console.WriteLine($"y: [{string.Join(", ", y.shape)}]   loss = {loss.item<float>():F2}   dL/dx finite: {finite}");
if (!finite) throw new InvalidOperationException("Non-finite gradient: see environment.md, 'CPU correctness'.");

// **Exercise 0.2 (experiment).** Run the cell above a second time: does the printed loss stay the same? Then put `Course.Seed(course.Seed);` as its first line and run it twice more. What changes, and why do the training notebooks call `Course.Seed` before every run they compare? `Exercise.Solution("00.2")` says what to look for.

// ## 3. A Plotly chart
//
// The course draws loss curves, sample clouds and metrics with [Plotly.NET](https://plotly.net/). Charts are
// interactive: hover for values, drag to zoom, double-click to reset. They work offline: the first chart embeds
// plotly.js. Here are the sigmoid $\sigma(x) = 1/(1+e^{-x})$, which turns a discriminator's score into a
// probability, and its derivative $\sigma'(x) = \sigma(x)(1-\sigma(x))$, which vanishes for large $|x|$:
// the root of the *vanishing gradients* problem we meet in notebook 03.

NotebookApp.Cell(10);
var xs = Enumerable.Range(0, 161).Select(i => -8 + i * 0.1).ToArray();
double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
display(Charts.Lines("Sigmoid and its derivative", "x", "value",
    new Series("σ(x)", xs, xs.Select(Sigmoid).ToArray()),
    new Series("σ'(x)", xs, xs.Select(v => Sigmoid(v) * (1 - Sigmoid(v))).ToArray())));

// ## 4. An image grid
//
// Generated images are shown as grids, like torchvision's `make_grid`. Here are 32 images computed with
// tensor operations: plane waves $\cos(k_x u + k_y v)$ with a different frequency in each image, in $[-1, 1]$,
// the range a `tanh` generator produces.

// **Exercise 0.3 (predict).** In the cell below, `k.view(32, 1, 1)` has shape $[32, 1, 1]$, `u` has shape $[1, 1, 28]$ and `v` has shape $[1, 28, 1]$. What is the shape of `k.view(32, 1, 1) * u + k.view(32, 1, 1) * v`? (a) $[32, 28]$, (b) $[32, 1, 28]$, (c) $[32, 28, 28]$, (d) an error: the shapes do not match. The grid shows the answer; predict first.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("00.3")` in a new cell reveals the worked solution.

NotebookApp.Cell(13);
string prediction = "";   // "a", "b", "c" or "d"
display(Exercise.Check("00.3", prediction));

NotebookApp.Cell(14);
var coords = torch.linspace(-Math.PI, Math.PI, 28);
var (u, v) = (coords.view(1, 1, 28), coords.view(1, 28, 1));
var k = torch.arange(32, dtype: float32);
var waves = torch.cos(k.view(32, 1, 1).remainder(8) * u + (k.view(32, 1, 1) / 8).floor() * v).unsqueeze(1);
display(ImageGrid.From(waves, nrow: 8, valueRange: (-1, 1), title: "32 plane waves, 28x28 each"));

// **Exercise 0.4 (code).** Broadcasting at work: write a function that standardises each **row** of a matrix $x$ of shape $[N, D]$, $\hat x_{ij} = (x_{ij} - \bar x_i) / s_i$ with the row's mean $\bar x_i$ and (unbiased, torch's default) standard deviation $s_i$. Use `keepdim: true` so that the $[N, 1]$ statistics broadcast against $[N, D]$. The check compares your function with the reference on a random $8 \times 5$ matrix.
//
// Put your answer in the cell below and run it: `Exercise.Check` says right, or what is wrong (never the answer). `Exercise.Solution("00.4")` in a new cell reveals the worked solution.

NotebookApp.Cell(16);
Func<Tensor, Tensor> standardise = x => throw new NotImplementedException();   // replace: subtract each row's mean, divide by each row's std
display(Exercise.Check("00.4", standardise));

// ## 5. If something is wrong
//
// | symptom | what to do |
// |---|---|
// | `#r` fails: *metadata file could not be found* | Build the library: `dotnet build lib/GanCourse` (the README's commands do it), then restart the kernel. |
// | `GLIBCXX_3.4.32 not found` or `TorchSharp ... cannot load` | The kit patches a copy of TorchSharp's native library for older Linux systems; see `environment.md`, *Native runtime*, for the cache folder and how to reset it. |
// | `GANCOURSE_DEVICE=cuda ... not available` | This build uses the CPU libtorch. See `environment.md`, *CPU or CUDA*. |
// | Charts stay empty | Re-run the chart cell after `Figure.ResetBundle()`; in VS Code make sure the output is *trusted*. |
// | Training is slow | Use the `ci` or `cpu` profile (`GANCOURSE_PROFILE=cpu`) and see `environment.md`, *CPU threads*. |
//
// The summary below is what to paste into a question or a bug report.

NotebookApp.Cell(18);
Console.WriteLine(course);
Console.WriteLine($"OS: {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, {Environment.ProcessorCount} cores");
Console.WriteLine($"CUDA available: {torch.cuda.is_available()}");

NotebookApp.End();
