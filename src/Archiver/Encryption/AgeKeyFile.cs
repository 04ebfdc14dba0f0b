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
                throw new ConfigurationException($"{path}:{line}: not an age identity: {error}; the file should hold AGE-SECRET-KEY-1... lines as written by age-keygen (or AGE-SECRET-KEY-PQ-1... from archiver keygen --pq)");
            identities.Add(identity!);
        }
        if (identities.Count == 0) throw new ConfigurationException($"{path} holds no age identity (AGE-SECRET-KEY-1... line); write one with age-keygen -o {path} (or archiver keygen --pq -o {path})");
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

    /// <summary>Creates <paramref name="path"/> readable by its owner only and writes a key file's
    /// <paramref name="text"/>; throws <see cref="ConfigurationException"/> when the file exists or
    /// cannot be created, and leaves an existing file as it was.</summary>
    public static async Task WriteNewAsync(string path, string text, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        FileStream file;
        try
        {
            file = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new ConfigurationException($"{path} already exists; Archiver never overwrites a key file: choose another path or move that one away");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"cannot create the age key file {path}: {e.Message}");
        }
        await using (file) await file.WriteAsync(System.Text.Encoding.ASCII.GetBytes(text), cancellationToken);
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
