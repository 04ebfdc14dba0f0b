using Archiver.Encryption;

namespace Archiver.Cli.Commands;

/// <summary>
/// <c>archiver keygen [--pq] [-o FILE]</c>: a new age identity, written as <c>age-keygen</c> writes
/// one (created time, public key comment, the secret key line). With <c>--pq</c> it is age 1.3's
/// post-quantum hybrid (<c>AGE-SECRET-KEY-PQ-1...</c>, recipient <c>age1pq1...</c>), which the
/// age in Debian cannot make. <c>--recipient-of FILE</c> prints the recipients of a key file
/// instead, like <c>age-keygen -y</c>.
/// </summary>
public sealed class KeygenCommand(TimeProvider clock) : ICommand
{
    private static readonly OptionSpec PostQuantum = OptionSpec.Flag("--pq",
        "make a post-quantum hybrid ML-KEM-768 + X25519 key (age1pq1... recipient, as age-keygen -pq of age 1.3)");

    private static readonly OptionSpec Output = OptionSpec.Text("--output", "FILE",
        "write the identity to FILE (created with mode 0600; an existing file is never overwritten); default stdout") with { Aliases = ["-o"] };

    private static readonly OptionSpec RecipientOf = OptionSpec.Text("--recipient-of", "FILE",
        "print the recipient of each identity in key file FILE and make no key (age-keygen -y)");

    public string Name => "keygen";

    public string Summary => "make an age identity (--pq: post-quantum) for encryption.age, or print a key file's recipients";

    public IReadOnlyList<OptionSpec> Options { get; } = [PostQuantum, Output, RecipientOf];

    public string Notes => """
        The recipient (public key) goes in the policy's encryption.age.recipients; the identity file
        is what restore, verify, cat and find read with --identity. The recipient is printed to stderr
        (to stdout with --recipient-of). Exit 0 on success, 2 on a usage error or an existing FILE.
        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new ArgParser(args, Options);
        if (a.Positionals.Count > 0) a.Errors.Add($"keygen takes no arguments, got '{a.Positionals[0]}'");
        var from = a.Get(RecipientOf.Name);
        if (from is not null && (a.Has(PostQuantum.Name) || a.Get(Output.Name) is not null))
            a.Errors.Add($"{RecipientOf.Name} reads an existing key and makes none; it takes neither {PostQuantum.Name} nor {Output.Name}");
        a.ThrowIfErrors();
        if (from is not null)
        {
            foreach (var identity in AgeKeyFile.LoadIdentities(from)) await Terminal.Out.WriteLineAsync(identity.Recipient.Text.AsMemory(), cancellationToken);
            return ExitCodes.Ok;
        }
        var key = a.Has(PostQuantum.Name) ? AgeIdentity.GeneratePostQuantum() : AgeIdentity.Generate();
        var text = $"# created: {clock.GetUtcNow():yyyy-MM-ddTHH:mm:ssZ}\n# public key: {key.Recipient.Text}\n{key.Text}\n";
        if (a.Get(Output.Name) is { } path) await AgeKeyFile.WriteNewAsync(path, text, cancellationToken);
        else await Terminal.Out.WriteAsync(text.AsMemory(), cancellationToken);
        await Terminal.Error.WriteLineAsync($"Public key: {key.Recipient.Text}".AsMemory(), cancellationToken);
        return ExitCodes.Ok;
    }
}
