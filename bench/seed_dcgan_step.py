# Reference benchmark: lecture 004's DCGAN training step in PyTorch, for a side-by-side with the kit's
# TorchSharp port (tools/GanCourse.Bench runs it when a PyTorch is installed; the kit never needs Python).
# usage: python3 bench/seed_dcgan_step.py THREADS STEPS WARMUP   -> prints one JSON line
import json, sys, time
import torch, torch.nn as nn

threads, steps, warmup = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
latent_dim, img_size, channels, batch_size = 100, 32, 1, 64

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
    def __init__(self):
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
        self.adv_layer = nn.Sequential(nn.Linear(128 * ds_size ** 2, 1), nn.Sigmoid())
    def forward(self, img):
        out = self.model(img)
        out = out.view(out.shape[0], -1)
        return self.adv_layer(out)

torch.manual_seed(0)
generator, discriminator = Generator(), Discriminator()
generator.apply(weights_init_normal)
discriminator.apply(weights_init_normal)
criterion = nn.BCELoss()
optimizer_G = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
optimizer_D = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
real_imgs = torch.rand(batch_size, channels, img_size, img_size) * 2 - 1

times, nonfinite = [], 0
for i in range(warmup + steps):
    t0 = time.perf_counter()
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
    if not (torch.isfinite(d_loss) and torch.isfinite(g_loss)):
        nonfinite += 1
    if i >= warmup:
        times.append((time.perf_counter() - t0) * 1000)

times.sort()
print(json.dumps({"impl": "pytorch", "version": torch.__version__, "threads": threads, "steps": steps,
                  "ms_per_iter": sum(times) / len(times), "median_ms": times[len(times) // 2],
                  "nonfinite_steps": nonfinite}))
