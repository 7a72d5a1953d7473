using Keel.Lineage;
using Keel.Objects;
using Microsoft.Data.Sqlite;

namespace Keel.Metadata.Sqlite;

/// <summary>
/// The embedded metadata database: WAL, a busy timeout, and every write in one
/// <c>BEGIN IMMEDIATE</c> transaction so concurrent commands queue instead of failing.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly LineageHeadAnchor? _anchor;
    private (long Seq, Digest Head)? _sealed;

    private SqliteDatabase(SqliteConnection connection, TimeProvider time, LineageHeadAnchor? anchor)
    {
        _connection = connection;
        Time = time;
        _anchor = anchor;
    }

    public TimeProvider Time { get; }

    public SqliteConnection Connection => _connection;

    /// <summary>
    /// Loads and initialises the native SQLite library on a pool thread (about 15 ms: the first
    /// <see cref="SqliteConnection"/> does it in its static constructor), so a command can parse
    /// its arguments and find its workspace meanwhile. A failure is left for the command's own
    /// first connection to report, as it would without this.
    /// </summary>
    public static void LoadInBackground() => ThreadPool.UnsafeQueueUserWorkItem(static _ =>
    {
        try
        {
            System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(SqliteConnection).TypeHandle);
        }
        catch (TypeInitializationException)
        {
        }
    }, null);

    /// <param name="anchor">Where to copy the lineage log's head after each commit that seals a run, or null.</param>
    public static SqliteDatabase Open(string file, TimeProvider? time = null, LineageHeadAnchor? anchor = null)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 60,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = 60000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
            var db = new SqliteDatabase(connection, time ?? TimeProvider.System, anchor);
            SqliteMigrations.Apply(db);
            return db;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new KeelException($"cannot open the metadata database {file}: {e.Message}", ExitCodes.Usage, e);
        }
    }

    /// <summary>Runs <paramref name="work"/> inside BEGIN IMMEDIATE … COMMIT; any exception rolls back.</summary>
    public T Write<T>(Func<SqliteTransaction, T> work)
    {
        try
        {
            using var tx = _connection.BeginTransaction(deferred: false);
            var result = work(tx);
            tx.Commit();
            if (_sealed is { } head) _anchor?.Record(head.Seq, head.Head);
            return result;
        }
        finally
        {
            _sealed = null;
        }
    }

    /// <summary>Notes that the running transaction sealed runs up to this log head, for the anchor written once it commits.</summary>
    public void Sealed((long Seq, Digest Head)? head)
    {
        if (head is not null) _sealed = head;
    }

    public SqliteCommand Command(string sql, SqliteTransaction? tx = null)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();
}
