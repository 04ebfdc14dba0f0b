using System.Text;

namespace Archiver.Tests.Support;

/// <summary>
/// typage (npm <c>age-encryption</c>, pinned in tests/age-testkit and installed by tests/run.sh),
/// the TypeScript age implementation by age's author, run through <c>tests/age-testkit/typage.mjs</c>:
/// the independent side of post-quantum interoperability, since Debian's age (1.1) has no
/// post-quantum keys.
/// </summary>
public static class Typage
{
    private static string Run(params string[] args)
    {
        Assert.True(Directory.Exists(RepoRoot.Combine("tests", "age-testkit", "node_modules", "age-encryption")),
            "typage is not installed: run npm ci --prefix tests/age-testkit (tests/run.sh does), then run the tests again");
        var (exit, output, error) = ExternalTool.Run("node", [RepoRoot.Combine("tests", "age-testkit", "typage.mjs"), .. args]);
        Assert.True(exit == 0, $"typage {string.Join(' ', args.Take(1))}: {error}");
        return Encoding.ASCII.GetString(output).Trim();
    }

    /// <summary>A new post-quantum identity (<c>AGE-SECRET-KEY-PQ-1...</c>).</summary>
    public static string KeyGen() => Run("keygen");

    /// <summary>The recipient typage derives from <paramref name="identity"/>.</summary>
    public static string RecipientOf(string identity) => Run("recipient", identity);

    public static void Encrypt(string recipient, string input, string output) => Run("encrypt", recipient, input, output);

    public static void Decrypt(string identity, string input, string output) => Run("decrypt", identity, input, output);
}
