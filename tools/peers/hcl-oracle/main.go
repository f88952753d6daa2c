// Command hcl-oracle parses HCL documents with the HCL v1 module SPIRE pins (github.com/hashicorp/hcl
// v1.0.1-vault-7, read the way hcl.Decode reads a config) and prints each syntax tree in the canonical JSON
// form Signet's differential test compares with its own parser's:
//
//	document, object: {"o": [item...]}   item: {"k": [key...], "a": assigned, "v": node}
//	list: {"l": [node...]}               literal: {"t": "STRING|HEREDOC|NUMBER|FLOAT|BOOL", "v": text}
//
// where a NUMBER's text is its int64 in decimal, a FLOAT's the decimal of its IEEE-754 bits, a string's its
// decoded value. A document the module refuses (a syntax error, or a literal its decoder cannot read) prints
// {"error": "..."}; one that starts with '{' (HCL's JSON mode) prints {"json": true}.
//
// Input on stdin: a JSON array of documents. Output on stdout: a JSON array of results, in order.
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/hashicorp/hcl/hcl/ast"
	"github.com/hashicorp/hcl/hcl/parser"
	"github.com/hashicorp/hcl/hcl/token"
)

func main() {
	var documents []string
	if err := json.NewDecoder(os.Stdin).Decode(&documents); err != nil {
		fmt.Fprintln(os.Stderr, "hcl-oracle: stdin must be a JSON array of strings:", err)
		os.Exit(2)
	}
	results := make([]any, 0, len(documents))
	for _, document := range documents {
		results = append(results, read(document))
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "hcl-oracle:", err)
		os.Exit(1)
	}
}

func read(document string) (result any) {
	if strings.HasPrefix(strings.TrimLeftFunc(document, unicode.IsSpace), "{") {
		return map[string]any{"json": true}
	}
	defer func() {
		if r := recover(); r != nil {
			result = map[string]any{"error": fmt.Sprint("value: ", r)}
		}
	}()
	file, err := parser.ParseDontErrorOnDuplicateKeys([]byte(document))
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	return object(file.Node.(*ast.ObjectList))
}

func object(list *ast.ObjectList) any {
	items := make([]any, 0, len(list.Items))
	for _, item := range list.Items {
		keys := make([]any, 0, len(item.Keys))
		for _, key := range item.Keys {
			keys = append(keys, fmt.Sprint(key.Token.Value()))
		}
		items = append(items, map[string]any{"k": keys, "a": item.Assign.IsValid(), "v": node(item.Val)})
	}
	return map[string]any{"o": items}
}

func node(n ast.Node) any {
	switch v := n.(type) {
	case *ast.ObjectType:
		return object(v.List)
	case *ast.ListType:
		elements := make([]any, 0, len(v.List))
		for _, element := range v.List {
			elements = append(elements, node(element))
		}
		return map[string]any{"l": elements}
	case *ast.LiteralType:
		return map[string]any{"t": v.Token.Type.String(), "v": literal(v.Token)}
	default:
		panic(fmt.Sprintf("unexpected node %T", n))
	}
}

func literal(t token.Token) string {
	switch value := t.Value().(type) {
	case int64:
		return strconv.FormatInt(value, 10)
	case float64:
		return strconv.FormatUint(math.Float64bits(value), 10)
	case bool:
		return strconv.FormatBool(value)
	case string:
		return value
	default:
		panic(fmt.Sprintf("unexpected value %T", value))
	}
}
