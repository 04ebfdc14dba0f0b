using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Xunit;

namespace Archiver.Tests.Support;

/// <summary>Tests that talk to the real S3 server share one: mark the class <c>[Collection("s3")]</c>
/// and take an <see cref="S3Server"/> in the constructor.</summary>
[CollectionDefinition("s3")]
public sealed class S3Collection : ICollectionFixture<S3Server>;

/// <summary>
/// A real S3 server for tests, on loopback.
/// <list type="bullet">
/// <item>When <c>ARCHIVER_TEST_S3_ENDPOINT</c>, <c>_ACCESS_KEY</c>, <c>_SECRET_KEY</c> (and optionally
/// <c>_REGION</c>) are set, those are used: a server the test script started once for the whole run,
/// or MinIO/AWS that a user points the tests at. <c>ARCHIVER_TEST_RGW_PIDFILE</c> and
/// <c>ARCHIVER_TEST_RGW_RESTART</c> enable <see cref="KillGateway"/> / <see cref="RestartGatewayAsync"/>.</item>
/// <item>Otherwise it starts Ceph radosgw with <c>tests/s3/radosgw.sh start</c> into a temp dir and
/// stops it when the tests end.</item>
/// </list>
/// It never skips: when no server can be had, every test using it fails with the script's message.
/// Buckets: <see cref="CreateBucketAsync"/> makes a fresh one per test class or test.
/// In-process CLI runs get credentials from <see cref="StoreUrl"/> (a credentials file and profile in
/// the URL), never from process-wide environment variables, so parallel tests cannot leak them.
/// </summary>
public sealed class S3Server : IAsyncLifetime
{
    private string? _ownedDir;
    private string? _pidFile;
    private string? _restart;
    private string? _conf;

    public string Endpoint { get; private set; } = "";
    public string AccessKey { get; private set; } = "";
    public string SecretKey { get; private set; } = "";
    public string Region { get; private set; } = "us-east-1";

    /// <summary>An AWS shared credentials file holding these keys as profile <c>archiver-test</c>.</summary>
    public string CredentialsFile { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Func<string, string?> env = Environment.GetEnvironmentVariable;
        if (env("ARCHIVER_TEST_S3_ENDPOINT") is not { Length: > 0 })
        {
            _ownedDir = Path.Combine(Path.GetTempPath(), $"archiver-rgw-{Guid.NewGuid():N}"[..30]);
            var (code, output) = await RunAsync("bash", [ScriptPath(), "start", _ownedDir], TimeSpan.FromMinutes(15));
            if (code != 0) throw new InvalidOperationException($"could not start the test S3 server (radosgw.sh start exited {code}):\n{output}");
            var vars = EnvFile.Read(Path.Combine(_ownedDir, "env"));
            env = k => vars.GetValueOrDefault(k);
        }
        Endpoint = env("ARCHIVER_TEST_S3_ENDPOINT")!.TrimEnd('/');
        AccessKey = env("ARCHIVER_TEST_S3_ACCESS_KEY") ?? throw new InvalidOperationException("ARCHIVER_TEST_S3_ACCESS_KEY is not set");
        SecretKey = env("ARCHIVER_TEST_S3_SECRET_KEY") ?? throw new InvalidOperationException("ARCHIVER_TEST_S3_SECRET_KEY is not set");
        Region = env("ARCHIVER_TEST_S3_REGION") is { Length: > 0 } r ? r : "us-east-1";
        _pidFile = env("ARCHIVER_TEST_RGW_PIDFILE");
        _restart = env("ARCHIVER_TEST_RGW_RESTART");
        _conf = env("ARCHIVER_TEST_RGW_CONF");
        CredentialsFile = Path.Combine(Path.GetTempPath(), $"archiver-s3-credentials-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(CredentialsFile, $"[archiver-test]\naws_access_key_id = {AccessKey}\naws_secret_access_key = {SecretKey}\n");
    }

    public async Task DisposeAsync()
    {
        if (File.Exists(CredentialsFile)) File.Delete(CredentialsFile);
        if (_ownedDir is not null)
        {
            await RunAsync("bash", [ScriptPath(), "stop", _ownedDir], TimeSpan.FromMinutes(2));
            try
            {
                Directory.Delete(_ownedDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>A client with the test credentials, path-style, checksums only when required.</summary>
    public IAmazonS3 CreateClient() => new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = Endpoint,
        AuthenticationRegion = Region,
        ForcePathStyle = true,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    /// <summary>Creates an empty bucket with a fresh name and returns the name. With
    /// <paramref name="objectLock"/>, the bucket has Object Lock enabled (and so versioning), as
    /// <c>create-bucket --object-lock-enabled-for-bucket</c> makes it.</summary>
    public async Task<string> CreateBucketAsync(string prefix = "t", bool objectLock = false)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)].ToLowerInvariant();
        using var client = CreateClient();
        await client.PutBucketAsync(new Amazon.S3.Model.PutBucketRequest { BucketName = name, ObjectLockEnabledForBucket = objectLock });
        return name;
    }

    /// <summary><c>s3://BUCKET/PREFIX?endpoint=…&amp;pathStyle=true&amp;region=…&amp;credentialsFile=…&amp;profile=archiver-test</c>
    /// plus <paramref name="extra"/> (e.g. <c>"partSize=5MiB"</c>).</summary>
    public string StoreUrl(string bucket, string prefix = "", string? extra = null) =>
        $"s3://{bucket}/{prefix}?endpoint={Uri.EscapeDataString(Endpoint)}&pathStyle=true&region={Region}" +
        $"&credentialsFile={Uri.EscapeDataString(CredentialsFile)}&profile=archiver-test" + (extra is null ? "" : "&" + extra);

    /// <summary><see cref="StoreUrl"/> with the endpoint of <paramref name="proxy"/> in front of this server.</summary>
    public string StoreUrlThrough(S3FaultProxy proxy, string bucket) =>
        StoreUrl(bucket).Replace(Uri.EscapeDataString(Endpoint), Uri.EscapeDataString(proxy.Endpoint), StringComparison.Ordinal);

    /// <summary>The cluster's ceph.conf, for <c>radosgw-admin -c</c> (users and keys of a test's own).</summary>
    public string CephConf => _conf is { Length: > 0 } && File.Exists(_conf)
        ? _conf
        : throw new InvalidOperationException("this test needs radosgw-admin: ARCHIVER_TEST_RGW_CONF must name the test cluster's ceph.conf (tests/s3/radosgw.sh writes it to DIR/env)");

    /// <summary>kill -9 the gateway (the S3 front end; the cluster behind it keeps its data).</summary>
    public void KillGateway()
    {
        if (_pidFile is null || !File.Exists(_pidFile))
            throw new InvalidOperationException("cannot kill the gateway: ARCHIVER_TEST_RGW_PIDFILE is not set or names no file (this test needs the radosgw from tests/s3/radosgw.sh)");
        var pid = int.Parse(File.ReadAllText(_pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        using var p = Process.GetProcessById(pid);
        p.Kill();
        p.WaitForExit(10_000);
    }

    /// <summary>Starts the gateway again and waits until S3 answers.</summary>
    public async Task RestartGatewayAsync()
    {
        if (string.IsNullOrEmpty(_restart))
            throw new InvalidOperationException("cannot restart the gateway: ARCHIVER_TEST_RGW_RESTART is not set");
        var (code, output) = await RunAsync("bash", ["-c", _restart], TimeSpan.FromMinutes(2));
        if (code != 0) throw new InvalidOperationException($"restarting the gateway failed (exit {code}):\n{output}");
    }

    /// <summary>tests/s3/radosgw.sh in this repository (found by walking up to Archiver.sln).</summary>
    public static string ScriptPath() => RepoRoot.Combine("tests", "s3", "radosgw.sh");

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout}\n{await stdout}{await stderr}");
        }
        return (p.ExitCode, await stdout + await stderr);
    }
}
