using System.Collections.Concurrent;
using System.Net.Sockets;
using Keel.Lineage;
using Keel.Objects;
using Keel.Workspaces;
using Npgsql;

namespace Keel.Postgres;

/// <summary>
/// One PostgreSQL database behind a pooled data source. Every write is one transaction;
/// where SQLite relied on <c>BEGIN IMMEDIATE</c> to serialise writers, the stores here take a
/// transaction-scoped advisory lock on exactly what they number (a dataset's versions, the
/// lineage id sequence), and transient failures (serialization, deadlock, a dropped connection
/// before commit) are retried with backoff.
/// </summary>
internal sealed class PostgresDatabase : IDisposable
{
    private const int Attempts = 5;

    private readonly NpgsqlDataSource _source;
    private readonly TimeProvider _time;
    private readonly LineageHeadAnchor? _anchor;
    private readonly ConcurrentDictionary<NpgsqlTransaction, (long Seq, Digest Head)> _sealed = new();

    private PostgresDatabase(NpgsqlDataSource source, string safeUri, TimeProvider time, LineageHeadAnchor? anchor)
    {
        _anchor = anchor;
        _source = source;
        SafeUri = safeUri;
        _time = time;
    }

    /// <summary>The URI with its password hidden: the only form that reaches messages.</summary>
    public string SafeUri { get; }

    /// <param name="anchor">Where to copy the lineage log's head after each commit that seals a run, or null (a hub has no workspace).</param>
    public static PostgresDatabase Open(string uri, TimeProvider time, LineageHeadAnchor? anchor = null)
    {
        var builder = PostgresUri.Parse(uri);
        var db = new PostgresDatabase(NpgsqlDataSource.Create(builder), Backends.Redact(uri), time, anchor);
        try
        {
            PostgresMigrations.ApplyAsync(db, CancellationToken.None).GetAwaiter().GetResult();
            return db;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < 3 && e is NpgsqlException { IsTransient: true } && e is not PostgresException)
            {
                // A server restarting or briefly overloaded: opening again is always safe.
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
            {
                throw Translate(e);
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> in one READ COMMITTED transaction, retrying transient failures; nothing is half-written.</summary>
    public async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
            NpgsqlTransaction? current = null;
            try
            {
                await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                current = tx;
                var result = await work(conn, tx).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                if (_sealed.TryRemove(tx, out var head)) _anchor?.Record(head.Seq, head.Head);
                return result;
            }
            catch (Exception e) when (attempt < Attempts && IsTransient(e))
            {
                // The transaction rolled back with the connection; wait and run it again whole.
                await Task.Delay(TimeSpan.FromMilliseconds(50 * (1 << attempt)), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or SocketException)
            {
                throw Translate(e);
            }
            finally
            {
                if (current is not null) _sealed.TryRemove(current, out _);
            }
        }
    }

    /// <summary>Notes that transaction <paramref name="tx"/> sealed runs up to this log head, for the anchor written once it commits.</summary>
    public void Sealed(NpgsqlTransaction tx, (long Seq, Digest Head)? head)
    {
        if (head is { } h) _sealed[tx] = h;
    }

    /// <summary>The clock migrations stamp late seals with.</summary>
    public TimeProvider Time => _time;

    /// <summary>Runs a read, retrying once when the connection dropped.</summary>
    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await work(conn).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < Attempts && IsTransient(e))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * (1 << attempt)), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or SocketException)
            {
                throw Translate(e);
            }
        }
    }

    /// <summary>Serialises writers on one key until the transaction ends (the analogue of SQLite's BEGIN IMMEDIATE, but per key).</summary>
    public static async Task LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string key, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))", conn, tx);
        cmd.Parameters.AddWithValue(key);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static bool IsTransient(Exception e) => e switch
    {
        PostgresException p => p.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
            or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException n => n.IsTransient,
        _ => false,
    };

    private KeelException Translate(Exception e)
    {
        var detail = e switch
        {
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
                "authentication failed: check the user and password (or PGPASSWORD)",
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } => "the database does not exist; create it first (createdb)",
            PostgresException p => $"{p.SqlState}: {p.MessageText}",
            _ => (e.InnerException ?? e).Message,
        };
        return new KeelException($"metadata database {SafeUri}: {detail}", ExitCodes.Usage, e);
    }

    public void Dispose() => _source.Dispose();
}
