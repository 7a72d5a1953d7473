using Keel.Metadata.Sqlite;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Core.Tests.Lineage;

/// <summary>Ways to damage a workspace behind Keel's back, for the checks that must notice.</summary>
internal static class Tamper
{
    public static void OverwriteObject(Workspace ws, Digest digest, string text)
    {
        var path = ((LocalObjectStore)ws.Objects).PathOf(digest);
        File.SetAttributes(path, FileAttributes.Normal);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(path, text);
    }

    public static void DeleteObject(Workspace ws, Digest digest)
    {
        var path = ((LocalObjectStore)ws.Objects).PathOf(digest);
        File.SetAttributes(path, FileAttributes.Normal);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Delete(path);
    }

    public static void Sql(Workspace ws, string sql)
    {
        using var cmd = ((SqliteMetadataStore)ws.Metadata).Database.Command(sql);
        cmd.ExecuteNonQuery();
    }
}
