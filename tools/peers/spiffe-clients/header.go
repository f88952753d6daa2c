package main

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// headerKeyID reads the "kid" of a compact JWS header (no verification: only to look the key up).
func headerKeyID(token string) (string, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return "", false
	}
	var header struct {
		KeyID string `json:"kid"`
	}
	if json.Unmarshal(raw, &header) != nil {
		return "", false
	}
	return header.KeyID, header.KeyID != ""
}
