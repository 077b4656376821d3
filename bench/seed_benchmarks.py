# Reference benchmarks in PyTorch: the seed lecture 004's code (DCGAN step as the lecture and as notebook 04 train
# it, parabola MLP GAN step), a WGAN-GP iteration and DCGAN sampling, with the same models, loop bodies, batch
# sizes and threads as the TorchSharp side (tools/GanCourse.Bench, which starts this script when a PyTorch is
# installed; the kit never needs Python).
# usage: python3 bench/seed_benchmarks.py run BENCH THREADS STEPS WARMUP   -> one JSON line
#        python3 bench/seed_benchmarks.py ops THREADS REPEATS             -> one JSON line per op
#        python3 bench/seed_benchmarks.py serve    (JSON requests on stdin, one JSON answer line each:
#          {"cmd": "start", "bench", "threads", "warmup"} then {"cmd": "steps", "bench", "threads", "n"} -> times_ms)
# BENCH: dcgan_step | dcgan_step_lecture | mlp_gan_step | wgan_gp_step | sampling
import json, sys, time
import torch, torch.nn as nn

latent_dim, img_size, channels = 100, 32, 1


# ---- lecture 004: DCGAN (verbatim apart from the global hyper-parameters) ----
def weights_init_normal(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        torch.nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find("BatchNorm2d") != -1:
        torch.nn.init.normal_(m.weight.data, 1.0, 0.02)
        torch.nn.init.constant_(m.bias.data, 0.0)

class Generator(nn.Module):
    def __init__(self):
        super(Generator, self).__init__()
        self.init_size = img_size // 4
        self.l1 = nn.Sequential(nn.Linear(latent_dim, 128 * self.init_size ** 2))
        self.conv_blocks = nn.Sequential(
            nn.BatchNorm2d(128),
            nn.Upsample(scale_factor=2),
            nn.Conv2d(128, 128, 3, stride=1, padding=1),
            nn.BatchNorm2d(128, 0.8),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Upsample(scale_factor=2),
            nn.Conv2d(128, 64, 3, stride=1, padding=1),
            nn.BatchNorm2d(64, 0.8),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(64, channels, 3, stride=1, padding=1),
            nn.Tanh(),
        )
    def forward(self, z):
        out = self.l1(z)
        out = out.view(out.shape[0], 128, self.init_size, self.init_size)
        return self.conv_blocks(out)

class Discriminator(nn.Module):
    def __init__(self, logits=False):
        super(Discriminator, self).__init__()
        def discriminator_block(in_filters, out_filters, bn=True):
            block = [nn.Conv2d(in_filters, out_filters, 3, 2, 1), nn.LeakyReLU(0.2, inplace=True), nn.Dropout2d(0.25)]
            if bn:
                block.append(nn.BatchNorm2d(out_filters, 0.8))
            return block
        self.model = nn.Sequential(
            *discriminator_block(channels, 16, bn=False),
            *discriminator_block(16, 32),
            *discriminator_block(32, 64),
            *discriminator_block(64, 128),
        )
        ds_size = img_size // 2 ** 4
        # logits=True: no Sigmoid (the kit's LectureDcganDiscriminator(logits: true), trained with BCE-with-logits)
        self.adv_layer = nn.Sequential(nn.Linear(128 * ds_size ** 2, 1), *([] if logits else [nn.Sigmoid()]))
    def forward(self, img):
        out = self.model(img)
        out = out.view(out.shape[0], -1)
        return self.adv_layer(out)

def dcgan_step_lecture():
    batch_size = 64
    generator, discriminator = Generator(), Discriminator()
    generator.apply(weights_init_normal)
    discriminator.apply(weights_init_normal)
    criterion = nn.BCELoss()
    optimizer_G = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optimizer_D = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real_imgs = torch.rand(batch_size, channels, img_size, img_size) * 2 - 1
    def step():
        valid = torch.ones(batch_size, 1)
        fake = torch.zeros(batch_size, 1)
        optimizer_G.zero_grad()
        z = torch.randn(batch_size, latent_dim)
        gen_imgs = generator(z)
        g_loss = criterion(discriminator(gen_imgs), valid)
        g_loss.backward()
        optimizer_G.step()
        optimizer_D.zero_grad()
        real_loss = criterion(discriminator(real_imgs), valid)
        fake_loss = criterion(discriminator(gen_imgs.detach()), fake)
        d_loss = (real_loss + fake_loss) / 2
        d_loss.backward()
        optimizer_D.step()
        return bool(torch.isfinite(d_loss) and torch.isfinite(g_loss))
    return step

# ---- the same DCGAN as notebook 04 trains it: the kit's AdversarialTrainer (Training/LectureDcganTrainer.cs) with
# the non-saturating loss on D's logits, D first (a real and a generated batch), then G on fresh noise ----
def dcgan_step():
    batch_size = 64
    generator, discriminator = Generator(), Discriminator(logits=True)
    generator.apply(weights_init_normal)
    discriminator.apply(weights_init_normal)
    bce = nn.functional.binary_cross_entropy_with_logits
    optimizer_G = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optimizer_D = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real_imgs = torch.rand(batch_size, channels, img_size, img_size) * 2 - 1
    def step():
        with torch.no_grad():
            fake_imgs = generator(torch.randn(batch_size, latent_dim))
        optimizer_D.zero_grad()
        d_real = discriminator(real_imgs).view(-1)
        d_fake = discriminator(fake_imgs).view(-1)
        d_loss = bce(d_real, torch.ones_like(d_real)) + bce(d_fake, torch.zeros_like(d_fake))
        d_loss.backward()
        optimizer_D.step()
        optimizer_G.zero_grad()
        g_loss = nn.functional.softplus(-discriminator(generator(torch.randn(batch_size, latent_dim))).view(-1)).mean()
        g_loss.backward()
        optimizer_G.step()
        return bool(torch.isfinite(d_loss) and torch.isfinite(g_loss))
    return step

# ---- lecture 004: GAN on a parabola. The kit's MlpDiscriminator returns the logit and trains with
# BCE-with-logits (= Sigmoid + BCELoss, see lib/GanCourse/Networks/Mlp.cs); mirrored here. ----
class MlpGenerator(nn.Module):
    def __init__(self, latent_space, hidden_dim):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(latent_space, hidden_dim), nn.ReLU(),
                                   nn.Linear(hidden_dim, hidden_dim), nn.ReLU(), nn.Linear(hidden_dim, 2))
    def forward(self, x):
        return self.model(x)

class MlpDiscriminator(nn.Module):
    def __init__(self, hidden_dim):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(2, hidden_dim), nn.ReLU(),
                                   nn.Linear(hidden_dim, hidden_dim), nn.ReLU(), nn.Linear(hidden_dim, 1))
    def forward(self, x):
        return self.model(x)

def mlp_gan_step():
    batch_size, mlp_latent = 32, 10
    criterion = nn.BCEWithLogitsLoss()
    gen, disc = MlpGenerator(mlp_latent, 50), MlpDiscriminator(50)
    optimizerD = torch.optim.Adam(disc.parameters(), lr=3e-4)
    optimizerG = torch.optim.Adam(gen.parameters(), lr=3e-4)
    def gen_pair(num):
        x = torch.rand(num) * 2 - 1
        return torch.stack([x, x * x], 1)
    def step():
        disc.zero_grad()
        real_points = gen_pair(batch_size)
        label = torch.full((batch_size,), 1.0, dtype=torch.float).view(-1)
        output = disc(real_points).view(-1)
        errD_real = criterion(output, label)
        errD_real.backward()
        noise = torch.randn(batch_size, mlp_latent)
        fake_points = gen(noise)
        label.fill_(0.0)
        output = disc(fake_points.detach()).view(-1)
        errD_fake = criterion(output, label)
        errD_fake.backward()
        errD = errD_real + errD_fake
        optimizerD.step()
        gen.zero_grad()
        label.fill_(1.0)
        output = disc(fake_points).view(-1)
        errG = criterion(output, label)
        errG.backward()
        optimizerG.step()
        d, g = errD.item() / 2, errG.item()
        return d == d and g == g
    return step

# ---- WGAN-GP (Gulrajani et al. 2017, Algorithm 1): n_critic 5, lambda 10, Adam(1e-4, (0, 0.9)); the seed's
# DCGAN generator and a DCGAN-like critic without BatchNorm (and without dropout or sigmoid). ----
class Critic(nn.Module):
    def __init__(self):
        super().__init__()
        def block(i, o):
            return [nn.Conv2d(i, o, 3, 2, 1), nn.LeakyReLU(0.2, inplace=True)]
        self.model = nn.Sequential(*block(channels, 16), *block(16, 32), *block(32, 64), *block(64, 128))
        self.adv_layer = nn.Linear(128 * (img_size // 16) ** 2, 1)
    def forward(self, img):
        out = self.model(img)
        return self.adv_layer(out.view(out.shape[0], -1))

def wgan_gp_step():
    batch_size, n_critic, lambda_gp = 64, 5, 10.0
    generator, critic = Generator(), Critic()
    generator.apply(weights_init_normal)
    critic.apply(weights_init_normal)
    optimizer_G = torch.optim.Adam(generator.parameters(), lr=1e-4, betas=(0.0, 0.9))
    optimizer_D = torch.optim.Adam(critic.parameters(), lr=1e-4, betas=(0.0, 0.9))
    real_imgs = torch.rand(batch_size, channels, img_size, img_size) * 2 - 1
    def step():
        for _ in range(n_critic):
            optimizer_D.zero_grad()
            z = torch.randn(batch_size, latent_dim)
            fake_imgs = generator(z).detach()
            alpha = torch.rand(batch_size, 1, 1, 1)
            interpolates = (alpha * real_imgs + (1 - alpha) * fake_imgs).requires_grad_(True)
            d_interpolates = critic(interpolates)
            gradients = torch.autograd.grad(outputs=d_interpolates, inputs=interpolates,
                                            grad_outputs=torch.ones_like(d_interpolates),
                                            create_graph=True, retain_graph=True)[0]
            gradient_penalty = ((gradients.view(batch_size, -1).norm(2, dim=1) - 1) ** 2).mean()
            d_loss = critic(fake_imgs).mean() - critic(real_imgs).mean() + lambda_gp * gradient_penalty
            d_loss.backward()
            optimizer_D.step()
        optimizer_G.zero_grad()
        g_loss = -critic(generator(torch.randn(batch_size, latent_dim))).mean()
        g_loss.backward()
        optimizer_G.step()
        return bool(torch.isfinite(d_loss) and torch.isfinite(g_loss))
    return step

# ---- sampling throughput: the seed DCGAN generator, eval mode, no_grad, batch 256 ----
def sampling():
    generator = Generator()
    generator.apply(weights_init_normal)
    generator.eval()
    def step():
        with torch.no_grad():
            imgs = generator(torch.randn(256, latent_dim))
        return bool(torch.isfinite(imgs).all())
    return step

BENCHES = {"dcgan_step": dcgan_step, "dcgan_step_lecture": dcgan_step_lecture, "mlp_gan_step": mlp_gan_step, "wgan_gp_step": wgan_gp_step, "sampling": sampling}

def run(bench, threads, steps, warmup):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    step = BENCHES[bench]()
    times, nonfinite = [], 0
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        if not step():
            nonfinite += 1
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1000)
    return {"impl": "pytorch", "version": torch.__version__, "bench": bench, "threads": threads, "steps": steps,
            "times_ms": times, "nonfinite_steps": nonfinite}

# A benchmark kept alive between requests, so that the caller can alternate blocks of steps with its own.
instances = {}

def start(bench, threads, warmup):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    step = BENCHES[bench]()
    for _ in range(warmup):
        step()
    instances[bench] = step
    return {"started": bench}

def steps(bench, threads, n):
    torch.set_num_threads(threads)
    step = instances[bench]
    times, nonfinite = [], 0
    for _ in range(n):
        t0 = time.perf_counter()
        if not step():
            nonfinite += 1
        times.append((time.perf_counter() - t0) * 1000)
    return {"times_ms": times, "nonfinite_steps": nonfinite}

# ---- per-op timing (forward, forward+backward), the same list as tools/GanCourse.Bench/OpProfile.cs ----
def ops(threads, repeats):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    up = [("upsample_nearest (nn.Upsample)", lambda x: nn.functional.interpolate(x, scale_factor=2, mode="nearest")),
          ("expand+reshape", lambda x: x[:, :, :, None, :, None].expand(-1, -1, -1, 2, -1, 2).reshape(x.shape[0], x.shape[1], 2 * x.shape[2], 2 * x.shape[3])),
          ("repeat_interleave", lambda x: x.repeat_interleave(2, 2).repeat_interleave(2, 3)),
          ("matmul 0/1 matrices", lambda x: torch.eye(x.shape[2]).repeat_interleave(2, 0).matmul(x.matmul(torch.eye(x.shape[3]).repeat_interleave(2, 0).t()))),
          ("NearestUpsample2x (kit: conv_transpose2d ones 2x2)", lambda x: nn.functional.conv_transpose2d(x, torch.ones(x.shape[1], 1, 2, 2), stride=2, groups=x.shape[1]))]
    cases = []
    for hw in (8, 16):
        for name, f in up:
            cases.append((name, f"64x128x{hw}x{hw}", (64, 128, hw, hw), f))
    conv1, conv2, bn = nn.Conv2d(128, 128, 3, padding=1), nn.Conv2d(128, 64, 3, padding=1), nn.BatchNorm2d(128, eps=0.8)
    cases += [("conv 128->128 3x3", "64x128x16x16", (64, 128, 16, 16), conv1),
              ("conv 128->64 3x3", "64x128x32x32", (64, 128, 32, 32), conv2),
              ("batchnorm2d (train)", "64x128x16x16", (64, 128, 16, 16), bn),
              ("leaky_relu 0.2", "64x128x32x32", (64, 128, 32, 32), lambda x: nn.functional.leaky_relu(x, 0.2))]
    out = []
    for name, shape, dims, f in cases:
        fwd, fb = [], []
        for r in range(repeats + 1):
            x = torch.randn(*dims).requires_grad_(True)
            t0 = time.perf_counter()
            y = f(x)
            t1 = time.perf_counter()
            y.backward(torch.ones_like(y))
            t2 = time.perf_counter()
            if r > 0:
                fwd.append((t1 - t0) * 1000)
                fb.append((t2 - t0) * 1000)
        fwd.sort(); fb.sort()
        out.append({"op": name, "shape": shape, "forward_ms": fwd[len(fwd) // 2], "forward_backward_ms": fb[len(fb) // 2]})
    return out

if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "serve"
    if mode == "run":
        print(json.dumps(run(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))))
    elif mode == "ops":
        for o in ops(int(sys.argv[2]), int(sys.argv[3])):
            print(json.dumps(o))
    else:
        print(json.dumps({"ready": True, "version": torch.__version__}), flush=True)
        for line in sys.stdin:
            req = json.loads(line)
            if req["cmd"] == "run":
                ans = run(req["bench"], req["threads"], req["steps"], req["warmup"])
            elif req["cmd"] == "start":
                ans = start(req["bench"], req["threads"], req["warmup"])
            elif req["cmd"] == "steps":
                ans = steps(req["bench"], req["threads"], req["n"])
            elif req["cmd"] == "ops":
                ans = {"ops": ops(req["threads"], req["repeats"])}
            else:
                break
            print(json.dumps(ans), flush=True)
