using Keel.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Keel.Server.Tests;

/// <summary>The serving app in memory (TestServer) over a workspace: the same services and endpoints <c>keel serve</c> runs.</summary>
internal sealed class KeelFactory(Workspace workspace, ServingOptions options) : WebApplicationFactory<ServingWorkspace>
{
    // The app lives in a class library, so there is no project folder to find: point the content root at the test output.
    static KeelFactory() => Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_KEEL_SERVER_TESTS", AppContext.BaseDirectory);

    protected override IHostBuilder CreateHostBuilder() =>
        Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders().SetMinimumLevel(LogLevel.Warning))
            .ConfigureWebHostDefaults(web => web
                .UseContentRoot(AppContext.BaseDirectory)
                .ConfigureServices(s => s.AddKeelServing(options, workspace))
                .Configure(app => app.UseKeelServingAsync(CancellationToken.None).GetAwaiter().GetResult()));
}
