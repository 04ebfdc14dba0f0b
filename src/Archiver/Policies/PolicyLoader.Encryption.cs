using Archiver.Encryption;
using YamlDotNet.RepresentationModel;

namespace Archiver.Policies;

/// <summary>Reads <c>encryption: {age: {recipients, recipientsFile, identityFile}}</c>.</summary>
public static partial class PolicyLoader
{
    private sealed partial class Problems
    {
        public EncryptionSpec? Encryption(YamlNode v)
        {
            const string example = "encryption: {age: {recipients: [\"age1...\"]}}";
            if (v is not YamlMappingNode map)
            {
                Add(v, $"encryption must be a mapping, e.g. {example}");
                return null;
            }
            YamlMappingNode? age = null;
            foreach (var (k, val) in map.Children)
            {
                var key = (k as YamlScalarNode)?.Value ?? "";
                if (key != "age") Add(k, $"unknown field 'encryption.{key}'; the encryption Archiver writes is age: {example}");
                else if (val is YamlMappingNode m) age = m;
                else Add(val, $"encryption.age must be a mapping, e.g. {example}");
            }
            return age is null ? null : Age(age);
        }

        private EncryptionSpec? Age(YamlMappingNode map)
        {
            var recipients = new List<string>();
            string? recipientsFile = null, identityFile = null;
            var bad = false;
            foreach (var (k, val) in map.Children)
            {
                var key = (k as YamlScalarNode)?.Value ?? "";
                switch (key)
                {
                    case "recipients":
                        foreach (var text in StringList(val, "encryption.age.recipients") ?? [])
                        {
                            if (AgeRecipient.TryParse(text, out _, out var error)) recipients.Add(text);
                            else
                            {
                                Add(val, $"encryption.age.recipients: {error}");
                                bad = true;
                            }
                        }
                        break;
                    case "recipientsFile": recipientsFile = AbsolutePath(val, "encryption.age.recipientsFile", ref bad); break;
                    case "identityFile": identityFile = AbsolutePath(val, "encryption.age.identityFile", ref bad); break;
                    default: Add(k, $"unknown field 'encryption.age.{key}'; known fields: recipients, recipientsFile, identityFile"); bad = true; break;
                }
            }
            if (bad) return null;
            if (recipients.Count == 0 && recipientsFile is null)
            {
                Add(map, "encryption.age needs recipients: [\"age1...\"] or recipientsFile: /etc/archiver/age/recipients.txt (age-keygen -y KEYFILE prints a recipient)");
                return null;
            }
            var spec = new EncryptionSpec(recipients, recipientsFile, identityFile);
            // The file may not exist yet (a Secret mounted later): then each sweep reads and checks it.
            if (recipientsFile is null || File.Exists(recipientsFile))
            {
                try
                {
                    spec.LoadRecipients();
                }
                catch (ConfigurationException e)
                {
                    Add(map, e.Message.StartsWith("encryption.age", StringComparison.Ordinal) ? e.Message : $"encryption.age.recipientsFile: {e.Message}");
                    return null;
                }
            }
            return spec;
        }

        private string? AbsolutePath(YamlNode v, string field, ref bool bad)
        {
            var s = Scalar(v, field);
            if (s is not null && Path.IsPathFullyQualified(s)) return s;
            if (s is not null) Add(v, $"{field} '{s}' must be an absolute path, e.g. /etc/archiver/age/recipients.txt");
            bad = true;
            return null;
        }
    }
}
