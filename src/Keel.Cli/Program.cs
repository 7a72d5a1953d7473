using Keel.Cli;

return await KeelCli.RunAsync(args).ConfigureAwait(false);
