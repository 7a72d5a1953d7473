using Keel.Metadata;
using Keel.Objects;
using Npgsql;

namespace Keel.Postgres;

/// <summary>Reads the <c>object_references</c> view, which each aggregate's migration extends with its digest columns.</summary>
internal sealed class PostgresObjectReferences(PostgresDatabase db) : IObjectReferences
{
    public Task<IReadOnlyList<ObjectReference>> ListAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<ObjectReference>>(async conn =>
        {
            await using var cmd = new NpgsqlCommand("SELECT digest, is_manifest, owner FROM object_references", conn);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<ObjectReference>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                list.Add(new ObjectReference(Digest.Parse(r.GetString(0)), r.GetBoolean(1), r.GetString(2)));
            return list;
        }, cancellationToken);
}
