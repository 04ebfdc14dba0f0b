namespace Archiver.Tests.Support;

/// <summary>Keys made as a user makes them: <c>archiver keygen [--pq] -o FILE</c>, through the real CLI.</summary>
public static class ArchiverKeygen
{
    public static async Task<AgeCli.KeyPair> KeyGenAsync(string directory, string name, bool postQuantum = true)
    {
        var file = Path.Combine(directory, name + ".txt");
        var r = await CliRunner.RunAsync(["keygen", .. postQuantum ? ["--pq"] : Array.Empty<string>(), "-o", file]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("Public key: ", StringComparison.Ordinal));
        return new AgeCli.KeyPair(file, line["Public key: ".Length..]);
    }
}
