using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Archiver.Tests.Support;

/// <summary>
/// <c>POST /api/v1/namespaces/{ns}/events</c> checked in the API server's order, with its answers:
/// <list type="number">
/// <item>a namespace in the body that is not the one in the path: 400 (kubernetes
/// staging/src/k8s.io/apiserver/pkg/registry/rest/meta.go, EnsureObjectNamespaceMatchesRequestNamespace);</item>
/// <item>the Event rules of pkg/apis/core/validation/events.go: a core/v1 create gets only
/// <c>legacyValidateEvent</c> (ValidateEventCreate adds the strict events.k8s.io/v1 rules, such as
/// <c>type</c> Normal/Warning, only for that API): without <c>eventTime</c> the event's namespace must
/// be the involved object's, or "" / <c>default</c> for a cluster-scoped object; with <c>eventTime</c> a
/// cluster-scoped object needs <c>default</c> or <c>kube-system</c>, and reportingController (JSON
/// <c>reportingComponent</c>, a qualified name), reportingInstance, action (each at most 128), reason
/// (at most 128) and message (at most 1024) are checked; the namespace must be a DNS subdomain.
/// 422 Invalid with one cause per rule;</item>
/// <item>the object meta rules of staging/src/k8s.io/apiserver/pkg/registry/rest/create.go BeforeCreate
/// (ValidateObjectMetaAccessor in apimachinery/pkg/api/validation/objectmeta.go): a name (or
/// generateName) that is a path segment, a namespace that is a DNS label, qualified label and
/// annotation keys, label values. 422 Invalid;</item>
/// <item>a name already taken in the namespace: 409 AlreadyExists.</item>
/// </list>
/// Only accepted events are kept in <see cref="Events"/>.
/// </summary>
public sealed partial class FakeKubernetesApi
{
    private const string QualifiedNameMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    private const string SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedNamePart();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    /// <summary>One field.Error as the server renders it: its type (the cause's reason), path and body.</summary>
    private readonly record struct FieldError(string Type, string Field, string Body)
    {
        public static FieldError Required(string field, string detail = "") =>
            new("FieldValueRequired", field, detail.Length == 0 ? "Required value" : $"Required value: {detail}");

        public static FieldError Invalid(string field, string value, string detail) =>
            new("FieldValueInvalid", field, $"Invalid value: \"{value}\": {detail}");
    }

    private (int, JsonObject) CreateEvent(string ns, string body)
    {
        var ev = JsonNode.Parse(body)!.AsObject();
        if (ev["metadata"] is not JsonObject meta) ev["metadata"] = meta = new JsonObject();
        var bodyNamespace = Text(meta["namespace"]);
        if (bodyNamespace.Length > 0 && bodyNamespace != ns)
            return (400, Status(400, "the namespace of the provided object does not match the namespace sent on the request", "BadRequest"));
        meta["namespace"] = ns;
        if (Text(meta["name"]).Length == 0 && Text(meta["generateName"]) is { Length: > 0 } prefix)
            meta["name"] = prefix + Guid.NewGuid().ToString("N")[..5];
        var name = Text(meta["name"]);
        foreach (var errors in new[] { LegacyValidateEvent(ev, ns), ValidateObjectMeta(meta) })
        {
            if (errors.Count > 0) return (422, Invalid("Event", name, errors));
        }
        if (_events.Any(e => Meta(e, "namespace") == ns && Meta(e, "name") == name))
            return (409, Status(409, $"events \"{name}\" already exists", "AlreadyExists"));
        meta["uid"] = Guid.NewGuid().ToString();
        meta["resourceVersion"] = NextVersion();
        _events.Add(ev);
        return (201, (JsonObject)ev.DeepClone());
    }

    /// <summary>legacyValidateEvent, rule for rule (pkg/apis/core/validation/events.go).</summary>
    private static List<FieldError> LegacyValidateEvent(JsonObject ev, string ns)
    {
        var errors = new List<FieldError>();
        var involvedNamespace = Text(ev["involvedObject"]?["namespace"]);
        var mismatch = FieldError.Invalid("involvedObject.namespace", involvedNamespace, "does not match event.namespace");
        if (Text(ev["eventTime"]).Length == 0)
        {
            if (involvedNamespace.Length == 0 ? ns is not ("" or "default") : ns != involvedNamespace) errors.Add(mismatch);
        }
        else
        {
            if (involvedNamespace.Length == 0 && ns is not ("default" or "kube-system")) errors.Add(mismatch);
            var controller = Text(ev["reportingComponent"]);
            if (controller.Length == 0) errors.Add(FieldError.Required("reportingController"));
            errors.AddRange(QualifiedName(controller).Select(m => FieldError.Invalid("reportingController", controller, m)));
            RequireShort(errors, "reportingInstance", Text(ev["reportingInstance"]), 128);
            RequireShort(errors, "action", Text(ev["action"]), 128);
            RequireShort(errors, "reason", Text(ev["reason"]), 128);
            if (Encoding.UTF8.GetByteCount(Text(ev["message"])) > 1024) errors.Add(FieldError.Invalid("message", "", "can have at most 1024 characters"));
        }
        errors.AddRange(Subdomain(ns).Select(m => FieldError.Invalid("namespace", ns, m)));
        return errors;
    }

    private static void RequireShort(List<FieldError> errors, string field, string value, int max)
    {
        if (value.Length == 0) errors.Add(FieldError.Required(field));
        if (Encoding.UTF8.GetByteCount(value) > max) errors.Add(FieldError.Invalid(field, "", $"can have at most {max} characters"));
    }

    /// <summary>ValidateObjectMetaAccessor for a namespaced object, with rest.validatePathSegment for names.</summary>
    private static List<FieldError> ValidateObjectMeta(JsonObject meta)
    {
        var errors = new List<FieldError>();
        var name = Text(meta["name"]);
        if (name.Length == 0) errors.Add(FieldError.Required("metadata.name", "name or generateName is required"));
        else if (name is "." or "..") errors.Add(FieldError.Invalid("metadata.name", name, $"may not be '{name}'"));
        else errors.AddRange(new[] { "/", "%" }.Where(name.Contains).Select(c => FieldError.Invalid("metadata.name", name, $"may not contain '{c}'")));
        var ns = Text(meta["namespace"]);
        if (ns.Length == 0) errors.Add(FieldError.Required("metadata.namespace"));
        else if (ns.Length > 63 || !Dns1123Label().IsMatch(ns))
            errors.Add(FieldError.Invalid("metadata.namespace", ns, ns.Length > 63 ? "must be no more than 63 characters" : LabelMessage));
        foreach (var (key, value) in meta["labels"] as JsonObject ?? [])
        {
            errors.AddRange(QualifiedName(key).Select(m => FieldError.Invalid("metadata.labels", key, m)));
            var v = Text(value);
            if (v.Length > 63) errors.Add(FieldError.Invalid("metadata.labels", v, "must be no more than 63 characters"));
            if (!LabelValue().IsMatch(v)) errors.Add(FieldError.Invalid("metadata.labels", v, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
        }
        foreach (var key in (meta["annotations"] as JsonObject ?? []).Select(a => a.Key))
            errors.AddRange(QualifiedName(key.ToLowerInvariant()).Select(m => FieldError.Invalid("metadata.annotations", key, m)));
        return errors;
    }

    /// <summary>IsQualifiedName (apimachinery/pkg/util/validation/validation.go): an optional DNS
    /// subdomain prefix and '/', then a name part of at most 63.</summary>
    private static List<string> QualifiedName(string value)
    {
        var errors = new List<string>();
        var parts = value.Split('/');
        if (parts.Length > 2)
            return [$"a qualified name {QualifiedNameMessage} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
        if (parts.Length == 2)
        {
            if (parts[0].Length == 0) errors.Add("prefix part must be non-empty");
            else errors.AddRange(Subdomain(parts[0]).Select(m => $"prefix part {m}"));
        }
        var name = parts[^1];
        if (name.Length == 0) errors.Add("name part must be non-empty");
        else if (name.Length > 63) errors.Add("name part must be no more than 63 characters");
        if (!QualifiedNamePart().IsMatch(name)) errors.Add($"name part {QualifiedNameMessage}");
        return errors;
    }

    /// <summary>IsDNS1123Subdomain (apimachinery/pkg/util/validation/validation.go).</summary>
    private static List<string> Subdomain(string value)
    {
        var errors = new List<string>();
        if (value.Length > 253) errors.Add("must be no more than 253 characters");
        if (!Dns1123Subdomain().IsMatch(value)) errors.Add(SubdomainMessage);
        return errors;
    }

    /// <summary>errors.NewInvalid (apimachinery/pkg/api/errors/errors.go): 422, reason Invalid, one cause per error.</summary>
    private static JsonObject Invalid(string kind, string name, List<FieldError> errors)
    {
        var rendered = errors.Select(e => $"{e.Field}: {e.Body}").ToList();
        var status = Status(422, $"{kind} \"{name}\" is invalid: {(rendered.Count == 1 ? rendered[0] : $"[{string.Join(", ", rendered)}]")}", "Invalid");
        status["details"] = new JsonObject
        {
            ["name"] = name,
            ["kind"] = kind,
            ["causes"] = new JsonArray(errors.Select(e => (JsonNode)new JsonObject { ["reason"] = e.Type, ["message"] = e.Body, ["field"] = e.Field }).ToArray()),
        };
        return status;
    }

    private static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
}
