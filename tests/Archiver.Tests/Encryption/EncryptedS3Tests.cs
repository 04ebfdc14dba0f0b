using System.Diagnostics;
using Archiver.Tests.Support;

namespace Archiver.Tests.Encryption;

/// <summary>An encrypted sweep to radosgw (the shared <see cref="S3Server"/> fixture), then
/// <c>archiver verify</c> without a key, <c>archiver restore</c> with one, and
/// <c>deploy/restore.sh</c> (aws s3 cp, age -d -i, tar) with and without an identity.</summary>
[Collection("s3")]
public sealed class EncryptedS3Tests : IAsyncLifetime
{
    private readonly S3Server _server;
    private EncryptedScene _scene = null!;
    private string _bucket = "";
    private string _key = "";

    public EncryptedS3Tests(S3Server server) => _server = server;

    public async Task InitializeAsync()
    {
        _bucket = await _server.CreateBucketAsync("age");
        _scene = new EncryptedScene(storeYaml:
        [
            $"url: s3://{_bucket}/enc",
            $"endpoint: {_server.Endpoint}",
            $"region: {_server.Region}",
            "pathStyle: \"true\"",
            $"credentialsFile: {_server.CredentialsFile}",
            "profile: archiver-test",
        ]);
        _key = await _scene.SweepAsync();
    }

    public Task DisposeAsync()
    {
        _scene.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task VerifyWithoutIdentity_ThenRestoreWithIdentity_FromRadosgw()
        => await _scene.VerifyWithoutIdentityThenRestoreWithIdentityAsync(_key);

    [Fact]
    public void RestoreScript_WithIdentity_DecryptsChecksAndExtractsExactly()
    {
        var target = _scene.Tmp["restored"];

        var (code, output) = RunScript($"s3://{_bucket}/enc/{_key}", target, "--endpoint", _server.Endpoint, "--identity", _scene.Inline.IdentityFile);

        Assert.True(code == 0, output);
        Assert.Contains("matches the manifest", output);
        Assert.Empty(_scene.Before.Diff(TreeSnapshot.Of(Path.Combine(target, "web-0"))));
    }

    [Fact]
    public void RestoreScript_WithoutIdentity_Exit1NamesIt_WritesNothing()
    {
        var target = _scene.Tmp["restored"];

        var (code, output) = RunScript($"s3://{_bucket}/enc/{_key}", target, "--endpoint", _server.Endpoint);

        Assert.Equal(1, code);
        Assert.Contains("--identity FILE", output);
        Assert.Contains("ARCHIVER_AGE_IDENTITY_FILE", output);
        Assert.DoesNotContain("downloading", output);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void RestoreScript_WithWrongIdentity_Exit1WritesNothing()
    {
        var stranger = AgeCli.KeyGen(_scene.Tmp.Path, "stranger");
        var target = _scene.Tmp["restored"];

        var (code, output) = RunScript($"s3://{_bucket}/enc/{_key}", target, "--endpoint", _server.Endpoint, "--identity", stranger.IdentityFile);

        Assert.Equal(1, code);
        Assert.Contains("age cannot decrypt", output);
        Assert.False(Directory.Exists(target));
    }

    private (int Code, string Output) RunScript(params string[] args)
    {
        var psi = new ProcessStartInfo("sh", [RepoRoot.Combine("deploy", "restore.sh"), .. args]) { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.Environment["AWS_ACCESS_KEY_ID"] = _server.AccessKey;
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = _server.SecretKey;
        psi.Environment["AWS_DEFAULT_REGION"] = _server.Region;
        psi.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        psi.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        psi.Environment.Remove("ARCHIVER_AGE_IDENTITY_FILE");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }
}
