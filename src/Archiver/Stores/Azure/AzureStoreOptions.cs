using System.Globalization;
using Archiver.Stores.S3;

namespace Archiver.Stores.Azure;

/// <summary>
/// Everything an <c>azblob://CONTAINER/PREFIX</c> store is configured with, from the URL plus options
/// (URL query parameters or the policy's <c>store:</c> mapping). See docs/stores.md for each option.
/// Holds no secrets: credentials are resolved by <see cref="AzureCredentialChain"/>.
/// </summary>
public sealed record AzureStoreOptions
{
    public const long MinBlockSize = 1L << 20;
    public const long DefaultBlockSize = 5L << 20;

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "account", "endpoint", "tier", "identity", "connectionStringFile", "partSize", "uploadConcurrency", "bandwidth", "retries",
        "timeout", "objectLockMode", "objectLockFor",
    };

    /// <summary>Access tiers a blob can be written in (Set Blob Tier / x-ms-access-tier).</summary>
    public static readonly IReadOnlyList<string> Tiers = ["Hot", "Cool", "Cold", "Archive"];

    public string Container { get; init; } = "";
    /// <summary>Blob name prefix ending in '/', or empty.</summary>
    public string Prefix { get; init; } = "";
    /// <summary>The storage account's name; null when only a connection string names it.</summary>
    public string? Account { get; init; }
    /// <summary>The blob service URL (Azurite: <c>http://127.0.0.1:10000/devstoreaccount1</c>);
    /// null for <c>https://ACCOUNT.blob.core.windows.net</c>.</summary>
    public Uri? Endpoint { get; init; }
    public string? Tier { get; init; }
    /// <summary>A file holding a connection string (a mounted Secret); wins over the environment.</summary>
    public string? ConnectionStringFile { get; init; }
    /// <summary>True for <c>identity=managed</c>: the node's managed identity (IMDS).</summary>
    public bool ManagedIdentity { get; init; }
    public long PartSize { get; init; } = DefaultBlockSize;
    public int UploadConcurrency { get; init; } = 4;
    /// <summary>Bytes per second for all uploads through this store; null for no cap.</summary>
    public long? Bandwidth { get; init; }
    public int Retries { get; init; } = 5;
    public TimeSpan Timeout { get; init; } = S3StoreOptions.DefaultTimeout;
    /// <summary>GOVERNANCE (an unlocked version-level immutability policy) or COMPLIANCE (a locked one).</summary>
    public string? ObjectLockMode { get; init; }
    public TimeSpan? ObjectLockFor { get; init; }

    public string Location => $"azblob://{Container}/{Prefix}";

    /// <summary>The blob service URL the store talks to, once the account is known.</summary>
    public Uri ServiceUri(string account) => Endpoint ?? new Uri($"https://{account}.blob.core.windows.net");

    /// <summary>Reads and checks everything; every problem is returned, nothing touches the network.</summary>
    public static AzureStoreOptions Parse(Uri url, IReadOnlyDictionary<string, string> options, List<string> problems)
    {
        var container = url.Host;
        if (string.IsNullOrEmpty(container))
            problems.Add($"azblob store URL '{StoreUrl.Redact(url.OriginalString)}' has no container; use azblob://CONTAINER/PREFIX");
        else if (!IsContainerName(container))
            problems.Add($"azblob container '{container}' is not a valid container name (3-63 lower-case letters, digits and single hyphens)");
        if (!string.IsNullOrEmpty(url.UserInfo))
            problems.Add("azblob store URL must not carry credentials; use the credential chain described in docs/stores.md");
        var prefix = Uri.UnescapeDataString(url.AbsolutePath).Trim('/');
        if (prefix.Split('/').Any(s => s is "." or "..") || prefix.Contains("//", StringComparison.Ordinal))
            problems.Add($"azblob store prefix '{prefix}' has empty, '.' or '..' segments");

        foreach (var k in options.Keys.Where(k => !Known.Contains(k)))
            problems.Add($"azblob store has no option '{k}'; known: {string.Join(", ", Known.Order(StringComparer.Ordinal))}");
        string? Get(string k) => options.TryGetValue(k, out var v) && v.Length > 0 ? v : null;

        Uri? endpoint = null;
        if (Get("endpoint") is { } e && (!Uri.TryCreate(e, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https") || endpoint.Query.Length > 0))
        {
            problems.Add($"azblob endpoint '{StoreUrl.Redact(e)}' must be an http:// or https:// URL without a query (e.g. http://127.0.0.1:10000/devstoreaccount1)");
            endpoint = null;
        }
        var account = Get("account");
        if (account is not null && !account.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
            problems.Add($"azblob account '{account}' must be the storage account's name (lower-case letters and digits)");
        var tier = Get("tier");
        if (tier is not null && !Tiers.Contains(tier)) problems.Add($"azblob tier '{tier}' must be one of {string.Join(", ", Tiers)}");
        var identity = Get("identity");
        if (identity is not null and not "managed") problems.Add($"azblob identity '{identity}' must be 'managed' (the node's managed identity)");

        var connectionStringFile = Get("connectionStringFile");
        if (connectionStringFile is not null && !Path.IsPathRooted(connectionStringFile))
            problems.Add($"connectionStringFile '{connectionStringFile}' must be an absolute path");

        var partSize = DefaultBlockSize;
        if (Get("partSize") is { } p && (!ByteSize.TryParse(p, out partSize) || partSize < MinBlockSize || partSize > S3StoreOptions.MaxPartSize))
            problems.Add($"partSize '{p}' must be a size from 1MiB to 1GiB (e.g. 16MiB)");
        var timeout = S3StoreOptions.DefaultTimeout;
        if (Get("timeout") is { } t && (!Duration.TryParse(t, out timeout, out _) || timeout < TimeSpan.FromSeconds(1) || timeout > TimeSpan.FromHours(1)))
        {
            problems.Add($"timeout '{t}' must be a duration from 1s to 1h (e.g. 2m)");
            timeout = S3StoreOptions.DefaultTimeout;
        }
        var (lockMode, lockFor) = ParseImmutability(Get("objectLockMode"), Get("objectLockFor"), tier, problems);
        return new AzureStoreOptions
        {
            Container = container,
            Prefix = prefix.Length == 0 ? "" : prefix + "/",
            Account = account,
            Endpoint = endpoint,
            Tier = tier,
            ManagedIdentity = identity == "managed",
            ConnectionStringFile = connectionStringFile,
            PartSize = partSize,
            UploadConcurrency = ParseInt(Get("uploadConcurrency"), "uploadConcurrency", 4, 1, 64, problems),
            Bandwidth = BandwidthLimiter.ParseOption(Get("bandwidth"), problems),
            Retries = ParseInt(Get("retries"), "retries", 5, 0, 20, problems),
            Timeout = timeout,
            ObjectLockMode = lockMode,
            ObjectLockFor = lockFor,
        };
    }

    private static (string?, TimeSpan?) ParseImmutability(string? mode, string? lockFor, string? tier, List<string> problems)
    {
        if (mode is null && lockFor is null) return (null, null);
        if (mode is null || lockFor is null) problems.Add("objectLockMode and objectLockFor go together, e.g. objectLockMode: COMPLIANCE, objectLockFor: 180d");
        if (mode is not null && !S3StoreOptions.ObjectLockModes.Contains(mode))
            problems.Add($"objectLockMode '{mode}' must be GOVERNANCE (an unlocked immutability policy) or COMPLIANCE (a locked one)");
        // Blob Storage refuses a tier change of a blob under an immutability policy to and from Archive.
        if (tier == "Archive") problems.Add("objectLockMode cannot be used with tier: Archive: Azure does not move blobs under an immutability policy to the Archive tier");
        TimeSpan? duration = null;
        if (lockFor is not null)
        {
            if (Duration.TryParse(lockFor, out var d, out _) && d >= TimeSpan.FromDays(1)) duration = d;
            else problems.Add($"objectLockFor '{lockFor}' must be a duration of at least 1d (e.g. 180d)");
        }
        return (mode, duration);
    }

    /// <summary>Blob Storage container names: 3-63 characters, lower-case letters, digits and hyphens,
    /// starting and ending with a letter or digit, no two hyphens together.</summary>
    private static bool IsContainerName(string name) =>
        name.Length is >= 3 and <= 63 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && name[0] != '-' && name[^1] != '-' && !name.Contains("--", StringComparison.Ordinal);

    private static int ParseInt(string? text, string name, int fallback, int min, int max, List<string> problems)
    {
        if (text is null) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        problems.Add($"{name} '{text}' must be a whole number from {min} to {max}");
        return fallback;
    }
}
