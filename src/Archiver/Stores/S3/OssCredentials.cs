using Amazon.Runtime;

namespace Archiver.Stores.S3;

/// <summary>
/// Alibaba Cloud OSS credentials: <c>OSS_ACCESS_KEY_ID</c> / <c>OSS_ACCESS_KEY_SECRET</c> (and
/// optional <c>OSS_SESSION_TOKEN</c>), or a credentials file in ossutil's format
/// (<c>accessKeyID=</c>, <c>accessKeySecret=</c>, optional <c>stsToken=</c>). Error messages name
/// the variables and the file, never a value.
/// </summary>
public static class OssCredentials
{
    public static AWSCredentials Resolve(string? file, Func<string, string?> environment)
    {
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
                throw new StoreException("no OSS credentials: set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET (and OSS_SESSION_TOKEN for STS), or the store's credentialsFile option");
        }
        return string.IsNullOrEmpty(token) ? new BasicAWSCredentials(id, secret) : new SessionAWSCredentials(id, secret, token);
    }
}
