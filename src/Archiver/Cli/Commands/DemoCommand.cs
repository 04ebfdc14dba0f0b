using System.Text;
using Archiver.Pipeline;
using Archiver.Policies;

namespace Archiver.Cli.Commands;

/// <summary>
/// <c>archiver demo</c>: the main job end to end with no cluster and no cloud account. Creates
/// sample pod directories under <c>./demo/data</c> (dead ones, a live one, a recently written one,
/// two incarnations of a live pod), sweeps them into the local store <c>./demo/store</c> with a
/// static list of live pods, and prints the plan and the results.
/// </summary>
public sealed class DemoCommand(TimeProvider clock) : ICommand
{
    private const string Marker = ".archiver-demo";

    public string Name => "demo";

    public string Summary => "create sample pod directories under ./demo and sweep them into a local store";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.Text("--dir", "DIR", "where the sample data, live-pod list and store are made", @default: "demo"),
        CommonOptions.Json,
    ];

    public string Notes => """
        Creates DIR/data (sample pod directories), DIR/live-pods.txt and DIR/store, then runs
        one sweep. Re-running starts the sample data afresh.
        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new ArgParser(args, Options);
        if (a.Positionals.Count > 0) a.Errors.Add($"demo takes no arguments, got '{a.Positionals[0]}'");
        a.ThrowIfErrors();
        var dir = Path.GetFullPath(a.Get("--dir")!);
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any() && !File.Exists(Path.Combine(dir, Marker)))
            throw new ConfigurationException($"{dir} exists and was not made by archiver demo; choose another place with --dir");

        var data = Path.Combine(dir, "data");
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(dir, Marker), "made by archiver demo\n");
        var now = clock.GetUtcNow();
        var live = Path.Combine(dir, "live-pods.txt");
        File.WriteAllText(live, """
            # pods that are alive: name or namespace/name, then an optional phase
            api-7c9d8-r2xkq Running
            web-0 Running
            batch-28937460-k4x2p Succeeded
            """);
        MakePod(data, "checkout-5f6b7d-9wz2m", now.AddDays(-3), 3);       // pod gone, idle 3 days
        MakePod(data, "batch-28937460-k4x2p", now.AddHours(-30), 1);      // pod Succeeded
        MakePod(data, "api-7c9d8-r2xkq", now.AddDays(-2), 1);             // pod Running: protected
        MakePod(data, "worker-6d5c4-m8n7b", now.AddMinutes(-5), 1);       // written 5 minutes ago
        MakePod(data, "web-0", now.AddDays(-5), 1);                       // older incarnation of live web-0
        MakePod(data, "web-0-1763800000", now.AddDays(-4), 1);            // newest incarnation: protected
        File.WriteAllText(Path.Combine(data, "README.txt"), "not a pod directory\n");

        var sweepArgs = new List<string>
        {
            "--root", data, "--store", new Uri(Path.Combine(dir, "store")).AbsoluteUri,
            "--liveness", $"static:{live}", "--idle-for", "1h", "--state", Path.Combine(dir, "state"), "--node", "demo-node",
        };
        if (a.Has("--json")) sweepArgs.Add("--json");
        if (!a.Has("--json"))
            Terminal.Out.WriteLine($"Sample pod directories in {data}; live pods listed in {live}.\n");
        var code = await new SweepCommand(clock).RunAsync(sweepArgs, cancellationToken);
        if (!a.Has("--json"))
            Terminal.Out.WriteLine($"""

                Archives and manifests are in {Path.Combine(dir, "store")}. Look inside one with:
                  find {Path.Combine(dir, "store")} -name '*.tar.gz' | head -1 | xargs tar -tzvf
                Same sweep by hand:
                  archiver sweep {string.Join(' ', sweepArgs.Select(s => s.Contains(' ') ? $"'{s}'" : s))}
                """);
        return code;
    }

    private static void MakePod(string data, string name, DateTimeOffset mtime, int scale)
    {
        var pod = Path.Combine(data, name);
        var logs = Directory.CreateDirectory(Path.Combine(pod, "logs")).FullName;
        Directory.CreateDirectory(Path.Combine(pod, "tmp", "empty"));
        var sb = new StringBuilder();
        var rng = new Random(name.Length * 7919);
        for (var i = 0; i < 4000 * scale; i++)
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"10.0.{rng.Next(256)}.{rng.Next(1, 255)} - - [{mtime.AddSeconds(-i):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/v1/orders/{rng.Next(99999)} HTTP/1.1\" 200 {rng.Next(50000)}\n");
        File.WriteAllText(Path.Combine(logs, "access.log"), sb.ToString());
        File.WriteAllText(Path.Combine(logs, "app.json.log"), string.Concat(Enumerable.Range(0, 500 * scale).Select(i => $"{{\"level\":\"info\",\"msg\":\"order created\",\"order\":{i}}}\n")));
        File.CreateSymbolicLink(Path.Combine(pod, "current.log"), "logs/access.log");
        foreach (var p in Directory.EnumerateFileSystemEntries(pod, "*", SearchOption.AllDirectories).Append(pod).OrderByDescending(p => p.Length))
            FileSystem.Times.SetModified(p, mtime);
    }
}
