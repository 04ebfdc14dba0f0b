namespace Archiver.Tests.Support.Identity;

/// <summary>
/// Dead pods' directories and the real <c>archiver sweep</c> as a child process that sees only the
/// environment a pod on EKS is given: PATH, a HOME with no ~/.aws, AWS_REGION (both IRSA's webhook and
/// EKS set it), the identity variables of the test, and AWS_EC2_METADATA_DISABLED so that a mistake
/// can never send a request to the instance metadata address. No keys anywhere.
/// </summary>
public sealed class IdentityScene : IDisposable
{
    public static readonly string[] Pods = ["web-1", "web-2", "web-3"];

    public IdentityScene()
    {
        var tree = new PodTree(Root);
        foreach (var pod in Pods)
            tree.Pod(pod, DateTimeOffset.UtcNow.AddDays(-2), d => System.IO.File.WriteAllText(Path.Combine(d, "app.log"), string.Concat(Enumerable.Repeat($"{pod} line\n", 5000))));
    }

    public TempDir Temp { get; } = new("identity");

    public string Root => Temp.Sub("data");

    /// <summary>Writes <paramref name="text"/> to a file under the scene and returns its path.</summary>
    public string WriteFile(string name, string text)
    {
        var path = Temp[name];
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    public IEnumerable<string> Remaining => Pods.Where(p => Directory.Exists(Path.Combine(Root, p)));

    /// <param name="app">The archiver.dll to run: the test build by default, or a published one.</param>
    public Task<ProcessRunner.Result> SweepAsync(string storeUrl, IReadOnlyDictionary<string, string> identity, string? app = null)
    {
        var env = new Dictionary<string, string>
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            ["HOME"] = Temp.Sub("home"),
            ["AWS_REGION"] = "us-east-1",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot) env["DOTNET_ROOT"] = dotnetRoot;
        // Not the pod's, the test run's: a shifted clock (tests/faketime.sh) reaches the child too.
        foreach (var name in new[] { "LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC", "TZ" })
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value) env[name] = value;
        foreach (var (k, v) in identity) env[k] = v;
        return ProcessRunner.RunAsync("dotnet",
            [app ?? Path.Combine(AppContext.BaseDirectory, "archiver.dll"), "sweep", "--root", Root, "--store", storeUrl, "--state", Temp.Sub("state"),
             "--liveness", "none", "--idle-for", "1h", "--node", "node-a", "--json"],
            timeout: TimeSpan.FromMinutes(3), env: env, inheritEnvironment: false);
    }

    public void Dispose() => Temp.Dispose();
}
