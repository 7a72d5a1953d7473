namespace Keel.Metadata;

/// <summary>One metadata backend: the per-aggregate stores over one connection.</summary>
public interface IMetadataStore : IDisposable
{
    /// <summary>Datasets and their versions.</summary>
    IDatasetStore Datasets { get; }

    /// <summary>Every object the metadata keeps alive.</summary>
    IObjectReferences References { get; }

    /// <summary>The provenance graph.</summary>
    Lineage.ILineageStore Lineage { get; }

    /// <summary>Recipe digests to the outputs they produced.</summary>
    IRunCacheStore RunCache { get; }

    /// <summary>Lookups, lineage roots and alias history for lineage queries.</summary>
    Lineage.ILineageCatalog LineageCatalog { get; }

    /// <summary>Tracked runs: params, metrics, tags, inputs, outputs.</summary>
    IRunStore Runs { get; }

    /// <summary>Registered models, aliases, deployments and feedback.</summary>
    IModelRegistry Models { get; }
}
