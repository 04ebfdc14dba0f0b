namespace Archiver.Encryption;

/// <summary>
/// Reads key files as age does: one key per line, blank lines and <c># comments</c> ignored
/// (<c>age-keygen -o key.txt</c> writes such a file). Errors name the file and line and never
/// repeat a secret key.
/// </summary>
public static class AgeKeyFile
{
    public static IReadOnlyList<AgeIdentity> LoadIdentities(string path)
    {
        var identities = new List<AgeIdentity>();
        foreach (var (line, text) in Lines(path, "identity"))
        {
            if (!AgeIdentity.TryParse(text, out var identity, out var error))
                throw new ConfigurationException($"{path}:{line}: not an age identity: {error}; the file should hold AGE-SECRET-KEY-1... lines as written by age-keygen");
            identities.Add(identity!);
        }
        if (identities.Count == 0) throw new ConfigurationException($"{path} holds no age identity (AGE-SECRET-KEY-1... line); write one with age-keygen -o {path}");
        return identities;
    }

    public static IReadOnlyList<AgeRecipient> LoadRecipients(string path)
    {
        var recipients = new List<AgeRecipient>();
        foreach (var (line, text) in Lines(path, "recipients"))
        {
            if (!AgeRecipient.TryParse(text, out var recipient, out var error))
                throw new ConfigurationException($"{path}:{line}: {error}");
            recipients.Add(recipient!);
        }
        if (recipients.Count == 0) throw new ConfigurationException($"{path} holds no age recipient (age1... line); add the output of age-keygen -y KEYFILE");
        return recipients;
    }

    private static IEnumerable<(int Line, string Text)> Lines(string path, string what)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"cannot read the age {what} file {path}: {e.Message}");
        }
        for (var i = 0; i < lines.Length; i++)
        {
            var text = lines[i].Trim();
            if (text.Length > 0 && !text.StartsWith('#')) yield return (i + 1, text);
        }
    }
}
