using Archiver.Tests.Support;

namespace Archiver.Tests.Cli;

/// <summary>Bad input: a clear message, exit 2, no stack trace, and nothing touched.</summary>
public class BadInputTests
{
    public static TheoryData<string, string[]> Cases => new()
    {
        { "does not exist", ["--root", "/nonexistent/archiver-root"] },
        { "cannot read the policy file", ["--policy", "/nonexistent/policy.yaml"] },
        { "unknown scheme", ["--store", "ftp://host/x"] },
        { "not a duration", ["--idle-for", "three days"] },
        { "unknown option --frobnicate", ["--frobnicate"] },
        { "liveness 'maybe' is not known", ["--liveness", "maybe"] },
        { "--concurrency", ["--concurrency", "0"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Sweep_BadInput_ExitsTwoWithAClearMessageAndTouchesNothing(string expected, string[] bad)
    {
        using var s = new SweepScene();
        s.Pod("web-1");
        var args = new List<string> { "sweep", "--root", s.Root, "--store", s.StoreUrl, "--liveness", "none", "--idle-for", "1h" };
        for (var i = 0; i < bad.Length; i++)
        {
            var at = args.IndexOf(bad[i]);
            if (at > 0 && i + 1 < bad.Length) args[at + 1] = bad[++i];
            else args.Add(bad[i]);
        }
        var before = s.Snapshot();

        var r = await CliRunner.RunAsync(s.Clock, args.ToArray());

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(expected, r.Error);
        Assert.DoesNotContain("   at ", r.Error);
        Assert.Empty(before.Diff(s.Snapshot()));
    }

    [Fact]
    public async Task Sweep_S3StoreWithoutCredentials_ExitsTwoNamingWhereItLookedAndTouchesNothing()
    {
        using var s = new SweepScene();
        s.Pod("web-1");
        // Exactly what a pod without a Secret, IRSA or Pod Identity has: no AWS variable, no shared
        // files (HOME is empty), and no instance role (IMDS off, as on a node that blocks it).
        var env = new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")!, ["HOME"] = s.Tmp.Sub("home"), ["AWS_EC2_METADATA_DISABLED"] = "true" };
        var before = s.Snapshot();

        var r = await ProcessRunner.RunAsync("dotnet", [typeof(Archiver.Program).Assembly.Location, "sweep", "--root", s.Root, "--store", "s3://bucket/pods?endpoint=http://127.0.0.1:9", "--liveness", "none", "--idle-for", "1h"],
            env: env, inheritEnvironment: false);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("s3://bucket/pods/: no usable credentials: none found; looked for", r.Error);
        foreach (var looked in new[] { "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ACCESS_KEY_ID", "instance role" })
            Assert.Contains(looked, r.Error);
        Assert.DoesNotContain("   at ", r.Error);
        Assert.Contains("Nothing was changed.", r.Error);
        // No journal record (nor anything else) may be written before credentials are known.
        Assert.Empty(before.Diff(s.Snapshot()));
    }

    [Fact]
    public async Task Sweep_NoLivenessGiven_DoesNotTreatPodsAsDead()
    {
        using var s = new SweepScene();
        s.Pod("web-1");
        var r = await CliRunner.RunAsync(s.Clock, "sweep", "--root", s.Root, "--store", s.StoreUrl);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.True(s.Exists("web-1"));
    }

    [Fact]
    public async Task PoliciesValidate_EveryProblemInEveryFile_IsReportedAtOnce()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["a.yaml"], "name: a\nroot: /var/lib/kubelet\nstore: file:///x\nschedule: \"61 * * * *\"\n");
        File.WriteAllText(tmp["b.yaml"], "name: b\nroot: /data\nstore: s4://bucket\nidleFor: forever\n");
        var r = await CliRunner.RunAsync("policies", "validate", tmp.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("a.yaml:2:", r.Error);
        Assert.Contains("a.yaml:4:", r.Error);
        Assert.Contains("b.yaml:3:", r.Error);
        Assert.Contains("b.yaml:4:", r.Error);
    }

    [Fact]
    public async Task PoliciesValidate_ValidPolicy_ShowsNextRuns()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["ok.yaml"], $"name: ok\nroot: {tmp.Path}\nstore: file:///x\nschedule: \"*/15 * * * *\"\n");
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(SceneClock.TodayAt(TimeSpan.FromMinutes(1)));
        var r = await CliRunner.RunAsync(clock, "policies", "validate", tmp["ok.yaml"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var day = clock.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"{day} 00:15:00 +00:00, {day} 00:30:00 +00:00", r.Out);
    }

    [Fact]
    public async Task UnknownCommand_ExitsTwoAndListsCommands()
    {
        var r = await CliRunner.RunAsync("swep");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown command 'swep'", r.Error);
        Assert.Contains("sweep", r.Error);
    }

    [Fact]
    public async Task PoliciesValidate_NestedOrSharedRoots_AreRefused()
    {
        using var tmp = new TempDir();
        var data = tmp.Sub("data");
        File.WriteAllText(tmp["a.yaml"], $"name: a\nroot: {data}\nstore: file:///x\nliveness: none\n");
        File.WriteAllText(tmp["b.yaml"], $"name: b\nroot: {tmp.Sub("data/jobs")}\nstore: file:///x\nliveness: none\n");
        File.WriteAllText(tmp["c.yaml"], $"name: c\nroot: {data}\nstore: file:///x\nliveness: none\n");
        var r = await CliRunner.RunAsync("policies", "validate", tmp.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is inside the root", r.Error);
        Assert.Contains("is also the root of policy a", r.Error);
    }

    [Fact]
    public async Task PoliciesValidate_ShippedPolicies_AreValid()
    {
        var r = await CliRunner.RunAsync("policies", "validate", RepoRoot.Combine("policies"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(3, r.Out.Split('\n').Count(l => l.Contains(": ok: policy ")));
    }
}
