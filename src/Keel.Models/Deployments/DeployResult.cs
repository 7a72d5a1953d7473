using Keel.Models.Testing;
using Keel.Registry;

namespace Keel.Models.Deployments;

/// <summary>What <c>keel deploy</c> did: the recorded deployment, the gate's report and the serving package.</summary>
public sealed record DeployResult(ModelVersion Version, Deployment Deployment, TestReport Report, Objects.Digest Package);
