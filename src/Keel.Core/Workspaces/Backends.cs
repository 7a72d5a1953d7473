using System.Collections.Concurrent;
using Keel.Metadata;
using Keel.Metadata.Sqlite;
using Keel.Objects;
using Keel.Pipelines;

namespace Keel.Workspaces;

/// <summary>
/// Backends by URI scheme. Core knows the embedded ones (sqlite:, file:, local); the team
/// backends (postgres://, s3://, slurm+...) live in their own assemblies and register here at
/// start-up, so Core never references Npgsql, the AWS SDK or Slurm.
/// </summary>
public static class Backends
{
    private static readonly ConcurrentDictionary<string, Func<BackendContext, IMetadataStore>> Metadata = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Func<BackendContext, IObjectStore>> Objects = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Func<BackendContext, IStageExecutor>> Executors = new(StringComparer.Ordinal);

    /// <summary>Registers a metadata backend for URIs starting with <paramref name="prefix"/> (e.g. <c>postgres://</c>).</summary>
    public static void RegisterMetadata(string prefix, Func<BackendContext, IMetadataStore> factory) => Metadata[prefix] = factory;

    /// <summary>Registers an object store for URIs starting with <paramref name="prefix"/> (e.g. <c>s3://</c>).</summary>
    public static void RegisterObjects(string prefix, Func<BackendContext, IObjectStore> factory) => Objects[prefix] = factory;

    /// <summary>Registers an executor for URIs starting with <paramref name="prefix"/> (e.g. <c>slurm+</c>).</summary>
    public static void RegisterExecutor(string prefix, Func<BackendContext, IStageExecutor> factory) => Executors[prefix] = factory;

    /// <summary>Opens the metadata store a URI names.</summary>
    public static IMetadataStore OpenMetadata(BackendContext context)
    {
        var uri = context.Uri;
        if (uri.StartsWith("sqlite:", StringComparison.Ordinal))
            return new SqliteMetadataStore(Path.GetFullPath(Path.Combine(context.Root, uri["sqlite:".Length..])), context.Time, AnchorFile(context));
        return Find(Metadata, uri)?.Invoke(context)
            ?? throw new KeelException($"metadata: '{Redact(uri)}' is not a supported metadata URI in .keel/config.yaml; use sqlite:PATH{Known(Metadata)}");
    }

    /// <summary>The workspace's copy of the lineage log's head, which every metadata backend keeps up to date.</summary>
    public static string AnchorFile(BackendContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Path.Combine(context.Root, Workspace.DirName, Lineage.LineageHeadAnchor.FileName);
    }

    /// <summary>Opens the object store a URI names.</summary>
    public static IObjectStore OpenObjects(BackendContext context)
    {
        var uri = context.Uri;
        if (uri.StartsWith("file:", StringComparison.Ordinal))
            return new LocalObjectStore(Path.GetFullPath(Path.Combine(context.Root, uri["file:".Length..])), context.Time);
        return Find(Objects, uri)?.Invoke(context)
            ?? throw new KeelException($"objects: '{Redact(uri)}' is not a supported object store URI in .keel/config.yaml; use file:PATH{Known(Objects)}");
    }

    /// <summary>Creates the executor a URI names.</summary>
    public static IStageExecutor CreateExecutor(BackendContext context)
    {
        if (context.Uri == "local") return new LocalExecutor(context.Time);
        return Find(Executors, context.Uri)?.Invoke(context)
            ?? throw new KeelException($"executor: '{Redact(context.Uri)}' is not a supported executor in .keel/config.yaml; use local{Known(Executors)}");
    }

    /// <summary>The URI with any password in its user info replaced by <c>***</c>, for messages and logs.</summary>
    public static string Redact(string uri)
    {
        var scheme = uri.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return uri;
        var start = scheme + 3;
        var end = uri.IndexOfAny(['/', '?', '#'], start);
        var authority = end < 0 ? uri[start..] : uri[start..end];
        var at = authority.LastIndexOf('@');
        if (at < 0) return uri;
        var user = authority[..at];
        var colon = user.IndexOf(':', StringComparison.Ordinal);
        var safeUser = colon < 0 ? user : user[..colon] + ":***";
        return uri[..start] + safeUser + authority[at..] + (end < 0 ? "" : uri[end..]);
    }

    private static T? Find<T>(ConcurrentDictionary<string, T> map, string uri) where T : class =>
        map.Where(kv => uri.StartsWith(kv.Key, StringComparison.Ordinal)).OrderByDescending(kv => kv.Key.Length).Select(kv => kv.Value).FirstOrDefault();

    private static string Known<T>(ConcurrentDictionary<string, T> map) =>
        map.IsEmpty ? "" : " or " + string.Join(", ", map.Keys.Order(StringComparer.Ordinal).Select(k => k + "..."));
}
