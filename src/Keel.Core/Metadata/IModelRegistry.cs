using Keel.Lineage;
using Keel.Registry;

namespace Keel.Metadata;

/// <summary>Registered models: versions, aliases with their history, deployments and feedback.</summary>
public interface IModelRegistry
{
    /// <summary>Records the next version of a model and its <c>model</c> node in the lineage, in one transaction.</summary>
    Task<ModelVersion> RegisterAsync(NewModelVersion version, CancellationToken cancellationToken);

    /// <summary>A version by number, or the latest when <paramref name="version"/> is null.</summary>
    Task<ModelVersion?> GetAsync(string name, int? version, CancellationToken cancellationToken);

    /// <summary>The latest version of every model, by name.</summary>
    Task<IReadOnlyList<ModelVersion>> ListLatestAsync(CancellationToken cancellationToken);

    /// <summary>Every version of one model, oldest first.</summary>
    Task<IReadOnlyList<ModelVersion>> VersionsAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every move of every alias of a model, oldest first.</summary>
    Task<IReadOnlyList<AliasEntry>> AliasHistoryAsync(string name, CancellationToken cancellationToken);

    /// <summary>The version <c>name@alias</c> pointed at as of <paramref name="asOf"/> (now when null), or null.</summary>
    Task<int?> AliasVersionAsync(string name, string alias, DateTimeOffset? asOf, CancellationToken cancellationToken);

    /// <summary>Moves an alias (history is kept).</summary>
    Task SetAliasAsync(string name, string alias, int version, DateTimeOffset setAt, CancellationToken cancellationToken);

    /// <summary>Records a deploy or rollback: the alias move (unless a canary), the deployment and its lineage nodes, in one transaction.</summary>
    Task<Deployment> RecordDeploymentAsync(NewDeployment deployment, IReadOnlyList<NewLineageNode> lineage, CancellationToken cancellationToken);

    /// <summary>Deployments of a model (all aliases), oldest first.</summary>
    Task<IReadOnlyList<Deployment>> DeploymentsAsync(string name, CancellationToken cancellationToken);

    /// <summary>Stores ground-truth labels for predicted rows.</summary>
    Task AddFeedbackAsync(IReadOnlyList<FeedbackLabel> labels, CancellationToken cancellationToken);

    /// <summary>Labels received for a model, oldest first.</summary>
    Task<IReadOnlyList<FeedbackLabel>> FeedbackAsync(string model, CancellationToken cancellationToken);
}
