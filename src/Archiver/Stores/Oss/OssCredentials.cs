using Amazon.Runtime;

namespace Archiver.Stores.Oss;

/// <summary>
/// Alibaba Cloud OSS credentials, the first that is configured of: a credentials file in ossutil's
/// format (the store's <c>credentialsFile</c>: <c>accessKeyID=</c>, <c>accessKeySecret=</c>, optional
/// <c>stsToken=</c>); <c>OSS_ACCESS_KEY_ID</c> / <c>OSS_ACCESS_KEY_SECRET</c> (and optional
/// <c>OSS_SESSION_TOKEN</c>), which win over RRSA when both are there; RRSA
/// (<see cref="RrsaSettings"/>: the pod's OIDC token exchanged at STS, <see cref="RrsaCredentials"/>).
/// Error messages name the variables and the file, never a value.
/// </summary>
public static class OssCredentials
{
    /// <param name="file">The store's <c>credentialsFile</c> option, or null.</param>
    /// <param name="isInternal">The store's <c>internal</c> option and <paramref name="region"/>: which STS endpoint RRSA uses.</param>
    public static AWSCredentials Resolve(string? file, bool isInternal, string? region, Func<string, string?> environment, TimeProvider clock)
    {
        if (file is null && string.IsNullOrEmpty(environment("OSS_ACCESS_KEY_ID")) && string.IsNullOrEmpty(environment("OSS_ACCESS_KEY_SECRET"))
            && RrsaSettings.FromEnvironment(environment, isInternal, region) is { } rrsa)
            return new RrsaCredentials(rrsa, clock);

        string? id, secret, token;
        if (file is not null)
        {
            if (!File.Exists(file)) throw new StoreException($"OSS credentials file {file} does not exist; fix the store's credentialsFile option");
            var values = File.ReadAllLines(file)
                .Select(l => l.Trim())
                .Where(l => l.Length > 0 && l[0] is not ('#' or ';' or '['))
                .Select(l => l.Split('=', 2, StringSplitOptions.TrimEntries))
                .Where(p => p.Length == 2)
                .GroupBy(p => p[0].ToLowerInvariant())
                .ToDictionary(g => g.Key, g => g.First()[1]);
            id = values.GetValueOrDefault("accesskeyid");
            secret = values.GetValueOrDefault("accesskeysecret");
            token = values.GetValueOrDefault("ststoken") ?? values.GetValueOrDefault("securitytoken");
            if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
                throw new StoreException($"OSS credentials file {file} needs accessKeyID= and accessKeySecret= lines");
        }
        else
        {
            id = environment("OSS_ACCESS_KEY_ID");
            secret = environment("OSS_ACCESS_KEY_SECRET");
            token = environment("OSS_SESSION_TOKEN");
            if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
                throw new StoreException("no OSS credentials: set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET (and OSS_SESSION_TOKEN for STS), the store's credentialsFile option, or RRSA (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE)");
        }
        return string.IsNullOrEmpty(token) ? new BasicAWSCredentials(id, secret) : new SessionAWSCredentials(id, secret, token);
    }
}
