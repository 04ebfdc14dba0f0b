namespace Archiver.Tests.Support;

/// <summary>
/// A pod directory whose names are not all UTF-8, made and listed by shell tools (bash's
/// <c>$'\xe9'</c>, GNU find and sha256sum), which see names as bytes and so check Archiver
/// independently of how .NET decodes names.
/// </summary>
public static class ByteNameTree
{
    /// <summary>
    /// Fills <paramref name="dir"/>: <c>caf\xe9.log</c> and <c>caf\xff.log</c> (same name but for one
    /// invalid byte, different contents), a directory <c>d\xe9</c> with <c>inner\xfe</c>, a symlink
    /// <c>link\xe9</c> to <c>caf\xe9.log</c>, a hard link <c>hard\xe9</c> to <c>caf\xff.log</c>, a
    /// 121-byte name ending in 0xE9 (past ustar's 100 bytes), a 3 MiB sparse file <c>sparse\xe9</c> (a GNU.sparse
    /// entry whose real name is in a PAX record), and <c>plain.txt</c>. Every mtime is
    /// set to <paramref name="mtime"/>.
    /// </summary>
    public static void Fill(string dir, DateTimeOffset mtime)
    {
        var script = $$"""
            set -e
            cd '{{dir}}'
            printf 'Latin-1 \351' > $'caf\xe9.log'
            printf 'other' > $'caf\xff.log'
            mkdir $'d\xe9'
            printf 'inner' > $'d\xe9/inner\xfe'
            ln -s $'caf\xe9.log' $'link\xe9'
            ln $'caf\xff.log' $'hard\xe9'
            printf 'long' > "$(printf 'n%.0s' $(seq 1 120))"$'\xe9'
            printf 'plain' > plain.txt
            printf 'data after a hole' | dd of=$'sparse\xe9' bs=1 seek=1048576 conv=notrunc status=none
            truncate -s 3M $'sparse\xe9'
            find . -exec touch -h -d @{{mtime.ToUnixTimeSeconds()}} {} +
            """;
        ExternalTool.Check("bash", "-c", script);
    }

    /// <summary>Every path under <paramref name="dir"/> as bytes with its type, size, mode, mtime and
    /// link target, then every file's SHA-256, sorted bytewise: equal listings mean equal trees.</summary>
    public static byte[] Listing(string dir)
    {
        var (exit, output, error) = ExternalTool.Run("bash", "-c",
            $"cd '{dir}' && {{ find . -mindepth 1 -printf '%P|%y|%s|%m|%T@|%l|%n\\n'; find . -type f -exec sha256sum {{}} +; }} | LC_ALL=C sort");
        Xunit.Assert.True(exit == 0, error);
        return output;
    }

    /// <summary>Whether <paramref name="listing"/> names <paramref name="name"/> (bytes) as a path.</summary>
    public static bool Lists(byte[] listing, params byte[] name) =>
        listing.AsSpan().IndexOf([(byte)'\n', .. name, (byte)'|']) >= 0 || listing.AsSpan().StartsWith([.. name, (byte)'|']);
}
