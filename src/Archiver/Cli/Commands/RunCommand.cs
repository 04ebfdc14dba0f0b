using System.Net;
using System.Runtime.InteropServices;
using Archiver.Hosting;
using Archiver.Logging;
using Archiver.Policies;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Archiver.Cli.Commands;

/// <summary><c>archiver run</c>: the daemon. Runs every policy in a directory on its schedule until
/// SIGTERM or Ctrl+C, then stops within the grace period.</summary>
public sealed class RunCommand(TimeProvider clock) : ICommand, IDaemonCommand
{
    public string Name => "run";

    public string Summary => "run as a daemon: every policy on its schedule, with health and metrics endpoints";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.Text("--policies", "DIR", "directory of policy files (*.yaml), reloaded when it changes (required)"),
        OptionSpec.Text("--state", "DIR", "keep each policy's journal in DIR/<policy> (default <root>/.archiver/<policy>)"),
        OptionSpec.Text("--listen", "ADDR:PORT", "/healthz, /readyz and /metrics address", @default: ":8080"),
        CommonOptions.Node,
        CommonOptions.Kubeconfig,
        OptionSpec.Duration("--grace", "how long SIGTERM may take; keep it under terminationGracePeriodSeconds", @default: "25s"),
        OptionSpec.Int("--nice", "CPU niceness for the process, 0 to leave it", new IntRange(0, 19), @default: 10),
        OptionSpec.Choice("--io-class", "IO priority class", ["idle", "best-effort", "none"], @default: "idle"),
        OptionSpec.Duration("--reload-interval", "how often the policy directory is checked for changes", @default: "5s"),
        OptionSpec.Duration("--pressure-interval", "how often disk usage is checked for policies with pressure", @default: "1m"),
    ];

    public string Notes => "Logs are compact JSON on stdout; --log-level or ARCHIVER_LOG_LEVEL (default Information).";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new ArgParser(args, Options);
        if (a.Positionals.Count > 0) a.Errors.Add($"run takes no arguments, got '{a.Positionals[0]}'");
        if (a.Get("--policies") is null) a.Errors.Add("--policies DIR is required (the directory of policy files, e.g. a mounted ConfigMap)");
        var options = DaemonOptionsFrom(a);
        a.ThrowIfErrors();
        if (!Directory.Exists(options.PoliciesDirectory))
            throw new ConfigurationException($"policy directory {options.PoliciesDirectory} does not exist; mount the policies there or fix --policies");

        LogSetup.ForDaemon(args);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            Log.Information("SIGTERM received");
            stop.Cancel();
        });
        Log.Information("Archiver daemon starting on node {Node}: policies {Policies}, listen {Listen}, grace {Grace}",
            options.Node.Name, options.PoliciesDirectory, options.Listen, Duration.Format(options.GracePeriod));
        await using var daemon = new ArchiverDaemon(options, clock, new StatvfsDiskUsageProbe());
        using var host = DaemonHost.Build(daemon, options);
        await host.RunAsync(stop.Token);
        return ExitCodes.Ok;
    }

    private static DaemonOptions DaemonOptionsFrom(ArgParser a)
    {
        TimeSpan Positive(string flag)
        {
            var t = a.Duration(flag)!.Value;
            if (t <= TimeSpan.Zero) a.Errors.Add($"{flag}: must be more than 0");
            return t;
        }
        var listen = new IPEndPoint(IPAddress.Any, 8080);
        if (a.Get("--listen") is { } l && !TryParseListen(l, out listen))
            a.Errors.Add($"--listen '{l}' is not ADDR:PORT, e.g. :8080, 0.0.0.0:8080 or 127.0.0.1:9090");
        var node = SweepFlags.Node(a);
        return new DaemonOptions
        {
            PoliciesDirectory = Path.GetFullPath(a.Get("--policies") ?? "."),
            StateDirectory = a.Get("--state") is { } s ? Path.GetFullPath(s) : null,
            Listen = listen,
            Node = node,
            Kubeconfig = a.Get("--kubeconfig"),
            GracePeriod = Positive("--grace"),
            Nice = a.Int("--nice")!.Value,
            IoClass = a.Get("--io-class")!,
            ReloadInterval = Positive("--reload-interval"),
            PressureInterval = Positive("--pressure-interval"),
        };
    }

    /// <summary><c>:8080</c> (all addresses), <c>0.0.0.0:8080</c>, <c>127.0.0.1:0</c>, <c>[::]:8080</c>.</summary>
    public static bool TryParseListen(string text, out IPEndPoint endpoint)
    {
        endpoint = new IPEndPoint(IPAddress.Any, 8080);
        if (text.StartsWith(':') && int.TryParse(text[1..], out var port) && port is >= 0 and <= 65535)
        {
            endpoint = new IPEndPoint(IPAddress.Any, port);
            return true;
        }
        if (IPEndPoint.TryParse(text, out var parsed) && text.Contains(':') && !text.EndsWith(']'))
        {
            endpoint = parsed;
            return true;
        }
        return false;
    }
}
