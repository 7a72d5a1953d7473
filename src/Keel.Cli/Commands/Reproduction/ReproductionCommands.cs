using System.CommandLine;

namespace Keel.Cli.Commands.Reproduction;

/// <summary>Registers reproduce, verify, keys, attest and bundle (one line in KeelCli).</summary>
internal static class ReproductionCommands
{
    public static void AddTo(RootCommand root)
    {
        ReproduceCommand.AddTo(root);
        VerifyCommand.AddTo(root);
        KeysCommand.AddTo(root);
        BundleCommand.AddTo(root);
    }
}
