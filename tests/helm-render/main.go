// helm-render renders a Helm chart the way `helm template` does, for the tests: no helm binary is
// served by the package registries this project's machines reach, but helm's template language is
// Go's text/template with the sprig function library, and both are Debian packages (golang-go,
// golang-github-masterminds-sprig-dev). This program is helm's pkg/engine in small: the same
// function map (sprig's TxtFuncMap without env/expandenv, plus helm's toYaml, fromYaml, toJson,
// fromJson, include, tpl, required, fail and lookup), the same "missingkey=zero" mode with
// "<no value>" removed, the same values coalescing (values.yaml, then each -f file, then --set; a
// null deletes a key) and the same built-in objects (.Values, .Release, .Chart, .Capabilities,
// .Files, .Template). lookup answers an empty map, as in `helm template`.
//
// Usage: helm-render CHART [--name NAME] [--namespace NS] [-f VALUES.yaml]... [--set a.b=v]...
// Prints every rendered template as `helm template` does ("---\n# Source: CHART/templates/x\n...").
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: helm-render CHART [--name NAME] [--namespace NS] [-f FILE]... [--set k=v]...")
	}
	chart := os.Args[1]
	release := map[string]interface{}{"Name": "archiver", "Namespace": "default", "IsInstall": true, "IsUpgrade": false, "Revision": 1, "Service": "Helm"}
	values := readYAML(filepath.Join(chart, "values.yaml"))
	for i := 2; i < len(os.Args); i++ {
		arg := os.Args[i]
		if i+1 >= len(os.Args) {
			fail("missing value after " + arg)
		}
		i++
		switch arg {
		case "--name":
			release["Name"] = os.Args[i]
		case "--namespace", "-n":
			release["Namespace"] = os.Args[i]
		case "-f", "--values":
			values = coalesce(readYAML(os.Args[i]), values)
		case "--set":
			values = coalesce(setValue(os.Args[i]), values)
		default:
			fail("unknown flag " + arg)
		}
	}
	meta := readYAML(filepath.Join(chart, "Chart.yaml"))
	name := fmt.Sprint(meta["name"])
	top := map[string]interface{}{
		"Values":  values,
		"Release": release,
		"Chart": map[string]interface{}{"Name": meta["name"], "Version": meta["version"], "AppVersion": meta["appVersion"],
			"Description": meta["description"], "Type": meta["type"], "APIVersion": meta["apiVersion"]},
		"Capabilities": map[string]interface{}{"KubeVersion": map[string]interface{}{"Version": "v1.32.0", "Major": "1", "Minor": "32"}, "APIVersions": apiVersions{}},
		"Files":        files(chart),
	}

	root := template.New("gotpl").Option("missingkey=zero")
	funcs := funcMap(root)
	root.Funcs(funcs)
	var names []string
	err := filepath.Walk(filepath.Join(chart, "templates"), func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(chart, path)
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		full := name + "/" + filepath.ToSlash(rel)
		if _, err := root.New(full).Parse(string(text)); err != nil {
			return err
		}
		names = append(names, full)
		return nil
	})
	if err != nil {
		fail(err.Error())
	}
	sort.Strings(names)
	var out bytes.Buffer
	for _, n := range names {
		if strings.HasPrefix(filepath.Base(n), "_") || !(strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml") || strings.HasSuffix(n, ".tpl") || strings.HasSuffix(n, ".txt")) {
			continue
		}
		if strings.HasSuffix(n, ".tpl") || strings.HasSuffix(n, "NOTES.txt") {
			continue
		}
		scope := copyMap(top)
		scope["Template"] = map[string]interface{}{"Name": n, "BasePath": name + "/templates"}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, n, scope); err != nil {
			fail(err.Error())
		}
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if strings.TrimSpace(text) == "" {
			continue
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", n, strings.TrimSpace(text))
	}
	os.Stdout.Write(out.Bytes())
}

type apiVersions struct{}

// Has answers false: `helm template` without --api-versions knows only the built-in groups.
func (apiVersions) Has(string) bool { return false }

type chartFiles map[string][]byte

func (f chartFiles) Get(name string) string { return string(f[name]) }

func files(chart string) chartFiles {
	f := chartFiles{}
	filepath.Walk(chart, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(chart, path)
			if !strings.HasPrefix(rel, "templates/") && rel != "values.yaml" && rel != "Chart.yaml" {
				f[filepath.ToSlash(rel)], _ = os.ReadFile(path)
			}
		}
		return nil
	})
	return f
}

func funcMap(root *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	f["toYaml"] = func(v interface{}) string {
		data, err := yaml.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(data), "\n")
	}
	f["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["toJson"] = func(v interface{}) string {
		data, _ := json.Marshal(v)
		return string(data)
	}
	f["fromJson"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["include"] = func(name string, data interface{}) (string, error) {
		var buf bytes.Buffer
		err := root.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	f["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		err = t.Execute(&buf, data)
		return strings.ReplaceAll(buf.String(), "<no value>", ""), err
	}
	f["required"] = func(msg string, v interface{}) (interface{}, error) {
		if v == nil || v == "" {
			return nil, fmt.Errorf("%s", msg)
		}
		return v, nil
	}
	f["fail"] = func(msg string) (string, error) { return "", fmt.Errorf("%s", msg) }
	f["lookup"] = func(string, string, string, string) (map[string]interface{}, error) { return map[string]interface{}{}, nil }
	return f
}

func readYAML(path string) map[string]interface{} {
	data, err := os.ReadFile(path)
	if err != nil {
		fail(err.Error())
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &m); err != nil {
		fail(path + ": " + err.Error())
	}
	return m
}

// coalesce merges src over dst as helm does: maps merge key by key, anything else is replaced, and
// a null in src deletes the key.
func coalesce(src, dst map[string]interface{}) map[string]interface{} {
	out := copyMap(dst)
	for k, v := range src {
		if v == nil {
			delete(out, k)
			continue
		}
		sm, sok := v.(map[string]interface{})
		dm, dok := out[k].(map[string]interface{})
		if sok && dok {
			out[k] = coalesce(sm, dm)
		} else {
			out[k] = v
		}
	}
	return out
}

// setValue turns --set a.b=v into {a: {b: v}}, typing v as helm's strvals does (int, bool, null, string).
func setValue(s string) map[string]interface{} {
	eq := strings.Index(s, "=")
	if eq < 0 {
		fail("--set needs key=value: " + s)
	}
	var v interface{} = s[eq+1:]
	if i, err := strconv.ParseInt(s[eq+1:], 10, 64); err == nil {
		v = i
	} else if s[eq+1:] == "true" || s[eq+1:] == "false" {
		v = s[eq+1:] == "true"
	} else if s[eq+1:] == "null" {
		v = nil
	}
	keys := strings.Split(s[:eq], ".")
	m := map[string]interface{}{keys[len(keys)-1]: v}
	for i := len(keys) - 2; i >= 0; i-- {
		m = map[string]interface{}{keys[i]: m}
	}
	return m
}

func copyMap(m map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "helm-render: "+msg)
	os.Exit(1)
}
