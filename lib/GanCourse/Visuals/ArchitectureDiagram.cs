using System.Globalization;
using System.Net;
using System.Text;
using GanCourse.Interactive;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Visuals;

/// <summary>One tensor between layers: its shape without the batch dimension and the layers that made it.</summary>
public sealed record DiagramStage(long[] Shape, string Operation);

/// <summary>
/// The architecture of a feed-forward network drawn as the papers draw it (DCGAN's Figure 1): one block per
/// feature map, its height growing with the resolution and its depth with the channels, and the layers between
/// two blocks written on the arrow. <see cref="Trace"/> reads the stages from the network itself by running a
/// batch of one through its layers, so the drawing is of the model in use, not of a picture of it.
/// </summary>
[Microsoft.DotNet.Interactive.Formatting.TypeFormatterSource(typeof(HtmlFormatterSource))]
public sealed class ArchitectureDiagram : IHtmlView
{
    public string Title { get; }
    public IReadOnlyList<DiagramStage> Stages { get; }

    public ArchitectureDiagram(string title, IReadOnlyList<DiagramStage> stages)
    {
        if (stages.Count < 2) throw new ArgumentException("A diagram needs an input and at least one layer.", nameof(stages));
        (Title, Stages) = (title, stages);
    }

    /// <summary>
    /// Runs <paramref name="input"/> (one sample, with its batch dimension) through the leaf layers of
    /// <paramref name="network"/> in registration order and records a stage after each layer with weights (a
    /// convolution or linear layer), writing the parameter-free layers after it (BatchNorm, ReLU, Tanh) on the same arrow.
    /// A flatten before a linear layer and a reshape from a vector to feature maps (inferred from the next layer's
    /// weights) are done as the network's forward does them. Works for networks whose forward is this chain of layers.
    /// </summary>
    public static ArchitectureDiagram Trace(string title, nn.Module network, Tensor input)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var wasTraining = network.training;
        network.eval();
        try
        {
            var x = input;
            var stages = new List<DiagramStage> { new(x.shape[1..], "input") };
            // the layers of the arrow into the last stage, and those already past it (a shape change starts the next arrow)
            List<string> current = [], next = [];
            foreach (var (_, layer) in network.named_modules())
            {
                if (layer.named_children().Any()) continue; // containers: their leaves follow
                if (layer is not nn.Module<Tensor, Tensor> f) throw new ArgumentException($"{layer.GetType().Name} is not a Tensor -> Tensor layer: Trace cannot run it.", nameof(network));
                var weight = layer.named_parameters(recurse: false).FirstOrDefault(p => p.name == "weight").parameter;
                var before = x.shape;
                x = Shape(x, layer, weight);
                if (!x.shape.SequenceEqual(before)) next.Add(x.dim() == 2 ? "flatten" : "reshape");
                var inH = x.dim() == 4 ? x.shape[2] : 0;
                var shapeIn = x.shape;
                x = f.forward(x);
                var learned = weight is not null && layer is not TorchSharp.Modules.BatchNorm1d and not TorchSharp.Modules.BatchNorm2d;
                if (learned)
                {
                    Close(stages, current);
                    current = [.. next, Describe(layer, weight!, inH, x)];
                    next = [];
                    stages.Add(new DiagramStage(x.shape[1..], ""));
                }
                else if (next.Count == 0 && x.shape.SequenceEqual(shapeIn)) current.Add(layer.GetType().Name);
                else next.Add(layer.GetType().Name);
            }
            Close(stages, current);
            if (next.Count > 0) stages.Add(new DiagramStage(x.shape[1..], string.Join(" + ", next)));
            return new ArchitectureDiagram(title, stages);
        }
        finally { network.train(wasTraining); }
    }

    static void Close(List<DiagramStage> stages, List<string> ops)
    {
        if (ops.Count == 0 || stages.Count < 2) return;
        stages[^1] = stages[^1] with { Operation = string.Join(" + ", ops) };
    }

    // reshape the input the way the next layer expects it, as the network's forward does
    static Tensor Shape(Tensor x, nn.Module layer, Tensor? weight)
    {
        switch (layer)
        {
            case TorchSharp.Modules.Linear when x.dim() > 2:
                return x.flatten(1);
            case TorchSharp.Modules.ConvTranspose2d when x.dim() == 2 && weight is not null:
                return x.view(x.shape[0], weight.shape[0], 1, 1);   // z as a 1x1 map: "project and reshape"
            case TorchSharp.Modules.Conv2d or TorchSharp.Modules.BatchNorm2d when x.dim() == 2 && weight is not null:
                var c = layer is TorchSharp.Modules.Conv2d ? weight.shape[1] : weight.shape[0];
                var side = (long)Math.Round(Math.Sqrt(x.shape[1] / (double)c));
                if (c * side * side != x.shape[1])
                    throw new ArgumentException($"Cannot reshape a vector of {x.shape[1]} into {c} square feature maps for {layer.GetType().Name}.");
                return x.view(x.shape[0], c, side, side);
            default:
                return x;
        }
    }

    static string Describe(nn.Module layer, Tensor weight, long inH, Tensor output)
    {
        var name = layer.GetType().Name;
        if (weight.dim() == 4 && output.dim() == 4 && inH > 0)
        {
            var k = weight.shape[2];
            var outH = output.shape[2];
            var how = outH > inH ? $" (×{outH / inH})" : outH < inH ? $" (/{inH / outH})" : "";
            return $"{name} {k}×{k}{how}";
        }
        return name;
    }

    static string ShapeText(long[] s) => string.Join("×", s.Select(v => v.ToString(CultureInfo.InvariantCulture)));

    public override string ToString() =>
        $"{Title}: " + string.Join(" -> ", Stages.Select((s, i) => i == 0 ? ShapeText(s.Shape) : $"[{s.Operation}] {ShapeText(s.Shape)}"));

    public string ToHtml()
    {
        // block sizes on log scales: 4x4 to 64x64 maps and 1 to 1,024 channels all fit one line
        static double Height(long[] s) => s.Length >= 3 ? 26 + 20 * Math.Log2(Math.Max(1, s[^1])) : 26 + 9 * Math.Log2(Math.Max(1, s[0]));
        static double Depth(long[] s) => s.Length >= 3 ? 4 + 5 * Math.Log2(Math.Max(1, s[0])) : 6;
        // each arrow as long as its longest label line (about 6.5 px a character at 11 px)
        double Gap(int i) => Math.Max(110, 6.5 * Stages[i].Operation.Split(" + ").Max(p => p.Length) + 24);
        var top = 20 + 14 * Stages.Skip(1).Max(s => s.Operation.Split(" + ").Length);
        var maxH = Stages.Max(s => Height(s.Shape));
        var width = Stages.Sum(s => Depth(s.Shape) + 18) + Enumerable.Range(1, Stages.Count - 1).Sum(Gap) + 40;
        var height = top + maxH + 40;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<div class=\"gancourse-diagram\"><div style=\"font-weight:600;margin:4px 0\">{WebUtility.HtmlEncode(Title)}</div>");
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:F0}\" height=\"{height:F0}\" font-family=\"sans-serif\" font-size=\"12\">");
        sb.Append("<defs><marker id=\"gc-arrow\" markerWidth=\"8\" markerHeight=\"8\" refX=\"7\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#555\"/></marker></defs>");
        double x = 20, mid = top + maxH / 2;
        for (int i = 0; i < Stages.Count; i++)
        {
            var s = Stages[i].Shape;
            double h = Height(s), d = Depth(s), y = mid - h / 2, off = Math.Min(14, d * 0.6);
            var fill = i == 0 ? "#e3f2fd" : i == Stages.Count - 1 ? "#e8f5e9" : "#fff3e0";
            // a box seen from the side: front face, top face, right face
            sb.Append(CultureInfo.InvariantCulture, $"<polygon points=\"{x + off},{y - off} {x + off + d},{y - off} {x + d},{y} {x},{y}\" fill=\"{fill}\" stroke=\"#777\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<polygon points=\"{x + d},{y} {x + off + d},{y - off} {x + off + d},{y + h - off} {x + d},{y + h}\" fill=\"{fill}\" stroke=\"#777\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y}\" width=\"{d}\" height=\"{h}\" fill=\"{fill}\" stroke=\"#555\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + d / 2}\" y=\"{y + h + 18}\" text-anchor=\"middle\">{ShapeText(s)}</text>");
            x += d + off + 4;
            if (i + 1 < Stages.Count)
            {
                var gap = Gap(i + 1);
                sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x + 6}\" y1=\"{mid}\" x2=\"{x + gap - 10}\" y2=\"{mid}\" stroke=\"#555\" marker-end=\"url(#gc-arrow)\"/>");
                var parts = Stages[i + 1].Operation.Split(" + ");
                for (int k = 0; k < parts.Length; k++)
                    sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + gap / 2}\" y=\"{mid - 8 - 14 * (parts.Length - 1 - k)}\" text-anchor=\"middle\" font-size=\"11\">{WebUtility.HtmlEncode(parts[k])}</text>");
                x += gap;
            }
        }
        return sb.Append("</svg></div>").ToString();
    }
}
