using Archiver.Policies;

namespace Archiver.Composition;

/// <summary>
/// A policy file read and checked, its store URL included: the one way every command and the daemon
/// load one (the store check needs the adapters, which only this layer knows). Commands reach it through
/// <c>Cli/PolicyOption</c>, the daemon through <c>Hosting/PolicyCatalog</c>, <c>policies validate</c>
/// through <see cref="Load"/> for the problems themselves.
/// </summary>
public static class PolicyFiles
{
    /// <summary>Reads and checks <paramref name="file"/>, adding every problem (warnings too) to
    /// <paramref name="problems"/>; null when the file cannot be read or parsed at all.</summary>
    public static Policy? Load(string file, List<PolicyProblem> problems) => PolicyLoader.LoadFile(file, problems, StoreFactory.Validate);

    /// <summary>Reads and checks <paramref name="file"/>; throws <see cref="ConfigurationException"/> with
    /// every error in it (warnings are not errors).</summary>
    public static Policy LoadValid(string file)
    {
        var problems = new List<PolicyProblem>();
        var policy = Load(file, problems);
        PolicyValidator.ThrowIfErrors(problems);
        return policy!; // null comes only with an error, thrown just above
    }

    /// <summary>Checks <paramref name="policy"/> (a file's with flags applied over it) as a file is
    /// checked, store URL included, after the <paramref name="problems"/> already found; throws
    /// <see cref="ConfigurationException"/> with every error.</summary>
    public static Policy Checked(Policy policy, List<PolicyProblem> problems)
    {
        PolicyValidator.Validate(policy, problems, StoreFactory.Validate);
        PolicyValidator.ThrowIfErrors(problems);
        return policy;
    }
}
