package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"sort"

	"github.com/spiffe/go-spiffe/v2/bundle/jwtbundle"
	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/svid/jwtsvid"
	"github.com/spiffe/go-spiffe/v2/svid/x509svid"
	"github.com/spiffe/go-spiffe/v2/workloadapi"
)

// verdict is what a workload concludes about a peer's SVID with the bundles its own agent serves.
type verdict struct {
	ID       string   `json:"verified_spiffe_id"`
	Audience []string `json:"audience,omitempty"`
	Domains  []string `json:"bundle_trust_domains"`
}

// verifyX509 verifies another workload's X509-SVID chain (a PEM file, leaf first) with x509svid.Verify against
// the X.509 bundles of this workload's Workload API, federated bundles included, as a go-spiffe TLS peer would.
func verifyX509(ctx context.Context, socket, svidFile string) (*verdict, error) {
	raw, err := os.ReadFile(svidFile)
	if err != nil {
		return nil, err
	}
	var chain []*x509.Certificate
	for block, rest := pem.Decode(raw); block != nil; block, rest = pem.Decode(rest) {
		certificate, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", svidFile, err)
		}
		chain = append(chain, certificate)
	}
	if len(chain) == 0 {
		return nil, fmt.Errorf("%s holds no certificate", svidFile)
	}
	bundles, err := workloadapi.FetchX509Bundles(ctx, workloadapi.WithAddr(socket))
	if err != nil {
		return nil, fmt.Errorf("fetch x509 bundles: %w", err)
	}
	id, _, err := x509svid.Verify(chain, bundles)
	if err != nil {
		return nil, fmt.Errorf("x509-svid does not verify against the served bundles: %w", err)
	}
	return &verdict{ID: id.String(), Domains: x509Domains(bundles)}, nil
}

// validateJWT validates another workload's JWT-SVID with jwtsvid.ParseAndValidate against the JWT bundles of
// this workload's Workload API, federated bundles included (no call to the agent's ValidateJWTSVID).
func validateJWT(ctx context.Context, socket, token, audience string) (*verdict, error) {
	bundles, err := workloadapi.FetchJWTBundles(ctx, workloadapi.WithAddr(socket))
	if err != nil {
		return nil, fmt.Errorf("fetch jwt bundles: %w", err)
	}
	svid, err := jwtsvid.ParseAndValidate(token, bundles, []string{audience})
	if err != nil {
		return nil, fmt.Errorf("jwt-svid does not validate against the served bundles: %w", err)
	}
	return &verdict{ID: svid.ID.String(), Audience: svid.Audience, Domains: jwtDomains(bundles)}, nil
}

func x509Domains(set *x509bundle.Set) []string {
	domains := []string{}
	for _, b := range set.Bundles() {
		domains = append(domains, b.TrustDomain().String())
	}
	sort.Strings(domains)
	return domains
}

func jwtDomains(set *jwtbundle.Set) []string {
	domains := []string{}
	for _, b := range set.Bundles() {
		domains = append(domains, b.TrustDomain().String())
	}
	sort.Strings(domains)
	return domains
}
