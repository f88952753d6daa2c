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
//	go-spiffe-client bench -socket unix:/path/api.sock [-warmup N] [-calls N] [-concurrency N] [-duration D]
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
		fail(fmt.Errorf("usage: go-spiffe-client x509|jwt|bench -socket unix:/path [-audience A] [-spiffeID ID]"))
	}
	flags := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	socket := flags.String("socket", "", "Workload API address (unix:/path)")
	audience := flags.String("audience", "", "JWT-SVID audience (jwt only)")
	spiffeID := flags.String("spiffeID", "", "the SVID to pick when the workload has several")
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
	case "bench":
		facts, err = bench(ctx, *socket, *warmup, *calls, *concurrency, *duration)
	default:
		err = fmt.Errorf("unknown command %q (x509, jwt, bench)", os.Args[1])
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
