package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/workloadapi"
)

// bundleUpdate is one X.509 bundle set the Workload API pushed: when it arrived (Unix milliseconds) and per trust
// domain the sha256 fingerprints of its authorities (sorted).
type bundleUpdate struct {
	Update    int                 `json:"update"`
	ArrivedMs int64               `json:"arrived_unix_ms"`
	Bundles   map[string][]string `json:"bundles"`
}

type bundlePrinter struct {
	updates int
	limit   int
	cancel  context.CancelFunc
}

func (p *bundlePrinter) OnX509BundlesUpdate(set *x509bundle.Set) {
	p.updates++
	update := bundleUpdate{Update: p.updates, ArrivedMs: time.Now().UnixMilli(), Bundles: map[string][]string{}}
	for _, bundle := range set.Bundles() {
		fingerprints := []string{}
		for _, authority := range bundle.X509Authorities() {
			sum := sha256.Sum256(authority.Raw)
			fingerprints = append(fingerprints, hex.EncodeToString(sum[:]))
		}
		sort.Strings(fingerprints)
		update.Bundles[bundle.TrustDomain().String()] = fingerprints
	}
	if err := json.NewEncoder(os.Stdout).Encode(update); err != nil {
		fail(err)
	}
	if p.updates >= p.limit {
		p.cancel()
	}
}

func (p *bundlePrinter) OnX509BundlesWatchError(err error) {
	fmt.Fprintln(os.Stderr, "go-spiffe-client: watch error:", err)
}

// watchBundles streams the X.509 bundle set with workloadapi.WatchX509Bundles and prints one JSON line per
// update, until it has printed limit updates or the deadline passes.
func watchBundles(ctx context.Context, socket string, limit int) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	printer := &bundlePrinter{limit: limit, cancel: cancel}
	err := workloadapi.WatchX509Bundles(ctx, printer, workloadapi.WithAddr(socket))
	if printer.updates >= limit {
		return nil
	}
	return fmt.Errorf("watch ended after %d of %d updates: %w", printer.updates, limit, err)
}
