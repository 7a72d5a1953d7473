using Keel.Server.Api;
using Keel.Server.Capture;
using Keel.Server.Hosting;
using Keel.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Keel.Server;

/// <summary>Builds the serving app: the same services and endpoints for <c>keel serve</c>, tests and the bench.</summary>
public static class KeelServer
{
    /// <summary>Registers the serving services over an open workspace (which the caller disposes after the host).</summary>
    public static IServiceCollection AddKeelServing(this IServiceCollection services, ServingOptions options, Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(workspace);
        services.AddSingleton(options);
        services.AddSingleton(workspace);
        services.AddSingleton(workspace.Time);
        services.AddSingleton<MetadataGate>();
        services.AddSingleton<ServingMetrics>();
        services.AddSingleton<ModelHost>();
        services.AddSingleton<PredictionCapture>();
        services.AddSingleton<CaptureWriter>();
        services.AddSingleton<CapturedRequests>();
        services.AddHostedService(sp => sp.GetRequiredService<CaptureWriter>());
        services.AddHostedService<RegistryPoller>();
        services.AddProblemDetails();
        return services;
    }

    /// <summary>Loads the models (refusing to start on any that cannot load) and maps the endpoints.</summary>
    public static async Task UseKeelServingAsync(this IApplicationBuilder app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ApplicationServices.GetRequiredService<ServingOptions>();
        await app.ApplicationServices.GetRequiredService<ModelHost>().StartAsync(options.Models, cancellationToken).ConfigureAwait(false);
        var metrics = app.ApplicationServices.GetRequiredService<ServingMetrics>();
        app.UseRouting();
        app.UseEndpoints(e => e.MapKeelServing(metrics));
    }

    /// <summary>A Kestrel app on <see cref="ServingOptions.Host"/>:<see cref="ServingOptions.Port"/>, logging at Warning.</summary>
    public static Task<WebApplication> BuildAsync(ServingOptions options, Workspace workspace, CancellationToken cancellationToken) =>
        BuildAsync(options, workspace, l => l.AddSimpleConsole(o => o.SingleLine = true), cancellationToken);

    /// <summary>As above, with the log's providers given by <paramref name="logging"/> (tests collect the lines).</summary>
    internal static async Task<WebApplication> BuildAsync(ServingOptions options, Workspace workspace, Action<ILoggingBuilder> logging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        logging(builder.Logging);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes + 1;
        });
        builder.Services.AddKeelServing(options, workspace);
        var app = builder.Build();
        await app.UseKeelServingAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }

    /// <summary>Writes every captured row still buffered into segments (call before disposing the host to keep nothing in memory).</summary>
    public static Task DrainCaptureAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<CaptureWriter>().DrainAsync(cancellationToken);

    /// <summary>The segments stored so far: label, digest, rows.</summary>
    public static IReadOnlyList<(string Label, Objects.Digest Digest, int Rows)> Segments(IServiceProvider services)
    {
        var writer = services.GetRequiredService<CaptureWriter>();
        lock (writer.Segments) return [.. writer.Segments];
    }
}
