using Keel.Cli;
using Keel.Cli.Commands;

if (NoopRunShortcut.TryRun(args) is { } noop) return noop;
TeamBackends.Register();
return await KeelCli.RunAsync(args).ConfigureAwait(false);
