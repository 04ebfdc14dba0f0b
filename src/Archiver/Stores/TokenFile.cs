namespace Archiver.Stores;

/// <summary>A projected service-account token file (RRSA, Workload Identity), read afresh at each
/// exchange: the kubelet replaces it before the token expires.</summary>
public static class TokenFile
{
    /// <summary>The token, trimmed. Throws <see cref="StoreException"/> naming the file (as
    /// <paramref name="what"/>), the variable that named it and <paramref name="volume"/> (the pod
    /// volume to check) when it cannot be read or is empty.</summary>
    public static string Read(string path, string what, string variable, string volume)
    {
        string token;
        try
        {
            token = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"cannot read the {what} {path} ({variable}): {Reason(e)}; check the pod's {volume} and that the archiver may read it", e);
        }
        if (token.Length == 0)
            throw new StoreException($"the {what} {path} ({variable}) is empty; check the pod's {volume}");
        return token;
    }

    private static string Reason(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "it does not exist",
        UnauthorizedAccessException => "permission denied",
        _ => e.Message,
    };
}
