package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/svid/jwtsvid"
	"github.com/spiffe/go-spiffe/v2/workloadapi"
)

// jwtFacts is what a workload learns from the JWT side of the Workload API, and what a validator concludes.
type jwtFacts struct {
	SpiffeID       string   `json:"spiffe_id"`
	Audience       []string `json:"audience"`
	Expiry         string   `json:"expiry"`
	IssuedAt       string   `json:"issued_at"`
	Hint           string   `json:"hint"`
	ValidatedID    string   `json:"validated_spiffe_id"`
	KeyIDKnown     bool     `json:"key_id_in_bundle"`
	WrongAudience  string   `json:"wrong_audience_error"`
	JWTAuthorities int      `json:"own_bundle_jwt_authorities"`
}

// fetchJWT opens a JWTSource, fetches a JWT-SVID for the audience and validates it against the JWT
// bundles of the same socket with jwtsvid.ParseAndValidate; a second validation with another audience must fail.
func fetchJWT(ctx context.Context, socket, audience, want string) (*jwtFacts, error) {
	source, err := workloadapi.NewJWTSource(ctx, workloadapi.WithClientOptions(workloadapi.WithAddr(socket)))
	if err != nil {
		return nil, fmt.Errorf("jwt source: %w", err)
	}
	defer source.Close()

	params := jwtsvid.Params{Audience: audience}
	if want != "" {
		id, err := spiffeid.FromString(want)
		if err != nil {
			return nil, fmt.Errorf("bad -spiffeID: %w", err)
		}
		params.Subject = id
	}
	svid, err := source.FetchJWTSVID(ctx, params)
	if err != nil {
		return nil, fmt.Errorf("fetch jwt-svid: %w", err)
	}
	validated, err := jwtsvid.ParseAndValidate(svid.Marshal(), source, []string{audience})
	if err != nil {
		return nil, fmt.Errorf("jwt-svid does not validate against the served bundle: %w", err)
	}
	wrong := ""
	if _, err := jwtsvid.ParseAndValidate(svid.Marshal(), source, []string{audience + "-other"}); err != nil {
		wrong = err.Error()
	}
	bundle, err := source.GetJWTBundleForTrustDomain(svid.ID.TrustDomain())
	if err != nil {
		return nil, err
	}
	keyID := ""
	if kid, ok := headerKeyID(svid.Marshal()); ok {
		keyID = kid
	}
	_, known := bundle.FindJWTAuthority(keyID)
	issuedAt := ""
	if iat, ok := svid.Claims["iat"].(float64); ok {
		issuedAt = time.Unix(int64(iat), 0).UTC().Format(time.RFC3339)
	}
	return &jwtFacts{
		SpiffeID:       svid.ID.String(),
		Audience:       svid.Audience,
		Expiry:         svid.Expiry.UTC().Format(time.RFC3339),
		IssuedAt:       issuedAt,
		Hint:           svid.Hint,
		ValidatedID:    validated.ID.String(),
		KeyIDKnown:     known,
		WrongAudience:  wrong,
		JWTAuthorities: len(bundle.JWTAuthorities()),
	}, nil
}
