using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>The parts of the one training core against the papers: recipes, EMA, lazy penalties, determinism of every recipe.</summary>
public class TrainingCoreTests
{
    static Parameter OneParameter() => new(zeros(2));

    static Adam.Options AdamOptions(optim.Optimizer o) =>
        (Adam.Options)((Adam.ParamGroup)Assert.IsType<Adam>(o).ParamGroups.First()).Options;

    [Fact]
    public void Recipes_have_the_papers_hyper_parameters()
    {
        // DCGAN (Radford et al. 2016, section 4): Adam, lr 0.0002, beta1 0.5; one D step per G step
        var ns = GanRecipe.NonSaturating();
        Assert.IsType<NonSaturatingGanLoss>(ns.Loss());
        Assert.Equal(1, ns.CriticSteps);
        var o = AdamOptions(ns.Optimizer([OneParameter()]));
        Assert.Equal((2e-4, 0.5, 0.999), (o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value));

        // LSGAN (Mao et al. 2017, section 3.2 and 4): a = 0, b = c = 1 (eq. 9), Adam lr 0.0002, beta1 0.5
        var ls = GanRecipe.Lsgan();
        var lsLoss = Assert.IsType<LsganLoss>(ls.Loss());
        Assert.Equal((0.0, 1.0, 1.0), (lsLoss.A, lsLoss.B, lsLoss.C));
        o = AdamOptions(ls.Optimizer([OneParameter()]));
        Assert.Equal((2e-4, 0.5), (o.LearningRate!.Value, o.beta1!.Value));

        // WGAN (Arjovsky et al. 2017, Algorithm 1): alpha = 0.00005, c = 0.01, n_critic = 5, RMSProp
        var w = GanRecipe.Wgan();
        var wLoss = Assert.IsType<WganLoss>(w.Loss());
        Assert.Equal(0.01, wLoss.Clipping!.C);
        Assert.Equal(5, w.CriticSteps);
        var rms = Assert.IsType<RMSProp>(w.Optimizer([OneParameter()]));
        Assert.Equal(5e-5, ((RMSProp.Options)((RMSProp.ParamGroup)rms.ParamGroups.First()).Options).LearningRate!.Value);

        // WGAN-GP (Gulrajani et al. 2017, Algorithm 1): lambda = 10, n_critic = 5, alpha = 0.0001, beta1 = 0, beta2 = 0.9
        var gp = GanRecipe.WganGp();
        var gpLoss = Assert.IsType<WganGpLoss>(gp.Loss());
        Assert.Equal(10, gpLoss.GradientPenalty.Lambda);
        Assert.Null(gpLoss.Clipping);                 // the penalty replaces clipping
        Assert.Equal(5, gp.CriticSteps);
        o = AdamOptions(gp.Optimizer([OneParameter()]));
        Assert.Equal((1e-4, 0.0, 0.9), (o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value));

        // the authors' toy script (gan_toy.py): lambda = 0.1, Adam(1e-4, beta1 0.5, beta2 0.9)
        var toy = GanRecipe.WganGpToy();
        Assert.Equal(0.1, Assert.IsType<WganGpLoss>(toy.Loss()).GradientPenalty.Lambda);
        o = AdamOptions(toy.Optimizer([OneParameter()]));
        Assert.Equal((1e-4, 0.5, 0.9), (o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value));
        Assert.Equal(["GAN (non-saturating)", "LSGAN (a=0, b=1, c=1)", "WGAN (clip c=0.01)", "WGAN-GP (λ=10)"], GanRecipe.All().Select(r => r.Name));
    }

    [Fact]
    public void Ema_forgets_half_of_the_gap_per_half_life_whatever_the_batch_size()
    {
        using var _ = NewDisposeScope();
        double GapLeft(int batch, int updates)
        {
            Course.Seed(1);
            using var source = nn.Linear(3, 2);
            using var average = nn.Linear(3, 2);
            var ema = new Ema(source, average, halfLifeImages: 1000);
            var start = source.weight!.detach().clone();
            using (no_grad()) source.weight!.add_(1.0);      // the trained network jumps by 1
            for (var i = 0; i < updates; i++) ema.Update(batch);
            return (source.weight!.detach() - average.weight!).mean().item<float>();
        }
        Assert.Equal(0.5, GapLeft(batch: 500, updates: 2), 5);    // 1,000 images = one half-life
        Assert.Equal(0.5, GapLeft(batch: 100, updates: 10), 5);
        Assert.Equal(0.25, GapLeft(batch: 250, updates: 8), 5);   // two half-lives
        // a fixed decay forgets (1 - beta) per step, whatever the batch
        Course.Seed(2);
        using var s = nn.Linear(3, 2);
        using var a = nn.Linear(3, 2);
        var fixedEma = new Ema(s, a, decay: 0.9);
        Assert.Equal(0.9, fixedEma.Beta(32));
        Assert.Equal(0.9, fixedEma.Beta(1));
        using (no_grad()) s.weight!.add_(1.0);
        fixedEma.Update(7);
        Assert.Equal(0.9, (s.weight!.detach() - a.weight!).mean().item<float>(), 5);
        Assert.Throws<ArgumentException>(() => new Ema(s, a));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ema(s, a, decay: 1.0));
    }

    [Fact]
    public void A_lazy_penalty_runs_every_k_updates_with_gain_k()
    {
        // A loss without gradient and the penalty w0 (D's first weight, gradient 1): with SGD at lr 1 only the penalty moves
        // D, by exactly its gain k on the updates it applies to (StyleGAN2's lazy regularisation: every k, times k).
        var calls = new List<long>();
        Course.Seed(3);
        using var t = new AdversarialTrainer(new MlpGenerator(latentSpace: 4, hiddenDim: 8), new MlpDiscriminator(hiddenDim: 8),
            new NoGradientLoss(), () => GanCourse.Data.ToyData.Parabola(16),
            new AdversarialConfig(4, 16) { CriticSteps = 2, Penalties = [new FirstWeightPenalty(every: 3, calls)] },
            p => optim.SGD(p, 0.0), p => optim.SGD(p, 1.0), device: CPU);
        float W0() => t.Discriminator.parameters().First().reshape(-1)[0].item<float>();
        var start = W0();
        var moved = new List<float>();
        t.OnStep = _ => moved.Add(start - W0());
        var steps = t.Train(4);                       // discriminator updates 0..7: the penalty on 0, 3, 6
        Assert.Equal([0L, 3, 6], calls);
        Assert.Equal([true, true, false, true], steps.Select(s => s.Losses.ContainsKey("w0")).ToArray());
        Assert.Equal([3f, 6f, 6f, 9f], moved.Select(m => MathF.Round(m, 4)).ToArray());
    }

    sealed class NoGradientLoss : IGanLoss
    {
        public string Name => "none";
        public Tensor Discriminator(Tensor realScores, Tensor fakeScores) => (realScores.sum() + fakeScores.sum()) * 0;
        public Tensor Generator(Tensor fakeScores) => fakeScores.sum() * 0;
    }

    sealed class FirstWeightPenalty(int every, List<long> calls) : IDiscriminatorPenalty
    {
        public string Name => "w0";
        public int Every => every;

        public Tensor Penalty(PenaltyContext c)
        {
            calls.Add(c.CriticUpdate);
            return c.Module.parameters().First().reshape(-1)[0] * 1.0;
        }
    }

    public static TheoryData<string> RecipeNames => new(GanRecipe.All().Select(r => r.Name).Append("WGAN-GP toy"));

    [Theory]
    [MemberData(nameof(RecipeNames))]
    public void Every_recipe_gives_the_same_weights_from_the_same_seed(string name)
    {
        var recipe = name == "WGAN-GP toy" ? GanRecipe.WganGpToy() : GanRecipe.All().Single(r => r.Name == name);
        float[] Run(int seed)
        {
            Course.Seed(seed);
            using var t = new AdversarialTrainer(new MlpGenerator(latentSpace: 4, hiddenDim: 16), new MlpDiscriminator(hiddenDim: 16),
                recipe.Loss(), () => GanCourse.Data.ToyData.Parabola(32), new AdversarialConfig(4, 32) { CriticSteps = recipe.CriticSteps },
                recipe.Optimizer, recipe.Optimizer, device: CPU);
            t.Train(6);
            return t.Generator.parameters().Concat(t.Discriminator.parameters()).SelectMany(p => p.detach().data<float>().ToArray()).ToArray();
        }
        var a = Run(5);
        Assert.Equal(a, Run(5));
        Assert.NotEqual(a, Run(6));
    }
}
