using System.Text;
using System.Text.Json.Nodes;

namespace Archiver.Tests.Support;

/// <summary>
/// Pod field selectors read as the API server reads them, so a selector the server would refuse or
/// read differently fails here too:
/// <list type="bullet">
/// <item>parsing, from kubernetes staging/src/k8s.io/apimachinery/pkg/fields/selector.go (parseSelector,
/// splitTerms, splitTerm, UnescapeValue): terms split on unescaped commas and all must hold; the
/// operators are <c>!=</c>, <c>==</c> and <c>=</c> (the first one found from the left); <c>\,</c>
/// <c>\=</c> <c>\\</c> are escapes in a value, any other escape or a bare <c>,</c>/<c>=</c> there is an error;</item>
/// <item>the labels a Pod list accepts, from pkg/apis/core/v1/conversion.go (the Pod
/// AddFieldLabelConversionFunc): <c>spec.host</c> is read as <c>spec.nodeName</c>, anything else not
/// listed is "field label not supported: X";</item>
/// <item>the values compared, from pkg/registry/core/pod/strategy.go ToSelectableFields: a label with no
/// selectable value there (<c>status.podIPs</c>) compares as "".</item>
/// </list>
/// Every error is a 400 BadRequest Status whose message is the parser's or converter's error text.
/// </summary>
public sealed partial class FakeKubernetesApi
{
    private static readonly HashSet<string> PodFieldLabels = new(StringComparer.Ordinal)
    {
        "metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
        "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName",
    };

    /// <summary>A broken server or proxy that drops <c>fieldSelector</c> and lists every pod.</summary>
    public bool IgnoreFieldSelectors { get; set; }

    private readonly record struct FieldTerm(string Field, bool Equal, string Value);

    /// <summary>The terms of <paramref name="selector"/>, or the error text the server answers 400 with.</summary>
    private static (List<FieldTerm> Terms, string? Error) ParsePodFieldSelector(string selector)
    {
        var terms = new List<FieldTerm>();
        var parts = SplitTerms(selector);
        parts.Sort(StringComparer.Ordinal);
        foreach (var part in parts.Where(p => p.Length > 0))
        {
            var (field, op, raw) = SplitTerm(part);
            if (op is null) return (terms, $"invalid selector: '{selector}'; can't understand '{part}'");
            var (value, escapeError) = UnescapeValue(raw);
            if (escapeError is not null) return (terms, escapeError);
            terms.Add(new FieldTerm(field, op != "!=", value));
        }
        // Then the whole selector is converted for the Pod kind (Transform), term by term.
        for (var i = 0; i < terms.Count; i++)
        {
            if (terms[i].Field == "spec.host") terms[i] = terms[i] with { Field = "spec.nodeName" };
            else if (!PodFieldLabels.Contains(terms[i].Field)) return (terms, $"field label not supported: {terms[i].Field}");
        }
        return (terms, null);
    }

    private static List<string> SplitTerms(string selector)
    {
        var terms = new List<string>();
        if (selector.Length == 0) return terms;
        var start = 0;
        var inSlash = false;
        for (var i = 0; i < selector.Length; i++)
        {
            if (inSlash) inSlash = false;
            else if (selector[i] == '\\') inSlash = true;
            else if (selector[i] == ',')
            {
                terms.Add(selector[start..i]);
                start = i + 1;
            }
        }
        terms.Add(selector[start..]);
        return terms;
    }

    private static (string Field, string? Op, string Value) SplitTerm(string term)
    {
        for (var i = 0; i < term.Length; i++)
        {
            foreach (var op in new[] { "!=", "==", "=" })
            {
                if (string.CompareOrdinal(term, i, op, 0, op.Length) == 0) return (term[..i], op, term[(i + op.Length)..]);
            }
        }
        return ("", null, "");
    }

    private static (string Value, string? Error) UnescapeValue(string s)
    {
        var v = new StringBuilder();
        var inSlash = false;
        foreach (var c in s)
        {
            if (inSlash)
            {
                if (c is not ('\\' or ',' or '=')) return ("", $"invalid field selector: invalid escape sequence: \\{c}");
                v.Append(c);
                inSlash = false;
            }
            else if (c == '\\') inSlash = true;
            else if (c is ',' or '=') return ("", $"invalid field selector: unescaped character in value: {(int)c}");
            else v.Append(c);
        }
        return inSlash ? ("", "invalid field selector: invalid escape sequence: \\") : (v.ToString(), null);
    }

    private static bool Matches(JsonObject pod, List<FieldTerm> terms) =>
        terms.All(t => (PodField(pod, t.Field) == t.Value) == t.Equal);

    /// <summary>The value the server compares for <paramref name="field"/> (ToSelectableFields).</summary>
    private static string PodField(JsonObject pod, string field) => field switch
    {
        "spec.hostNetwork" => pod["spec"]?["hostNetwork"]?.GetValue<bool>() == true ? "true" : "false",
        // The first of status.podIPs (filled from status.podIP when a v1 client sent only that).
        "status.podIP" => pod["status"]?["podIPs"]?[0]?["ip"]?.GetValue<string>() ?? pod["status"]?["podIP"]?.GetValue<string>() ?? "",
        "status.podIPs" => "",
        _ => field.Split('.').Aggregate((JsonNode?)pod, (node, key) => node?[key])?.GetValue<string>() ?? "",
    };
}
