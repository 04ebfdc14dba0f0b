using System.Globalization;
using Archiver.Stores.Oss;

namespace Archiver.Stores.S3;

/// <summary>Which service a bucket lives in. OSS is reached through its S3-compatible endpoint.</summary>
public enum S3Flavor
{
    S3,
    Oss,
}

/// <summary>
/// Everything an <c>s3://</c> or <c>oss://</c> store is configured with, from the URL's bucket and
/// prefix plus options (URL query parameters or the policy's <c>store:</c> mapping). See
/// docs/stores.md for each option. Holds no secrets: credentials are resolved by
/// <see cref="S3ClientFactory"/> when the client is made.
/// </summary>
public sealed record S3StoreOptions
{
    public const long MinPartSize = 5L << 20;
    /// <summary>S3 allows 5 GiB; parts are buffered in memory, so Archiver stops at 1 GiB.</summary>
    public const long MaxPartSize = 1L << 30;
    /// <summary>S3's smallest part, as rclone uses: a part is held in memory from its first byte
    /// until it is stored, so small parts keep a sweep's memory low; larger ones save requests.</summary>
    public const long DefaultPartSize = MinPartSize;

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "endpoint", "region", "pathStyle", "storageClass", "sse", "kmsKeyId", "tags", "partSize",
        "bandwidth", "uploadConcurrency", "retries", "timeout", "profile", "credentialsFile", "internal",
        "objectLockMode", "objectLockFor",
    };

    /// <summary>S3 Object Lock retention modes (PutObjectRetention, x-amz-object-lock-mode).</summary>
    public static readonly IReadOnlyList<string> ObjectLockModes = ["GOVERNANCE", "COMPLIANCE"];

    public S3Flavor Flavor { get; init; }
    public string Bucket { get; init; } = "";
    /// <summary>Object key prefix ending in '/', or empty.</summary>
    public string Prefix { get; init; } = "";
    public Uri? Endpoint { get; init; }
    public string? Region { get; init; }
    public bool PathStyle { get; init; }
    public string? StorageClass { get; init; }
    public string? Sse { get; init; }
    public string? KmsKeyId { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];
    public long PartSize { get; init; } = DefaultPartSize;
    /// <summary>Parts in flight at once through this store, shared by the archives being written;
    /// parts in memory are at most (this + archives being written) × part size.</summary>
    public int UploadConcurrency { get; init; } = 4;
    /// <summary>Bytes per second for all uploads through this store; null for no cap.</summary>
    public long? Bandwidth { get; init; }
    public int Retries { get; init; } = 5;
    /// <summary>Longest one HTTP request (one attempt, including its body) may take before it is
    /// abandoned and retried.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);
    public string? Profile { get; init; }
    public string? CredentialsFile { get; init; }
    public bool Internal { get; init; }
    /// <summary>GOVERNANCE or COMPLIANCE: every archive and manifest is written locked for
    /// <see cref="ObjectLockFor"/>; null for no lock.</summary>
    public string? ObjectLockMode { get; init; }
    public TimeSpan? ObjectLockFor { get; init; }

    /// <summary>True when the endpoint is AWS itself, where flexible checksums are understood.</summary>
    public bool IsAws => Flavor == S3Flavor.S3 && (Endpoint is null || Endpoint.Host.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase));

    /// <summary>Send parts as UNSIGNED-PAYLOAD (Content-MD5 still protects them) only to AWS over
    /// HTTPS; OSS and other servers get the payload's SHA-256 signed, which they all accept.</summary>
    public bool UnsignedPayload => IsAws && (Endpoint is null || Endpoint.Scheme == "https");

    /// <summary>How an <c>oss://</c> store sends the storage class, encryption and tags (x-oss-* headers).</summary>
    internal OssRequestHeaders OssHeaders => new(StorageClass, Sse, KmsKeyId, Tags);

    /// <summary>The store's URL for people: scheme, bucket and prefix, never credentials.</summary>
    public string Location => $"{(Flavor == S3Flavor.Oss ? "oss" : "s3")}://{Bucket}/{Prefix}";

    /// <summary>Reads and checks everything; every problem is returned, nothing touches the network.</summary>
    public static S3StoreOptions Parse(S3Flavor flavor, Uri url, IReadOnlyDictionary<string, string> options, Func<string, string?> environment, List<string> problems)
    {
        var scheme = flavor == S3Flavor.Oss ? "oss" : "s3";
        var o = new S3StoreOptions { Flavor = flavor, Bucket = url.Host, PathStyle = false };
        if (string.IsNullOrEmpty(url.Host))
            problems.Add($"{scheme} store URL '{StoreUrl.Redact(url.OriginalString)}' has no bucket; use {scheme}://BUCKET/PREFIX");
        if (!string.IsNullOrEmpty(url.UserInfo))
            problems.Add($"{scheme} store URL must not carry credentials; use the credential chain described in docs/stores.md");
        var prefix = Uri.UnescapeDataString(url.AbsolutePath).Trim('/');
        if (prefix.Split('/').Any(s => s is "." or "..") || prefix.Contains("//", StringComparison.Ordinal))
            problems.Add($"{scheme} store prefix '{prefix}' has empty, '.' or '..' segments");
        o = o with { Prefix = prefix.Length == 0 ? "" : prefix + "/" };

        foreach (var k in options.Keys.Where(k => !Known.Contains(k)))
            problems.Add($"{scheme} store has no option '{k}'; known: {string.Join(", ", Known.Order(StringComparer.Ordinal))}");
        string? Get(string k) => options.TryGetValue(k, out var v) && v.Length > 0 ? v : null;

        var region = Get("region") ?? (flavor == S3Flavor.S3 ? environment("AWS_REGION") ?? environment("AWS_DEFAULT_REGION") : null);
        var endpointText = Get("endpoint") ?? (flavor == S3Flavor.S3 ? environment("AWS_ENDPOINT_URL_S3") ?? environment("AWS_ENDPOINT_URL") : null);
        var isInternal = ParseBool(Get("internal"), "internal", problems);
        if (isInternal && flavor != S3Flavor.Oss) problems.Add("option 'internal' is for oss:// stores only");
        if (endpointText is null && flavor == S3Flavor.Oss)
        {
            if (region is null) problems.Add("oss store needs 'region' (e.g. cn-hangzhou) or 'endpoint'");
            else endpointText = OssEndpoint.For(region, isInternal);
        }
        Uri? endpoint = null;
        if (endpointText is not null && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            problems.Add($"{scheme} store endpoint '{StoreUrl.Redact(endpointText)}' must be an http:// or https:// URL");
            endpoint = null;
        }
        if (flavor == S3Flavor.Oss && region is null && endpoint is not null)
            region = OssEndpoint.RegionOf(endpoint.Host);
        var pathStyle = Get("pathStyle") is { } ps ? ParseBool(ps, "pathStyle", problems) : false;
        if (flavor == S3Flavor.Oss && pathStyle) problems.Add("oss stores use virtual-hosted addressing; remove pathStyle");

        var sse = Get("sse");
        var kms = Get("kmsKeyId");
        var storageClass = Get("storageClass");
        if (flavor == S3Flavor.Oss)
        {
            // OSS's own names: these travel as x-oss-* headers.
            OssRequestHeaders.Check(storageClass, sse, kms, problems);
        }
        else
        {
            if (sse is not null and not ("AES256" or "aws:kms")) problems.Add($"sse '{sse}' must be AES256 or aws:kms");
            if (kms is not null && sse != "aws:kms") problems.Add("kmsKeyId needs sse: aws:kms");
        }

        var tags = new List<KeyValuePair<string, string>>();
        if (Get("tags") is { } tagText)
            // "team=infra,env=prod" (URL or scalar), or "team=infra&env=prod" escaped (a YAML mapping).
            foreach (var pair in tagText.Split([',', '&'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0) problems.Add($"tag '{pair}' must be KEY=VALUE (tags: team=infra,env=prod)");
                else tags.Add(new(Uri.UnescapeDataString(pair[..eq]), Uri.UnescapeDataString(pair[(eq + 1)..])));
            }

        var partSize = DefaultPartSize;
        if (Get("partSize") is { } p && (!ByteSize.TryParse(p, out partSize) || partSize < MinPartSize || partSize > MaxPartSize))
            problems.Add($"partSize '{p}' must be a size from 5MiB to 1GiB (e.g. 16MiB)");
        var bandwidth = BandwidthLimiter.ParseOption(Get("bandwidth"), problems);
        var uploadConcurrency = ParseInt(Get("uploadConcurrency"), "uploadConcurrency", 4, 1, 64, problems);
        var retries = ParseInt(Get("retries"), "retries", 5, 0, 20, problems);
        var timeout = DefaultTimeout;
        if (Get("timeout") is { } t && (!Duration.TryParse(t, out timeout, out _) || timeout < TimeSpan.FromSeconds(1) || timeout > TimeSpan.FromHours(1)))
        {
            problems.Add($"timeout '{t}' must be a duration from 1s to 1h (e.g. 2m)");
            timeout = DefaultTimeout;
        }

        var credentialsFile = Get("credentialsFile");
        if (credentialsFile is not null && !Path.IsPathRooted(credentialsFile))
            problems.Add($"credentialsFile '{credentialsFile}' must be an absolute path");
        var profile = Get("profile");
        if (profile is not null && flavor == S3Flavor.Oss) problems.Add("option 'profile' is for s3:// stores; oss:// reads OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET or credentialsFile");

        var (lockMode, lockFor) = ParseObjectLock(flavor, Get("objectLockMode"), Get("objectLockFor"), problems);

        return o with
        {
            Endpoint = endpoint,
            Region = region,
            PathStyle = pathStyle,
            StorageClass = storageClass,
            Sse = sse,
            KmsKeyId = kms,
            Tags = tags,
            PartSize = partSize,
            Bandwidth = bandwidth,
            UploadConcurrency = uploadConcurrency,
            Retries = retries,
            Timeout = timeout,
            Profile = profile,
            CredentialsFile = credentialsFile,
            Internal = isInternal,
            ObjectLockMode = lockMode,
            ObjectLockFor = lockFor,
        };
    }

    private static (string? Mode, TimeSpan? For) ParseObjectLock(S3Flavor flavor, string? mode, string? lockFor, List<string> problems)
    {
        if (mode is null && lockFor is null) return (null, null);
        if (flavor == S3Flavor.Oss)
        {
            problems.Add("objectLockMode/objectLockFor are for s3:// stores; OSS's S3-compatible endpoint has no Object Lock: protect an oss:// bucket with an OSS retention policy (WORM) instead");
            return (null, null);
        }
        if (mode is null || lockFor is null) problems.Add("objectLockMode and objectLockFor go together, e.g. objectLockMode: COMPLIANCE, objectLockFor: 180d");
        if (mode is not null && !ObjectLockModes.Contains(mode)) problems.Add($"objectLockMode '{mode}' must be GOVERNANCE or COMPLIANCE");
        TimeSpan? duration = null;
        if (lockFor is not null)
        {
            if (Duration.TryParse(lockFor, out var d, out _) && d >= TimeSpan.FromDays(1)) duration = d;
            else problems.Add($"objectLockFor '{lockFor}' must be a duration of at least 1d (e.g. 180d)");
        }
        return (mode, duration);
    }

    private static bool ParseBool(string? text, string name, List<string> problems)
    {
        if (text is null) return false;
        if (bool.TryParse(text, out var b)) return b;
        problems.Add($"{name} '{text}' must be true or false");
        return false;
    }

    private static int ParseInt(string? text, string name, int fallback, int min, int max, List<string> problems)
    {
        if (text is null) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        problems.Add($"{name} '{text}' must be a whole number from {min} to {max}");
        return fallback;
    }
}
