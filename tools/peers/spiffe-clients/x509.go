package main

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/svid/x509svid"
	"github.com/spiffe/go-spiffe/v2/workloadapi"
)

// x509Facts is what a workload learns from the X.509 side of the Workload API.
type x509Facts struct {
	SpiffeID       string   `json:"spiffe_id"`
	Hint           string   `json:"hint"`
	AllSpiffeIDs   []string `json:"all_spiffe_ids"`
	ChainLength    int      `json:"chain_length"`
	NotBefore      string   `json:"not_before"`
	NotAfter       string   `json:"not_after"`
	DNSNames       []string `json:"dns_names"`
	KeyType        string   `json:"key_type"`
	VerifiedID     string   `json:"verified_spiffe_id"`
	BundleDomains  []string `json:"bundle_trust_domains"`
	OwnAuthorities int      `json:"own_bundle_x509_authorities"`
}

// fetchX509 opens an X509Source (a watch stream), picks the SVID and verifies its chain against the
// bundle of its own trust domain with x509svid.Verify, as a go-spiffe TLS peer would.
func fetchX509(ctx context.Context, socket, want string) (*x509Facts, error) {
	options := []workloadapi.X509SourceOption{workloadapi.WithClientOptions(workloadapi.WithAddr(socket))}
	if want != "" {
		id, err := spiffeid.FromString(want)
		if err != nil {
			return nil, fmt.Errorf("bad -spiffeID: %w", err)
		}
		options = append(options, workloadapi.WithDefaultX509SVIDPicker(func(svids []*x509svid.SVID) *x509svid.SVID {
			for _, svid := range svids {
				if svid.ID == id {
					return svid
				}
			}
			return svids[0]
		}))
	}
	source, err := workloadapi.NewX509Source(ctx, options...)
	if err != nil {
		return nil, fmt.Errorf("x509 source: %w", err)
	}
	defer source.Close()

	svid, err := source.GetX509SVID()
	if err != nil {
		return nil, err
	}
	if want != "" && svid.ID.String() != want {
		return nil, fmt.Errorf("no X509-SVID for %s (got %s)", want, svid.ID)
	}
	verifiedID, _, err := x509svid.Verify(svid.Certificates, source)
	if err != nil {
		return nil, fmt.Errorf("x509-svid does not verify against the served bundle: %w", err)
	}
	own, err := source.GetX509BundleForTrustDomain(svid.ID.TrustDomain())
	if err != nil {
		return nil, err
	}

	// every SVID the workload is entitled to, from a one-shot fetch on the same socket
	x509Context, err := workloadapi.FetchX509Context(ctx, workloadapi.WithAddr(socket))
	if err != nil {
		return nil, fmt.Errorf("fetch x509 context: %w", err)
	}
	var all []string
	for _, s := range x509Context.SVIDs {
		all = append(all, s.ID.String())
	}
	sort.Strings(all)
	var domains []string
	for _, b := range x509Context.Bundles.Bundles() {
		domains = append(domains, b.TrustDomain().String())
	}
	sort.Strings(domains)

	leaf := svid.Certificates[0]
	dns := leaf.DNSNames
	if dns == nil {
		dns = []string{}
	}
	return &x509Facts{
		SpiffeID:       svid.ID.String(),
		Hint:           svid.Hint,
		AllSpiffeIDs:   all,
		ChainLength:    len(svid.Certificates),
		NotBefore:      leaf.NotBefore.UTC().Format(time.RFC3339),
		NotAfter:       leaf.NotAfter.UTC().Format(time.RFC3339),
		DNSNames:       dns,
		KeyType:        fmt.Sprintf("%T", svid.PrivateKey),
		VerifiedID:     verifiedID.String(),
		BundleDomains:  domains,
		OwnAuthorities: len(own.X509Authorities()),
	}, nil
}
