using System.CommandLine;
using Keel.Server;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Cli.Commands.Models;

/// <summary><c>keel serve [--port P] [--models REF,...]</c>: serves models over HTTP on loopback until interrupted.</summary>
internal static class ServeCommand
{
    public static void AddTo(RootCommand root)
    {
        var port = new Option<int>("--port") { Description = "port to listen on (0 picks a free one)", DefaultValueFactory = _ => 8080 };
        var host = new Option<string>("--host") { Description = "address to bind", DefaultValueFactory = _ => "127.0.0.1" };
        var models = new Option<string?>("--models") { Description = "comma-separated references to serve (default: every NAME@production)" };
        var unseen = new Option<string>("--unseen-categories") { Description = "reject (400) or flag a category never seen in training", DefaultValueFactory = _ => "reject" };
        var noCapture = new Option<bool>("--no-capture") { Description = "do not capture predictions" };
        var poll = new Option<double>("--poll-seconds") { Description = "how often aliases are re-read for hot swaps", DefaultValueFactory = _ => 1 };
        var maxBody = new Option<long>("--max-body-bytes") { Description = "largest request body accepted", DefaultValueFactory = _ => 4 << 20 };
        var maxRows = new Option<int>("--max-batch-rows") { Description = "most rows one predict request may hold", DefaultValueFactory = _ => 10_000 };
        var maxLabels = new Option<int>("--max-feedback-labels") { Description = "most labels one feedback request may hold", DefaultValueFactory = _ => 10_000 };
        var captureQueue = new Option<int>("--capture-queue-rows") { Description = "captured rows held in memory before new ones are dropped (and reported)", DefaultValueFactory = _ => 100_000 };
        var segmentRows = new Option<int>("--segment-rows") { Description = "captured rows per Parquet segment", DefaultValueFactory = _ => 10_000 };
        var command = new Command("serve", "serve models over HTTP: predict, MLflow /invocations, feedback, /metrics")
        {
            port, host, models, unseen, noCapture, poll, maxBody, maxRows, maxLabels, captureQueue, segmentRows,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new ServingOptions
            {
                Port = parse.GetValue(port),
                Host = parse.GetValue(host)!,
                RejectUnseenCategories = parse.GetValue(unseen) switch
                {
                    "reject" => true,
                    "flag" => false,
                    var other => throw new KeelException($"--unseen-categories must be reject or flag, not '{other}'"),
                },
                Capture = !parse.GetValue(noCapture),
                PollInterval = TimeSpan.FromSeconds(Math.Max(0.05, parse.GetValue(poll))),
                MaxBodyBytes = Positive(parse.GetValue(maxBody), "--max-body-bytes"),
                MaxBatchRows = (int)Positive(parse.GetValue(maxRows), "--max-batch-rows"),
                MaxFeedbackLabels = (int)Positive(parse.GetValue(maxLabels), "--max-feedback-labels"),
                CaptureQueue = (int)Positive(parse.GetValue(captureQueue), "--capture-queue-rows"),
                SegmentRows = Math.Max(1, parse.GetValue(segmentRows)),
            };
            foreach (var m in (parse.GetValue(models) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) options.Models.Add(m);
            using var ws = CliContext.OpenWorkspace();
            var app = await KeelServer.BuildAsync(options, ws, ct).ConfigureAwait(false);
            await using (app.ConfigureAwait(false))
            {
                await app.StartAsync(ct).ConfigureAwait(false);
                var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
                Console.WriteLine($"serving on {address} (Ctrl-C to stop)");
                try
                {
                    await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                await KeelServer.DrainCaptureAsync(app.Services, CancellationToken.None).ConfigureAwait(false);
            }
            return 0;
        });
        root.Subcommands.Add(command);
    }

    private static long Positive(long value, string option) =>
        value > 0 ? value : throw new KeelException($"{option} must be a positive number, not {value}");
}
