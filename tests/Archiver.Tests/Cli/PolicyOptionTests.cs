using System.IO.Pipes;
using System.Text;
using Archiver.Tests.Restore;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Cli;

/// <summary><c>--policy FILE</c> is read once per command, however many of its parts (the store, the
/// age identity file, the key template) come from the policy. <c>--policy &lt;(kubectl get configmap
/// ...)</c> hands the command a pipe, which a second read finds empty ("a policy file holds one YAML
/// mapping", exit 2). The pipe here is one too: an anonymous pipe opened through /proc/self/fd, as
/// bash's process substitution gives it.</summary>
public sealed class PolicyOptionTests : IDisposable
{
    private readonly RestoreFixture _f = new("policyonce");
    private readonly List<IDisposable> _pipes = [];

    /// <summary>A path that reads <paramref name="text"/> once, then nothing.</summary>
    private string PipeOf(string text)
    {
        using var writer = new AnonymousPipeServerStream(PipeDirection.Out);
        var fd = writer.GetClientHandleAsString();
        _pipes.Add(new AnonymousPipeClientStream(PipeDirection.In, fd));
        writer.Write(Encoding.UTF8.GetBytes(text));
        return $"/proc/self/fd/{fd}";
    }

    private string PolicyPipe() => PipeOf(File.ReadAllText(_f.PolicyFile));

    private async Task<string> ArchiveWeb0Async()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_f.Root, "web-0")).FullName;
        File.WriteAllText(Path.Combine(dir, "app.log"), "hello\n");
        return await _f.ArchiveAsync("web-0");
    }

    [Fact]
    public async Task Restore_PolicyFromAPipe_RestoresFromItsStore()
    {
        await ArchiveWeb0Async();
        var target = _f.Temp["out"];

        var r = await CliRunner.RunAsync("restore", "--pod", "web-0", "--policy", PolicyPipe(), "--to", target);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(target, "web-0", "app.log")));
    }

    [Fact]
    public async Task Verify_PolicyFromAPipe_ChecksTheArchiveInItsStore()
    {
        var key = await ArchiveWeb0Async();

        var r = await CliRunner.RunAsync("verify", key, "--policy", PolicyPipe());

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith($"ok: {key} (", r.Out);
    }

    [Fact]
    public async Task Find_PolicyFromAPipe_SearchesItsStoreWithItsKeyTemplate()
    {
        var key = await ArchiveWeb0Async();

        var r = await CliRunner.RunAsync("find", "app.log", "--policy", PolicyPipe(), "--since", "1d");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"{key}\tapp.log\t", r.Out);
    }

    public void Dispose()
    {
        foreach (var p in _pipes) p.Dispose();
        _f.Dispose();
    }
}
