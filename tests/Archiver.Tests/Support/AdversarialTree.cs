using System.Text;
using Archiver.FileSystem;

namespace Archiver.Tests.Support;

/// <summary>
/// Builds the fidelity corpus: a pod directory that a careful adversary would make but that is
/// legal on Linux. Unicode and spaces, a newline in a name, 255-byte names (ASCII and multi-byte),
/// a relative path over 1 KiB, a 300-byte symlink target, empty files and directories, hard links
/// (also across directories), modes 0000/4755/0640/0750, foreign owners, mtimes before 1970 and
/// after 2038, a file of zeros written out (not sparse), and optionally a sparse file of
/// <see cref="SparseSize"/> (9 GiB, about 1 MiB of it data).
/// </summary>
public static class AdversarialTree
{
    public const long SparseSize = 9L << 30;
    public const string SparseName = "sparse-9GiB.img";
    // Edge mtimes for fidelity only: archives of this tree are forced, and no clock is compared with them.
    public static readonly DateTimeOffset Before1970 = new(1960, 3, 1, 12, 30, 15, TimeSpan.Zero);
    public static readonly DateTimeOffset After2038 = new(2100, 6, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Most entries' mtime: three days before the run, with a sub-second part to keep.</summary>
    public static readonly DateTimeOffset Usual = SceneClock.Now().AddDays(-3).AddTicks(1234567);

    /// <summary>Creates the corpus under <paramref name="dir"/> (which must exist and be empty).</summary>
    public static void Build(string dir, bool withSparse)
    {
        var times = new List<(string Path, DateTimeOffset Time)>();
        string P(string rel) => Path.Combine(dir, rel);
        void Write(string rel, string text, DateTimeOffset? t = null)
        {
            File.WriteAllText(P(rel), text);
            times.Add((P(rel), t ?? Usual));
        }

        Directory.CreateDirectory(P("unicode ünï cödé 文件 dir"));
        Write("unicode ünï cödé 文件 dir/naïve résumé 📦.txt", "unicode content ✓\n");
        Write("name with\nnewline", "newline in my name\n");
        Write(" leading and trailing spaces ", "spaces\n");
        Write(new string('n', 251) + ".txt", "255-byte name\n");
        Write(new string('é', 127) + "x", "255 bytes of UTF-8\n");

        var deep = string.Join('/', Enumerable.Range(0, 12).Select(i => $"{i:00}-" + new string((char)('a' + i), 97)));
        Directory.CreateDirectory(P(deep));
        Write(deep + "/deep file.txt", "deep\n");

        var longTarget = string.Concat(Enumerable.Repeat("../x/", 60)); // 300 bytes, dangling
        File.CreateSymbolicLink(P("long-target-link"), longTarget);
        File.CreateSymbolicLink(P("absolute-link"), "/etc/passwd");
        File.CreateSymbolicLink(P("dir-link"), "unicode ünï cödé 文件 dir");
        times.Add((P("long-target-link"), Before1970));
        times.Add((P("absolute-link"), After2038));

        Write("empty-file", "");
        Directory.CreateDirectory(P("empty-dir"));
        Directory.CreateDirectory(P("empty-dir-0750"));
        File.SetUnixFileMode(P("empty-dir-0750"), (UnixFileMode)Convert.ToInt32("750", 8));

        Write("hard-a", "shared by three names\n");
        Tool("ln", P("hard-a"), P("hard-b"));
        Directory.CreateDirectory(P("links"));
        Tool("ln", P("hard-a"), P("links/hard-c"));

        Write("mode-0000", "nobody may read me\n");
        Write("mode-4755", "#!/bin/sh\necho setuid\n");
        Write("mode-0640", "group readable\n");
        Write("old-1960", "before the epoch\n", Before1970);
        Write("future-2100", "after 2038\n", After2038);
        Write("owned-by-1234", "foreign owner\n");
        if (Environment.UserName == "root") Tool("chown", "-h", "1234:5678", P("owned-by-1234"));

        using (var zeros = File.Create(P("all-zero.bin")))
            zeros.Write(new byte[3 << 20]); // written zeros: dense, not a hole
        times.Add((P("all-zero.bin"), Usual));

        if (withSparse)
        {
            using (var f = new FileStream(P(SparseName), FileMode.CreateNew, FileAccess.Write))
            {
                f.SetLength(SparseSize);
                f.Write(Pattern(1 << 20, 1));
                f.Position = 5L << 30;
                f.Write(Pattern(4096, 2));
            }
            times.Add((P(SparseName), Usual));
        }

        // Modes after writing (4755 must survive the chown above), times last, deepest first.
        File.SetUnixFileMode(P("mode-4755"), (UnixFileMode)Convert.ToInt32("4755", 8));
        File.SetUnixFileMode(P("mode-0640"), (UnixFileMode)Convert.ToInt32("640", 8));
        File.SetUnixFileMode(P("mode-0000"), 0);
        foreach (var (path, time) in times) Times.SetModified(path, time);
        foreach (var d in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories).Append(dir).OrderByDescending(d => d.Length))
            Times.SetModified(d, d.EndsWith("empty-dir", StringComparison.Ordinal) ? Before1970 : Usual);
    }

    private static byte[] Pattern(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static void Tool(string file, params string[] args)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, args))!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new IOException($"{file} {string.Join(' ', args)} failed");
    }

    /// <summary>Names in the corpus, for tests that look for a specific one.</summary>
    public static string NewlineName => "name with\nnewline";

    public static int Utf8Length(string s) => Encoding.UTF8.GetByteCount(s);
}
