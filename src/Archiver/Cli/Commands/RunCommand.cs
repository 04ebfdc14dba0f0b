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

    public string Usage => """
        archiver run --policies DIR [--state DIR] [--listen ADDR:PORT] [--node NAME] [--kubeconfig FILE]
                     [--grace DUR] [--nice N] [--io-class idle|best-effort|none] [--log-level LEVEL]
          --policies      directory of policy files (*.yaml); reloaded when it changes
          --state         keep each policy's journal in DIR/<policy> (default <root>/.archiver/<policy>)
          --listen        /healthz, /readyz and /metrics address (default :8080)
          --grace         how long SIGTERM may take (default 25s; keep it under terminationGracePeriodSeconds)
          --nice          CPU niceness for the process, 0 to leave it (default 10)
          --io-class      IO priority class (default idle)
          Logs are compact JSON on stdout; --log-level or ARCHIVER_LOG_LEVEL (default Information).
        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new ArgParser(args,
            ["--policies", "--state", "--listen", "--node", "--kubeconfig", "--grace", "--nice", "--io-class", "--log-level", "--reload-interval", "--pressure-interval"], []);
        if (a.Positionals.Count > 0) a.Errors.Add($"run takes no arguments, got '{a.Positionals[0]}'");
        if (a.Get("--policies") is null) a.Errors.Add("--policies DIR is required (the directory of policy files, e.g. a mounted ConfigMap)");
        var options = Options(a);
        if (a.Errors.Count > 0) throw new UsageException(a.Errors, Usage);
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
            options.NodeName, options.PoliciesDirectory, options.Listen, Duration.Format(options.GracePeriod));
        await using var daemon = new ArchiverDaemon(options, clock, new StatvfsDiskUsageProbe());
        using var host = DaemonHost.Build(daemon, options);
        await host.RunAsync(stop.Token);
        return ExitCodes.Ok;
    }

    private static DaemonOptions Options(ArgParser a)
    {
        TimeSpan Dur(string flag, TimeSpan fallback)
        {
            if (a.Get(flag) is not { } text) return fallback;
            if (Duration.TryParse(text, out var t, out var err) && t > TimeSpan.Zero) return t;
            a.Errors.Add($"{flag}: {err ?? "must be more than 0"}");
            return fallback;
        }
        var listen = new IPEndPoint(IPAddress.Any, 8080);
        if (a.Get("--listen") is { } l && !TryParseListen(l, out listen))
            a.Errors.Add($"--listen '{l}' is not ADDR:PORT, e.g. :8080, 0.0.0.0:8080 or 127.0.0.1:9090");
        var nice = 10;
        if (a.Get("--nice") is { } n && !(int.TryParse(n, out nice) && nice is >= 0 and <= 19))
            a.Errors.Add($"--nice '{n}' must be a whole number from 0 (leave as is) to 19");
        var io = a.Get("--io-class") ?? "idle";
        if (io is not ("idle" or "best-effort" or "none")) a.Errors.Add($"--io-class '{io}' must be idle, best-effort or none");
        var node = SweepSetup.Node(a);
        return new DaemonOptions
        {
            PoliciesDirectory = Path.GetFullPath(a.Get("--policies") ?? "."),
            StateDirectory = a.Get("--state") is { } s ? Path.GetFullPath(s) : null,
            Listen = listen,
            NodeName = node.Name,
            NodeNameIsExplicit = node.IsExplicit,
            Kubeconfig = a.Get("--kubeconfig"),
            GracePeriod = Dur("--grace", TimeSpan.FromSeconds(25)),
            Nice = nice,
            IoClass = io,
            ReloadInterval = Dur("--reload-interval", TimeSpan.FromSeconds(5)),
            PressureInterval = Dur("--pressure-interval", TimeSpan.FromMinutes(1)),
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
