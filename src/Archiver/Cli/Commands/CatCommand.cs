using Archiver.Composition;
using Archiver.Encryption;
using Archiver.Policies;
using Archiver.Restore;

namespace Archiver.Cli.Commands;

/// <summary><c>archiver cat KEY|--pod NAME PATH --store URL</c>: one file's content to stdout, read
/// with range reads and checked against the manifest after it is written.</summary>
public sealed class CatCommand(TimeProvider clock) : ICommand
{
    public string Name => "cat";

    public string Summary => "print one archived file to stdout (for | grep), reading only the part of the archive that holds it";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        CommonOptions.Store,
        PolicyOption.ForReading,
        .. ArchiveChoice.Options,
        AgeIdentityOption.Spec,
    ];

    public string Arguments => "KEY PATH --store URL  |  --pod NAME PATH --store URL";

    public string Notes => """
        PATH is inside the pod directory (logs/app.log). Only the blocks that hold it are read (of an
        .age archive: its header and the 64 KiB age chunks that hold them, each authenticated).
        The content's SHA-256 is checked against the manifest once it has been written.
        Exit 0: written and verified; 1: no such file, a read error, or the content differs from the
        manifest (reported on stderr after the bytes already written); 2: usage.
        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new ArgParser(args, Options);
        var byPod = a.Get("--pod") is not null;
        var wanted = byPod ? 1 : 2;
        if (a.Positionals.Count != wanted) a.Errors.Add(byPod ? "cat --pod NAME takes one PATH" : "cat takes an archive KEY and a PATH (or --pod NAME and a PATH)");
        var key = byPod || a.Positionals.Count < 2 ? null : a.Positionals[0];
        var at = ArchiveChoice.Check(a, "cat", byPod ? null : key ?? "");
        var policy = new PolicyOption(a);
        var spec = policy.Store();
        a.ThrowIfErrors();
        var path = a.Positionals[^1];
        var identities = AgeIdentityOption.Load(a, policy);
        return await AgeIdentityOption.RunAsync(() => CatAsync(a, spec!, key, at, path, identities, cancellationToken));
    }

    private async Task<int> CatAsync(ArgParser a, StoreSpec spec, string? key, DateTimeOffset? at, string path, IReadOnlyList<AgeIdentity>? identities, CancellationToken cancellationToken)
    {
        await using var store = StoreFactory.Create(spec);
        var (resolved, manifest) = await ArchiveChoice.ResolveAsync(a, key, at, store, clock, noManifest: false, identities, cancellationToken);
        if (EntrySelection.Exactly(manifest!, path) is not { } entry)
        {
            Terminal.Error.WriteLine($"error: no {path} in {resolved}; paths are inside the pod directory. Nearest: {string.Join(", ", EntrySelection.Nearest(manifest!, [path]))}");
            return ExitCodes.SomeFailed;
        }
        await using var stdout = Terminal.OpenRawOut();
        // The line would mix with the file's bytes when they go to the same terminal.
        var progress = Terminal.OutputIsTerminal ? null : ProgressLine.ForStderr(json: false, clock);
        progress?.Expect(entry.Path, entry.Size);
        await using var watched = progress is null ? stdout : new Archives.ProgressStream(stdout, n => progress.Add(entry.Path, n));
        var result = await EntryCat.RunAsync(store, resolved, manifest!, entry, watched, identities, cancellationToken);
        progress?.End();
        if (!result.Matches)
        {
            Terminal.Error.WriteLine($"error: {FileSystem.FileName.Printable(entry.Path)}: wrote {result.Bytes} bytes with sha256 {result.Sha256}, but the manifest says {entry.Size} bytes with sha256 {entry.Sha256}; do not trust the output above (the archive or its index is damaged)");
            return ExitCodes.SomeFailed;
        }
        return ExitCodes.Ok;
    }
}
