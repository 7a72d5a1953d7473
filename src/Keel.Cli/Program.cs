using Keel.Cli;

TeamBackends.Register();
return await KeelCli.RunAsync(args).ConfigureAwait(false);
