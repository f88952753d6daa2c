// Command spire-api-client calls SPIRE's server API over an admin socket with spire-api-sdk's generated Go
// client, the client SPIRE's own CLI is built on, so that benchmarks/run-side-by-side.sh drives Signet's and
// SPIRE's servers with one and the same client. `mint` runs MintX509SVID from several connections for a
// fixed time and prints what it did as one JSON object on stdout. Any failed call exits non-zero with the
// reason on stderr: a benchmark of errors measures nothing.
//
// Usage:
//
//	spire-api-client mint -socket /path/api.sock [-clients N] [-duration D] [-trust-domain TD] [-ttl SECONDS]
//
// Each client has its own gRPC connection and its own P-256 key and CSR (the SPIFFE ID
// spiffe://TD/mint/<client> is the CSR's URI SAN), made once before the clock starts; the calls are sequential
// on each connection.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	svidv1 "github.com/spiffe/spire-api-sdk/proto/spire/api/server/svid/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

type mintFacts struct {
	Clients        int     `json:"clients"`
	Svids          int64   `json:"svids"`
	Seconds        float64 `json:"seconds"`
	SvidsPerSecond float64 `json:"svids_per_second"`
}

func main() {
	if len(os.Args) < 2 || os.Args[1] != "mint" {
		fail(fmt.Errorf("usage: spire-api-client mint -socket /path/api.sock [-clients N] [-duration D] [-trust-domain TD] [-ttl SECONDS]"))
	}
	flags := flag.NewFlagSet("mint", flag.ExitOnError)
	socket := flags.String("socket", "", "the server's admin socket")
	clients := flags.Int("clients", 4, "concurrent clients, each on its own connection")
	duration := flags.Duration("duration", 5*time.Second, "how long the clients call")
	trustDomain := flags.String("trust-domain", "example.org", "the trust domain of the minted SPIFFE IDs")
	ttl := flags.Int("ttl", 3600, "the TTL asked for, in seconds")
	if err := flags.Parse(os.Args[2:]); err != nil {
		fail(err)
	}
	if *socket == "" || *clients < 1 || *duration <= 0 {
		fail(fmt.Errorf("-socket, -clients >= 1 and -duration > 0 are required"))
	}
	facts, err := mint(*socket, *clients, *duration, *trustDomain, int32(*ttl))
	if err != nil {
		fail(err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(facts); err != nil {
		fail(err)
	}
}

// mint dials every client and makes its CSR first, then lets them all call until the deadline.
func mint(socket string, clients int, duration time.Duration, trustDomain string, ttl int32) (*mintFacts, error) {
	calls := make([]func(context.Context) error, clients)
	for c := range calls {
		conn, err := grpc.NewClient("unix://"+socket, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return nil, fmt.Errorf("client %d: %w", c, err)
		}
		defer conn.Close()
		csr, err := newCSR(trustDomain, fmt.Sprintf("/mint/%d", c))
		if err != nil {
			return nil, err
		}
		api := svidv1.NewSVIDClient(conn)
		request := &svidv1.MintX509SVIDRequest{Csr: csr, Ttl: ttl}
		calls[c] = func(ctx context.Context) error {
			response, err := api.MintX509SVID(ctx, request)
			if err == nil && len(response.GetSvid().GetCertChain()) == 0 {
				err = fmt.Errorf("the response has no certificate chain")
			}
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), duration+time.Minute)
	defer cancel()
	var done atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(duration)
	for _, call := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if err := call(ctx); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	if err, ok := firstErr.Load().(error); ok {
		return nil, fmt.Errorf("MintX509SVID: %w", err)
	}
	return &mintFacts{Clients: clients, Svids: done.Load(), Seconds: elapsed,
		SvidsPerSecond: float64(done.Load()) / elapsed}, nil
}

func newCSR(trustDomain, path string) ([]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	id := &url.URL{Scheme: "spiffe", Host: trustDomain, Path: path}
	return x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{URIs: []*url.URL{id}}, key)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "spire-api-client:", err)
	os.Exit(1)
}
