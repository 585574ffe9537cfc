// chart-render renders a Helm chart's own templates the way `helm template` does, for machines
// where helm itself cannot be installed: Go text/template with the sprig v3 functions Helm uses, plus
// Helm's include, tpl, required, fail, toYaml, fromYaml, toJson, fromJson, fromJsonArray and lookup
// (which, as in `helm template`, finds nothing, unless -lookup names a JSON file of the objects the
// cluster holds, keyed "apiVersion/kind/namespace/name", standing in for `helm install`'s lookups). Values are the chart's values.yaml with each -f file
// coalesced over it (maps merge, anything else replaces, null deletes). Dependency charts are not
// rendered. Output: every rendered manifest as a YAML stream, each preceded by "# Source: <file>";
// NOTES.txt is printed after "# NOTES" when -notes is given. A `fail` exits 1 with its message.
//
//	chart-render [-notes] [-name release] [-namespace ns] [-lookup objects.json] [-f values.yaml]... CHART_DIR
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	yaml "gopkg.in/yaml.v2"
)

type valueFiles []string

func (v *valueFiles) String() string     { return strings.Join(*v, ",") }
func (v *valueFiles) Set(s string) error { *v = append(*v, s); return nil }

func main() {
	notes := flag.Bool("notes", false, "also render NOTES.txt")
	name := flag.String("name", "release", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	lookupFile := flag.String("lookup", "", "JSON object of cluster objects for lookup, keyed apiVersion/kind/namespace/name")
	var files valueFiles
	flag.Var(&files, "f", "values file coalesced over values.yaml (repeatable)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: chart-render [-notes] [-name release] [-namespace ns] [-lookup objects.json] [-f values.yaml]... CHART_DIR")
		os.Exit(2)
	}
	cluster := map[string]interface{}{}
	if *lookupFile != "" {
		text, err := os.ReadFile(*lookupFile)
		if err == nil {
			err = json.Unmarshal(text, &cluster)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "-lookup:", err.Error())
			os.Exit(2)
		}
	}
	if err := run(flag.Arg(0), files, *name, *namespace, *notes, cluster); err != nil {
		fmt.Fprintln(os.Stderr, err.Error())
		os.Exit(1)
	}
}

func run(chartDir string, files []string, release, namespace string, withNotes bool, cluster map[string]interface{}) error {
	chart, err := readMap(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return err
	}
	values, err := readMap(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return err
	}
	for _, f := range files {
		override, err := readMap(f)
		if err != nil {
			return err
		}
		values = coalesce(values, override)
	}

	root := template.New("chart")
	funcs := sprig.TxtFuncMap()
	for _, k := range []string{"env", "expandenv"} {
		delete(funcs, k)
	}
	includeDepth := 0
	funcs["include"] = func(name string, data interface{}) (string, error) {
		includeDepth++
		defer func() { includeDepth-- }()
		if includeDepth > 100 {
			return "", errors.New("include: recursion too deep")
		}
		var buf bytes.Buffer
		err := root.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
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
		return buf.String(), err
	}
	funcs["required"] = func(message string, value interface{}) (interface{}, error) {
		if value == nil || value == "" {
			return nil, errors.New(message)
		}
		return value, nil
	}
	funcs["fail"] = func(message string) (string, error) { return "", errors.New(message) }
	funcs["toYaml"] = func(v interface{}) string {
		out, err := yaml.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(out), "\n")
	}
	funcs["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return normalise(m).(map[string]interface{})
	}
	funcs["toJson"] = func(v interface{}) string {
		out, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(out)
	}
	funcs["fromJson"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	funcs["fromJsonArray"] = func(s string) []interface{} {
		var a []interface{}
		if err := json.Unmarshal([]byte(s), &a); err != nil {
			return []interface{}{err.Error()}
		}
		return a
	}
	funcs["lookup"] = func(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
		if object, ok := cluster[apiVersion+"/"+kind+"/"+namespace+"/"+name].(map[string]interface{}); ok {
			return object, nil
		}
		return map[string]interface{}{}, nil
	}
	root.Funcs(funcs).Option("missingkey=zero")

	templatesDir := filepath.Join(chartDir, "templates")
	var paths []string
	err = filepath.Walk(templatesDir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		return err
	}
	sort.Strings(paths)
	chartName := fmt.Sprint(chart["name"])
	for _, p := range paths {
		text, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(chartDir, p)
		if _, err := root.New(filepath.ToSlash(filepath.Join(chartName, rel))).Parse(string(text)); err != nil {
			return err
		}
	}

	top := map[string]interface{}{
		"Values": values,
		"Release": map[string]interface{}{
			"Name": release, "Namespace": namespace, "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
		"Chart": map[string]interface{}{
			"Name": chart["name"], "Version": chart["version"], "AppVersion": chart["appVersion"],
		},
		"Capabilities": map[string]interface{}{"KubeVersion": map[string]interface{}{"Version": "v1.32.0", "Major": "1", "Minor": "32"}},
	}
	var out strings.Builder
	var notes string
	for _, p := range paths {
		rel, _ := filepath.Rel(chartDir, p)
		name := filepath.ToSlash(filepath.Join(chartName, rel))
		base := filepath.Base(p)
		if strings.HasPrefix(base, "_") || !(strings.HasSuffix(base, ".yaml") || base == "NOTES.txt") {
			continue
		}
		data := map[string]interface{}{}
		for k, v := range top {
			data[k] = v
		}
		data["Template"] = map[string]interface{}{"Name": name, "BasePath": filepath.ToSlash(filepath.Join(chartName, "templates"))}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return err
		}
		rendered := strings.ReplaceAll(buf.String(), "<no value>", "")
		if base == "NOTES.txt" {
			notes = rendered
			continue
		}
		if strings.TrimSpace(rendered) == "" {
			continue
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", name, rendered)
	}
	fmt.Print(out.String())
	if withNotes {
		fmt.Printf("# NOTES\n%s", notes)
	}
	return nil
}

func readMap(path string) (map[string]interface{}, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(text, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return normalise(m).(map[string]interface{}), nil
}

// normalise turns yaml.v2's map[interface{}]interface{} into map[string]interface{}, as Helm's values are.
func normalise(v interface{}) interface{} {
	switch t := v.(type) {
	case map[interface{}]interface{}:
		m := map[string]interface{}{}
		for k, val := range t {
			m[fmt.Sprint(k)] = normalise(val)
		}
		return m
	case map[string]interface{}:
		for k, val := range t {
			t[k] = normalise(val)
		}
		return t
	case []interface{}:
		for i, val := range t {
			t[i] = normalise(val)
		}
		return t
	default:
		return v
	}
}

// coalesce lays override over base: maps merge key by key, anything else replaces, null deletes.
func coalesce(base, override map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range override {
		if v == nil {
			delete(out, k)
			continue
		}
		bm, bok := out[k].(map[string]interface{})
		om, ook := v.(map[string]interface{})
		if bok && ook {
			out[k] = coalesce(bm, om)
		} else {
			out[k] = v
		}
	}
	return out
}
