"""Reads the archiver container of the rendered DaemonSet (kubectl kustomize deploy/daemonset on
stdin) and prints what tests/image.sh runs the image with, one `key value...` line each:
caps (securityContext.capabilities.add), args, env NAME=VALUE (literal values only), tmp_bytes
(the /tmp emptyDir's sizeLimit). Fails if the securityContext is not the one the test emulates."""
import sys
import yaml

UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30}


def main():
    ds = next(d for d in yaml.safe_load_all(sys.stdin) if d and d.get("kind") == "DaemonSet")
    pod = ds["spec"]["template"]["spec"]
    c = next(c for c in pod["containers"] if c["name"] == "archiver")
    sc = c["securityContext"]
    expected = {"runAsUser": 0, "readOnlyRootFilesystem": True, "allowPrivilegeEscalation": False}
    for key, value in expected.items():
        if sc.get(key) != value:
            sys.exit(f"daemonset: securityContext.{key} is {sc.get(key)!r}; tests/image.sh runs the image with {value!r}")
    if sc["capabilities"].get("drop") != ["ALL"]:
        sys.exit("daemonset: securityContext.capabilities.drop is not [ALL]; tests/image.sh drops all")
    print("caps", *sc["capabilities"]["add"])
    print("args", *c["args"])
    for e in c.get("env", []):
        if "value" in e:
            print("env", f"{e['name']}={e['value']}")
    tmp = next(m["name"] for m in c["volumeMounts"] if m["mountPath"] == "/tmp")
    limit = next(v for v in pod["volumes"] if v["name"] == tmp)["emptyDir"]["sizeLimit"]
    print("tmp_bytes", int(limit[:-2]) * UNITS[limit[-2:]])


main()
