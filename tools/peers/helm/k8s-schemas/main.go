// Command k8s-schemas turns Kubernetes' OpenAPI v2 document (api/openapi-spec/swagger.json of the
// k8s.io/kubernetes module) into one strict, standalone JSON schema per kind, named as kubeconform's
// -schema-location template "{{ .ResourceKind }}{{ .KindSuffix }}.json" expects (deployment-apps-v1.json,
// service-v1.json), so that kubeconform validates offline.
//
// Strict: every object schema that lists its properties refuses any other property, as the API server's
// strict field validation does. Standalone: each file carries the definitions it references under
// "definitions", so no reference leaves the file. As the API server does, optional fields accept null,
// IntOrString fields accept a string or an integer and Quantity fields a string or a number.
//
// Usage: k8s-schemas -openapi <swagger.json> -out <directory>
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

const refPrefix = "#/definitions/"

func main() {
	openapi := flag.String("openapi", "", "Kubernetes' api/openapi-spec/swagger.json")
	out := flag.String("out", "", "the directory to write the schemas into")
	flag.Parse()
	if *openapi == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: k8s-schemas -openapi <swagger.json> -out <directory>")
		os.Exit(2)
	}
	count, err := generate(*openapi, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "k8s-schemas:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "k8s-schemas: %d schemas in %s\n", count, *out)
}

type groupVersionKind struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

// generate writes one schema file per group, version and kind found in the document and returns how many.
func generate(openapi, out string) (int, error) {
	raw, err := os.ReadFile(openapi)
	if err != nil {
		return 0, err
	}
	var document struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &document); err != nil {
		return 0, fmt.Errorf("%s is not an OpenAPI v2 document: %w", openapi, err)
	}
	if len(document.Definitions) == 0 {
		return 0, fmt.Errorf("%s has no definitions", openapi)
	}
	definitions := map[string]any{}
	for name, definition := range document.Definitions {
		definitions[name] = convert(name, definition)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return 0, err
	}
	count := 0
	for name, definition := range document.Definitions {
		kinds, err := groupVersionKinds(definition)
		if err != nil {
			return 0, fmt.Errorf("definition %q: %w", name, err)
		}
		for _, gvk := range kinds {
			schema := standalone(name, gvk, definitions)
			encoded, err := json.MarshalIndent(schema, "", "  ")
			if err != nil {
				return 0, err
			}
			if err := os.WriteFile(filepath.Join(out, fileName(gvk)), encoded, 0o644); err != nil {
				return 0, err
			}
			count++
		}
	}
	return count, nil
}

func groupVersionKinds(definition map[string]any) ([]groupVersionKind, error) {
	raw, ok := definition["x-kubernetes-group-version-kind"]
	if !ok {
		return nil, nil
	}
	encoded, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	var kinds []groupVersionKind
	if err := json.Unmarshal(encoded, &kinds); err != nil {
		return nil, fmt.Errorf("x-kubernetes-group-version-kind is not a list of group, version, kind: %w", err)
	}
	return kinds, nil
}

// fileName is kubeconform's "{{ .ResourceKind }}{{ .KindSuffix }}.json": the kind in lower case, the first
// label of the group when there is one, the version.
func fileName(gvk groupVersionKind) string {
	name := strings.ToLower(gvk.Kind)
	if gvk.Group != "" {
		name += "-" + strings.ToLower(strings.Split(gvk.Group, ".")[0])
	}
	return name + "-" + strings.ToLower(gvk.Version) + ".json"
}

func apiVersion(gvk groupVersionKind) string {
	if gvk.Group == "" {
		return gvk.Version
	}
	return gvk.Group + "/" + gvk.Version
}

// standalone is the schema of one kind with the definitions it reaches, and apiVersion and kind pinned.
func standalone(name string, gvk groupVersionKind, definitions map[string]any) map[string]any {
	reached := map[string]any{}
	collect(definitions[name], definitions, reached)
	root := copyMap(definitions[name].(map[string]any))
	properties := copyMap(root["properties"].(map[string]any))
	properties["apiVersion"] = map[string]any{"type": "string", "enum": []any{apiVersion(gvk)}}
	properties["kind"] = map[string]any{"type": "string", "enum": []any{gvk.Kind}}
	root["properties"] = properties
	root["$schema"] = "http://json-schema.org/draft-07/schema#"
	root["definitions"] = reached
	return root
}

// collect adds to reached every definition that node references, directly or not.
func collect(node any, definitions map[string]any, reached map[string]any) {
	switch value := node.(type) {
	case map[string]any:
		if ref, ok := value["$ref"].(string); ok {
			target := strings.TrimPrefix(ref, refPrefix)
			if _, seen := reached[target]; !seen {
				reached[target] = definitions[target]
				collect(definitions[target], definitions, reached)
			}
		}
		for _, key := range sortedKeys(value) {
			collect(value[key], definitions, reached)
		}
	case []any:
		for _, item := range value {
			collect(item, definitions, reached)
		}
	}
}

// convert turns one OpenAPI definition into a JSON schema: strict objects, nullable optional fields, and
// the two string formats that also take numbers.
func convert(name string, definition map[string]any) any {
	switch {
	case definition["format"] == "int-or-string":
		return map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}}
	case strings.HasSuffix(name, ".api.resource.Quantity"):
		return map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "number"}}}
	}
	return convertNode(definition)
}

func convertNode(node any) any {
	switch value := node.(type) {
	case map[string]any:
		converted := map[string]any{}
		for key, item := range value {
			if key == "description" || strings.HasPrefix(key, "x-kubernetes-") {
				continue
			}
			converted[key] = convertNode(item)
		}
		if properties, ok := converted["properties"].(map[string]any); ok {
			required := map[string]bool{}
			if list, ok := value["required"].([]any); ok {
				for _, item := range list {
					required[fmt.Sprint(item)] = true
				}
			}
			for property, schema := range properties {
				if !required[property] {
					properties[property] = nullable(schema)
				}
			}
			if _, open := converted["additionalProperties"]; !open && value["x-kubernetes-preserve-unknown-fields"] != true {
				converted["additionalProperties"] = false
			}
		}
		return converted
	case []any:
		converted := make([]any, len(value))
		for i, item := range value {
			converted[i] = convertNode(item)
		}
		return converted
	}
	return node
}

// nullable lets an optional field be null, as the API server treats a null optional field as absent.
func nullable(schema any) any {
	object, ok := schema.(map[string]any)
	if !ok {
		return schema
	}
	if kind, ok := object["type"].(string); ok {
		copied := copyMap(object)
		copied["type"] = []any{kind, "null"}
		return copied
	}
	if _, ok := object["$ref"]; ok {
		return map[string]any{"anyOf": []any{object, map[string]any{"type": "null"}}}
	}
	return schema
}

func copyMap(in map[string]any) map[string]any {
	out := make(map[string]any, len(in))
	for key, value := range in {
		out[key] = value
	}
	return out
}

func sortedKeys(in map[string]any) []string {
	keys := make([]string, 0, len(in))
	for key := range in {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys
}
