namespace Archiver.Tests.Support;

/// <summary>
/// The real <c>archiver</c> binary as a child process talking to the <see cref="OssDialectProxy"/>:
/// it runs in a private mount namespace (<c>unshare -m</c>, needs root) whose /etc/hosts maps the
/// stand-in's virtual-hosted bucket name to 127.0.0.1, so the binary resolves
/// <c>BUCKET.s3.oss-REGION.localhost</c> the way it resolves a real OSS host, with no test hook in it.
/// Credentials come from OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET, as in production.
/// </summary>
public static class OssCli
{
    public static async Task<ProcessRunner.Result> RunAsync(OssDialectProxy oss, string bucket, string workDir, params string[] args)
    {
        var hosts = Path.Combine(workDir, "hosts");
        await File.WriteAllTextAsync(hosts, await File.ReadAllTextAsync("/etc/hosts") + $"\n127.0.0.1 {bucket}.{oss.EndpointHost} {oss.EndpointHost}\n");
        string[] command = ["-m", "sh", "-c", "mount --bind \"$0\" /etc/hosts && exec \"$@\"", hosts, "dotnet", Path.Combine(AppContext.BaseDirectory, "archiver.dll"), .. args];
        return await ProcessRunner.RunAsync("unshare", command, env: oss.Environment.ToDictionary());
    }
}
