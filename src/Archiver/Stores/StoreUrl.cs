namespace Archiver.Stores;

/// <summary>Store URLs as they may be shown to people.</summary>
public static class StoreUrl
{
    /// <summary>The URL as the user wrote it, minus anything secret: user info, and the values of
    /// query parameters whose names look secret.</summary>
    public static string Redact(string url)
    {
        var noUser = System.Text.RegularExpressions.Regex.Replace(url, "^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
        return System.Text.RegularExpressions.Regex.Replace(noUser, "([?&][^=&]*(?:secret|key|token|password)[^=&]*=)[^&]*", "$1REDACTED",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase);
    }
}
