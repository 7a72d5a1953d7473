using System.Text.Json;
using Keel.Lineage;
using Keel.Objects;
using Keel.Registry;
using Keel.Workspaces;

namespace Keel.Models.Registration;

/// <summary>Registers a model version: stores its bytes, loads it to learn its inputs, captures the signature and records it with its lineage.</summary>
public static class ModelRegistrar
{
    public static async Task<ModelVersion> RegisterAsync(Workspace workspace, RegisterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(request);
        ModelRef.ValidateName(request.Name);
        if ((request.FromRun is null) == (request.Path is null)) throw new KeelException("give exactly one of --from RUN[:OUTPUT] or --path FILE");
        var spec = ModelsParser.ParseFile(Path.Combine(workspace.Root, "keel.yaml"), "keel.yaml").GetValueOrDefault(request.Name);

        var tmpDir = Path.Combine(workspace.KeelDir, "tmp");
        Directory.CreateDirectory(tmpDir);
        string file;
        Digest digest;
        long? derivedFrom = null;
        string source;
        Digest? trainingDigest = null;
        string? trainingLabel = null;
        var cleanup = false;
        if (request.Path is { } p)
        {
            file = Path.GetFullPath(Path.Combine(request.Cwd, p));
            if (!File.Exists(file)) throw new KeelException($"model file '{p}' not found");
            digest = ContentHasher.HashFile(file);
            var same = await workspace.Metadata.LineageCatalog.FindByDigestAsync(digest, cancellationToken).ConfigureAwait(false);
            derivedFrom = same.LastOrDefault(n => n.Type == NodeType.Artifact)?.Id;
            source = $"path:{p}";
        }
        else
        {
            var (run, output) = await RunOutputs.FindAsync(workspace, request.FromRun!, cancellationToken).ConfigureAwait(false);
            digest = output.Digest!.Value;
            derivedFrom = output.Id;
            source = $"run:{run.RunId}:{output.Label}";
            file = Path.Combine(tmpDir, $"register-{Guid.NewGuid():N}{Path.GetExtension(output.Label)}");
            workspace.Objects.CopyTo(digest, file);
            cleanup = true;
            var training = await RunOutputs.TrainingInputAsync(workspace, run, cancellationToken).ConfigureAwait(false);
            if (training is not null) (trainingDigest, trainingLabel) = RunOutputs.TrainingFile(workspace, training.Digest!.Value, training.Label);
        }
        try
        {
            var flavor = ModelFlavors.Detect(request.Path ?? file, request.Flavor);
            using var model = flavor.Load(file);
            var canonical = flavor.CanonicalDigest(file);
            CsvTable? table = null;
            if (request.Train is { } train)
            {
                var loaded = await TableSource.LoadAsync(workspace, train, request.Cwd, cancellationToken).ConfigureAwait(false);
                (table, trainingDigest) = (loaded.Table, loaded.Digest);
            }
            else if (trainingDigest is { } td)
            {
                table = TableSource.TryFromObject(workspace, td, trainingLabel ?? td.Short);
                if (table is null) trainingDigest = null;
            }
            var signature = SignatureCapture.Capture(model.Inputs, model.Outputs, table);
            if (table is not null)
            {
                var absent = model.Inputs.Where(i => table.IndexOf(i.Name) < 0).Select(i => i.Name).ToList();
                if (absent.Count > 0) throw new KeelException($"the training data lacks the model's inputs {string.Join(", ", absent)}; pass --train with the file the model was trained on");
            }
            var card = new ModelCard(request.Description ?? spec?.Description, request.Owner ?? spec?.Owner ?? Agent.User,
                request.IntendedUse ?? spec?.IntendedUse, ReadMetrics(request));
            if (request.Path is not null) workspace.Objects.PutFile(digest, file);
            return await workspace.Metadata.Models.RegisterAsync(new NewModelVersion(request.Name, flavor.Name, digest, canonical, signature, card, source,
                trainingDigest, derivedFrom, workspace.Time.GetUtcNow(), Agent.User, Agent.Host), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (cleanup) File.Delete(file);
        }
    }

    private static SortedDictionary<string, double> ReadMetrics(RegisterRequest request)
    {
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (request.MetricsFile is null) return metrics;
        var path = Path.GetFullPath(Path.Combine(request.Cwd, request.MetricsFile));
        if (!File.Exists(path)) throw new KeelException($"metrics file '{request.MetricsFile}' not found");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            foreach (var m in doc.RootElement.EnumerateObject())
                if (m.Value.ValueKind == JsonValueKind.Number) metrics[m.Name] = m.Value.GetDouble();
        }
        catch (JsonException e)
        {
            throw new KeelException($"metrics file '{request.MetricsFile}' is not a JSON object of numbers: {e.Message}");
        }
        return metrics;
    }
}
