using Keel.Workspaces;
using Npgsql;

namespace Keel.Postgres;

/// <summary>Parses <c>postgres://user[:password]@host[:port]/db[?sslmode=...]</c> once, at the edge.</summary>
internal static class PostgresUri
{
    public static NpgsqlConnectionStringBuilder Parse(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var u) || (u.Scheme != "postgres" && u.Scheme != "postgresql"))
            throw new KeelException($"metadata: '{Backends.Redact(uri)}' is not a PostgreSQL URI; write postgres://user[:password]@host:port/database");
        var db = u.AbsolutePath.Trim('/');
        if (db.Length == 0)
            throw new KeelException($"metadata: '{Backends.Redact(uri)}' names no database; write postgres://user@host:port/database");
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = u.Host,
            Port = u.IsDefaultPort || u.Port < 0 ? 5432 : u.Port,
            Database = Uri.UnescapeDataString(db),
            ApplicationName = "keel",
            Timeout = 30,
            CommandTimeout = 300,
            MaxPoolSize = 20,
        };
        var info = u.UserInfo;
        if (info.Length > 0)
        {
            var colon = info.IndexOf(':', StringComparison.Ordinal);
            b.Username = Uri.UnescapeDataString(colon < 0 ? info : info[..colon]);
            if (colon >= 0) b.Password = Uri.UnescapeDataString(info[(colon + 1)..]);
        }
        foreach (var pair in u.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            try
            {
                b[key switch { "sslmode" => "SSL Mode", "connect_timeout" => "Timeout", _ => key }] = value;
            }
            catch (ArgumentException)
            {
                throw new KeelException($"metadata: unknown PostgreSQL option '{key}' in '{Backends.Redact(uri)}'");
            }
        }
        return b;
    }
}
