using Archiver.Archives;

namespace Archiver.Policies;

/// <summary>One archiving policy: which directories, when, and where their archives go.
/// Every field but <see cref="Root"/> and <see cref="Store"/> has a default.</summary>
public sealed record Policy
{
    public const string DefaultKey = "{cluster}/{node}/{namespace}/{pod}/{dir}-{timestamp}.tar.gz";

    /// <summary>The default key with the extension of <paramref name="format"/>: a policy that sets
    /// only <c>format: tar.zst</c> gets <c>....tar.zst</c> keys.</summary>
    public static string DefaultKeyFor(ArchiveFormat format) => DefaultKey[..^ArchiveFormat.TarGz.Extension().Length] + format.Extension();

    /// <summary>This policy writing <paramref name="format"/>; a key ending with the old format's extension gets the new one.</summary>
    public Policy WithFormat(ArchiveFormat format) =>
        this with { Format = format, Key = Key.EndsWith(Extension, StringComparison.Ordinal) ? Key[..^Extension.Length] + format.Extension() : Key };

    public string Name { get; init; } = "default";
    public string Root { get; init; } = "";
    public string Layout { get; init; } = "{pod}";
    public TimeSpan IdleFor { get; init; } = TimeSpan.FromHours(24);
    public string Schedule { get; init; } = "*/15 * * * *";
    public string TimeZone { get; init; } = "UTC";
    public LivenessSpec Liveness { get; init; } = new("kubernetes");
    public StoreSpec Store { get; init; } = new("");
    public string Key { get; init; } = DefaultKey;
    public string Cluster { get; init; } = "default";
    public ArchiveFormat Format { get; init; } = ArchiveFormat.TarGz;
    /// <summary>Compression level; null means the format's default (gzip 6, zstd 3).</summary>
    public int? Level { get; init; }
    public AfterUpload AfterUpload { get; init; } = AfterUpload.Delete;
    /// <summary>null means: <c>full</c> for the local store (cheap), <c>size</c> for remote stores.</summary>
    public VerifyMode? Verify { get; init; }
    public int Concurrency { get; init; } = SharedFields.Concurrency.Default;
    public IReadOnlyList<string> Exclude { get; init; } = [];
    /// <summary>State directory; empty means <c>&lt;root&gt;/.archiver/&lt;name&gt;</c>.</summary>
    public string State { get; init; } = "";
    /// <summary>Lets a policy use a root that is a system directory. Never set by default.</summary>
    public bool AllowSystemRoot { get; init; }
    /// <summary>Daemon: random delay, up to this, before each scheduled run (spreads many nodes over time).</summary>
    public TimeSpan Jitter { get; init; } = TimeSpan.Zero;
    /// <summary>Daemon: run once as soon as the policy is loaded, besides the schedule.</summary>
    public bool RunOnStart { get; init; }
    /// <summary>Daemon: archive early when the root's file system fills up; null means off.</summary>
    public PressureSpec? Pressure { get; init; }
    /// <summary>Delete archives (and manifests) under this node's prefix older than this; null keeps them.</summary>
    public TimeSpan? RemoteFor { get; init; }
    /// <summary>With afterUpload: keep, delete the kept local copy this long after it was archived; null keeps it.</summary>
    public TimeSpan? KeepLocalFor { get; init; }
    /// <summary>Client-side encryption in the age format; null writes plain archives.</summary>
    public EncryptionSpec? Encryption { get; init; }
    /// <summary>Where the policy came from (file path, or "flags"); for messages only.</summary>
    public string Source { get; init; } = "flags";

    public string StateDirectory => State.Length > 0 ? State : System.IO.Path.Combine(Root, ".archiver", Name);

    public int EffectiveLevel => Level ?? (Format == ArchiveFormat.TarZst ? 3 : 6);

    public string Extension => Format.Extension();
}

/// <summary>Disk pressure: above <see cref="High"/> percent used, archive eligible directories oldest
/// first (idle at least <see cref="MinIdle"/>) until below <see cref="Low"/> percent.</summary>
public sealed record PressureSpec(double High, double Low, TimeSpan MinIdle);

public enum AfterUpload { Delete, Keep }

public enum VerifyMode { Size, Full }

/// <summary>Where liveness comes from: <c>kubernetes</c>, <c>static</c> (with a file) or <c>none</c>.</summary>
public sealed record LivenessSpec(string Source, string? File = null)
{
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>Parses the flag form: <c>none</c>, <c>static:FILE</c>, <c>kubernetes</c>.</summary>
    public static bool TryParse(string text, out LivenessSpec spec, out string? error)
    {
        error = null;
        spec = new LivenessSpec("none");
        if (text == "none" || text == "kubernetes")
        {
            spec = new LivenessSpec(text);
            return true;
        }
        if (text.StartsWith("static:", StringComparison.Ordinal) && text.Length > "static:".Length)
        {
            spec = new LivenessSpec("static", text["static:".Length..]);
            return true;
        }
        error = $"liveness '{text}' is not known; use none, static:FILE or kubernetes";
        return false;
    }

    public override string ToString() => File is null ? Source : $"{Source}:{File}";
}

/// <summary>A store URL (<c>file:///dir</c>, <c>s3://bucket/prefix</c>, <c>oss://bucket/prefix</c>) plus
/// options from the policy's <c>store:</c> section; URL query parameters are options too.</summary>
public sealed record StoreSpec(string Url)
{
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>One option's text, from the URL's query (which wins, as when the store is made) or the
    /// <c>store:</c> mapping; null when unset.</summary>
    public string? Option(string name)
    {
        var q = Url.IndexOf('?');
        if (q >= 0)
            foreach (var pair in Url[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                if (eq > 0 && Uri.UnescapeDataString(pair[..eq]) == name) return Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        return Options.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
    }
}
