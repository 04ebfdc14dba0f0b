// Validates every object of a multi-document YAML file (kubectl kustomize's output) against the
// Kubernetes OpenAPI schema, as compiled into kubernetes-models' validators (types, required
// fields, enums, formats; the spec of Kubernetes 1.34+, which has resource.k8s.io/v1), and the
// Prometheus Operator's monitoring.coreos.com/v1 kinds (@kubernetes-models/prometheus-operator).
// Unknown fields are not in its schemas: the tests also read the objects with KubernetesClient's
// strict loader, which refuses them.
// Usage: node tests/k8s-schema/validate.mjs FILE   → "ok KIND/NAME" or "invalid KIND/NAME: why" per
// object; exit 0 when every object is valid, 1 otherwise.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

let invalid = 0;
for (const doc of parseAllDocuments(readFileSync(process.argv[2], "utf8"))) {
  const object = doc.toJS();
  if (object === null) continue;
  const name = `${object.kind}/${object.metadata?.name}`;
  const [group, version] = String(object.apiVersion).includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
  let Kind;
  try {
    // The Prometheus Operator's kinds (PodMonitor, ServiceMonitor, PrometheusRule) come from its own
    // package, generated from the operator's CRD schemas.
    const module = group === "monitoring.coreos.com" ? `@kubernetes-models/prometheus-operator/${group}/${version}`
      : group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
    Kind = (await import(module))[object.kind];
  } catch {
    Kind = undefined;
  }
  try {
    if (!Kind) throw new Error(`no schema for apiVersion ${object.apiVersion}, kind ${object.kind}`);
    new Kind(object).validate();
    console.log(`ok ${name}`);
  } catch (e) {
    invalid++;
    console.log(`invalid ${name}: ${e.message}`);
  }
}
process.exit(invalid ? 1 : 0);
