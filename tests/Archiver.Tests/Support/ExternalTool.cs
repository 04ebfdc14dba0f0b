using System.Diagnostics;

namespace Archiver.Tests.Support;

/// <summary>Runs a standard command-line tool (gzip, zstd, tar) and returns its exit code,
/// standard output as bytes, and standard error.</summary>
public static class ExternalTool
{
    public static (int ExitCode, byte[] Output, string Error) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var error = p.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(output);
        p.WaitForExit();
        return (p.ExitCode, output.ToArray(), error.Result);
    }

    /// <summary>Runs the tool for its effect (mount, ln, tar -x, ...) and fails the test unless it exits 0.</summary>
    public static void Check(string file, params string[] args)
    {
        var (exit, _, error) = Run(file, args);
        Xunit.Assert.True(exit == 0, $"{file} {string.Join(' ', args)}: {error}");
    }
}
