using Keel.Cli;
using Keel.Cli.Commands;

// Nearly every command opens the metadata database: its native library loads while the
// arguments are parsed and the workspace is found (not for the version or help, which need none).
if (args is not ([] or ["--version"] or ["--help"] or ["-h"] or ["-?"])) Keel.Metadata.Sqlite.SqliteDatabase.LoadInBackground();
if (NoopRunShortcut.TryRun(args) is { } noop) return noop;
// keel is a process of its own: it may ignore SIGIO and so map large files under read leases.
Keel.Objects.NativeFile.EnableReadLeases();
TeamBackends.Register();
return await KeelCli.RunAsync(args).ConfigureAwait(false);
