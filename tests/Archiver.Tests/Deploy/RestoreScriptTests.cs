using System.Diagnostics;
using Archiver.Tests.Restore;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Deploy;

/// <summary>
/// <c>deploy/restore.sh</c> against a real S3 server (the shared <see cref="S3Server"/> fixture:
/// Ceph radosgw from tests/s3/radosgw.sh, or the endpoint in ARCHIVER_TEST_S3_*): an archive made
/// by <c>archiver archive</c> and uploaded with <c>aws s3 cp</c> comes back exactly, a corrupt one
/// is refused before anything is written, and a non-empty target is refused.
/// </summary>
[Collection("s3")]
public sealed class RestoreScriptTests : IDisposable
{
    private readonly RestoreFixture _f = new("script");
    private readonly string _bucket = $"restore-sh-{Guid.NewGuid():N}"[..24];
    private readonly Dictionary<string, string> _env;
    private readonly string _endpoint;

    public RestoreScriptTests(S3Server s3)
    {
        _endpoint = s3.Endpoint;
        _env = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = s3.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = s3.SecretKey,
            ["AWS_DEFAULT_REGION"] = s3.Region,
            ["AWS_CONFIG_FILE"] = "/dev/null",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        };
        Assert.Equal(0, Run("aws", "--endpoint-url", _endpoint, "s3", "mb", $"s3://{_bucket}").Code);
    }

    private static string Script => RepoRoot.Combine("deploy", "restore.sh");

    private (int Code, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var (k, v) in _env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }

    private void Upload(string localFile, string key) =>
        Assert.Equal(0, Run("aws", "--endpoint-url", _endpoint, "s3", "cp", "--only-show-errors", localFile, $"s3://{_bucket}/{key}").Code);

    private async Task<string> ArchiveAndUploadAsync()
    {
        AdversarialTree.Build(Directory.CreateDirectory(Path.Combine(_f.Root, "web-0")).FullName, withSparse: false);
        var key = await _f.ArchiveAsync("web-0");
        Upload(Path.Combine(_f.StoreDir, key), key);
        Upload(Path.Combine(_f.StoreDir, key + ".manifest.json"), key + ".manifest.json");
        return key;
    }

    [Fact]
    public async Task RestoreScript_ArchiveInS3_RestoresTheExactTreeAndVerifiesTheHash()
    {
        var key = await ArchiveAndUploadAsync();
        var to = _f.Temp["restored"];

        var (code, output) = Run("sh", Script, $"s3://{_bucket}/{key}", to, "--endpoint", _endpoint);

        Assert.True(code == 0, output);
        Assert.Contains("matches the manifest", output);
        Assert.Contains("(verified)", output);
        Assert.Empty(TreeComparison.Differences(Path.Combine(_f.Root, "web-0"), Path.Combine(to, "web-0")));
    }

    [Fact]
    public async Task RestoreScript_CorruptArchive_RefusedAndNothingWritten()
    {
        var key = await ArchiveAndUploadAsync();
        var corrupt = _f.Temp["corrupt.tar.gz"];
        var bytes = File.ReadAllBytes(Path.Combine(_f.StoreDir, key));
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(corrupt, bytes);
        Upload(corrupt, key);
        var to = _f.Temp["restored"];

        var (code, output) = Run("sh", Script, $"s3://{_bucket}/{key}", to, "--endpoint", _endpoint);

        Assert.Equal(1, code);
        Assert.Contains("but the manifest says", output);
        Assert.Contains("nothing was written", output);
        Assert.False(Directory.Exists(to));
    }

    [Fact]
    public async Task RestoreScript_NonEmptyTarget_RefusedBeforeDownloading()
    {
        var key = await ArchiveAndUploadAsync();
        var to = _f.Temp.Sub("busy");
        File.WriteAllText(Path.Combine(to, "mine.txt"), "keep");

        var (code, output) = Run("sh", Script, $"s3://{_bucket}/{key}", to, "--endpoint", _endpoint);

        Assert.Equal(2, code);
        Assert.Contains("is not empty", output);
        Assert.DoesNotContain("downloading", output);
        Assert.Equal(["mine.txt"], Directory.EnumerateFileSystemEntries(to).Select(Path.GetFileName));
    }

    public void Dispose()
    {
        Run("aws", "--endpoint-url", _endpoint, "s3", "rb", "--force", $"s3://{_bucket}");
        _f.Dispose();
    }
}
