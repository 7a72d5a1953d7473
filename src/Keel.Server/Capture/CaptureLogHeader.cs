using Keel.Registry;
using Keel.Server.Hosting;

namespace Keel.Server.Capture;

/// <summary>
/// The first line of a capture log: everything needed to turn the log into a segment and record
/// its lineage without the model loaded, so a log left by a killed server can be recovered.
/// </summary>
internal sealed record CaptureLogHeader(
    string Model,
    int Version,
    long ModelNode,
    long? DeploymentNode,
    IReadOnlyList<(string Name, FieldType Type)> Inputs,
    IReadOnlyList<string> Outputs)
{
    public const string Format = "keel-capture-log 1";

    public string Ref => $"{Model}@{Version}";

    public static CaptureLogHeader For(ServedModel model) => new(
        model.Version.Name,
        model.Version.Version,
        model.Version.NodeId,
        model.DeploymentNode,
        [.. model.Fields.Select(f => (f.Name, f.Type))],
        [.. model.Model.Outputs]);
}
