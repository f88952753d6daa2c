// Command go-spiffe-client is a SPIFFE workload of ours built on go-spiffe v2.9.0, used by Signet's
// it-tests as a real client of the Workload API: it fetches an X509-SVID (X509Source) or a JWT-SVID
// (JWTSource), validates it against the bundles the same socket serves, and prints the facts as one JSON
// object on stdout; `bench` times FetchX509SVID for benchmarks/run-side-by-side.sh. Any failure exits
// non-zero with the reason on stderr.
//
// Usage:
//
//	go-spiffe-client x509 -socket unix:/path/api.sock [-spiffeID ID]
//	go-spiffe-client jwt  -socket unix:/path/api.sock -audience A [-spiffeID ID]
//	go-spiffe-client verify-x509 -socket unix:/path/api.sock -svid peer-chain.pem
//	go-spiffe-client validate-jwt -socket unix:/path/api.sock -audience A -token JWT
//	go-spiffe-client mtls-serve -socket unix:/path/api.sock -address 127.0.0.1:0 -authorize CLIENT_ID
//	go-spiffe-client mtls-dial -socket unix:/path/api.sock -address HOST:PORT -authorize SERVER_ID
//	go-spiffe-client watch-bundles -socket unix:/path/api.sock -updates N
//	go-spiffe-client bench -socket unix:/path/api.sock [-warmup N] [-calls N] [-concurrency N] [-duration D]
//
// verify-x509 and validate-jwt judge another workload's SVID with the bundles this workload's agent serves
// (federated ones included); mtls-serve prints {"listening": address} first; watch-bundles prints one JSON
// line per X.509 bundle update.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fail(fmt.Errorf("usage: go-spiffe-client x509|jwt|verify-x509|validate-jwt|mtls-serve|mtls-dial|watch-bundles|bench -socket unix:/path [-audience A] [-spiffeID ID]"))
	}
	flags := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	socket := flags.String("socket", "", "Workload API address (unix:/path)")
	audience := flags.String("audience", "", "JWT-SVID audience (jwt only)")
	spiffeID := flags.String("spiffeID", "", "the SVID to pick when the workload has several")
	svidFile := flags.String("svid", "", "a peer's X509-SVID chain, PEM, leaf first (verify-x509)")
	token := flags.String("token", "", "a peer's JWT-SVID (validate-jwt)")
	address := flags.String("address", "127.0.0.1:0", "TCP address to listen on or dial (mtls-serve, mtls-dial)")
	authorize := flags.String("authorize", "", "the SPIFFE ID the TLS peer must have (mtls-serve, mtls-dial)")
	updates := flags.Int("updates", 1, "how many bundle updates to print before exiting (watch-bundles)")
	timeout := flags.Duration("timeout", 30*time.Second, "overall deadline")
	warmup := flags.Int("warmup", 500, "unmeasured FetchX509SVID calls first (bench only)")
	calls := flags.Int("calls", 2000, "sequential FetchX509SVID calls to time (bench only)")
	concurrency := flags.Int("concurrency", 4, "concurrent callers for the throughput phase (bench only)")
	duration := flags.Duration("duration", 5*time.Second, "length of the throughput phase (bench only)")
	if err := flags.Parse(os.Args[2:]); err != nil {
		fail(err)
	}
	if *socket == "" {
		fail(fmt.Errorf("-socket is required"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()

	var facts any
	var err error
	switch os.Args[1] {
	case "x509":
		facts, err = fetchX509(ctx, *socket, *spiffeID)
	case "jwt":
		if *audience == "" {
			fail(fmt.Errorf("-audience is required for jwt"))
		}
		facts, err = fetchJWT(ctx, *socket, *audience, *spiffeID)
	case "verify-x509":
		facts, err = verifyX509(ctx, *socket, *svidFile)
	case "validate-jwt":
		facts, err = validateJWT(ctx, *socket, *token, *audience)
	case "mtls-serve":
		facts, err = serveMTLS(ctx, *socket, *address, *authorize)
	case "mtls-dial":
		facts, err = dialMTLS(ctx, *socket, *address, *authorize)
	case "watch-bundles":
		if err := watchBundles(ctx, *socket, *updates); err != nil {
			fail(err)
		}
		return
	case "bench":
		facts, err = bench(ctx, *socket, *warmup, *calls, *concurrency, *duration)
	default:
		err = fmt.Errorf("unknown command %q (x509, jwt, verify-x509, validate-jwt, mtls-serve, mtls-dial, "+
			"watch-bundles, bench)", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", "  ")
	if err := out.Encode(facts); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "go-spiffe-client:", err)
	os.Exit(1)
}
