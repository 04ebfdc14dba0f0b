using System.Diagnostics;

namespace Archiver.Tests.Support;

/// <summary>Runs a program to completion (or until <c>killAfter</c>, then kill -9) and returns its
/// exit code and output.</summary>
public static class ProcessRunner
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
    }

    /// <param name="inheritEnvironment">False: the program sees only <paramref name="env"/> (e.g. exactly
    /// what a pod is given), not this process's environment.</param>
    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, string? workingDirectory = null, TimeSpan? timeout = null,
        IDictionary<string, string>? env = null, TimeSpan? killAfter = null, bool inheritEnvironment = true)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? RepoRoot.Path };
        if (!inheritEnvironment) psi.Environment.Clear();
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        if (killAfter is { } delay && !await ExitsWithinAsync(p, delay))
        {
            p.Kill(); // SIGKILL: no finally blocks, no flushing, like kill -9
            await p.WaitForExitAsync(cts.Token);
        }
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time");
        }
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    private static async Task<bool> ExitsWithinAsync(Process p, TimeSpan delay)
    {
        using var cts = new CancellationTokenSource(delay);
        try
        {
            await p.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
