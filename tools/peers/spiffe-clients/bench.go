package main

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spiffe/go-spiffe/v2/workloadapi"
)

// benchFacts is what `bench` prints: latencies of sequential FetchX509SVID calls and the throughput of
// concurrent callers, each call a new stream on one client connection (go-spiffe's Client.FetchX509SVID
// opens the stream, takes the first response, parses the SVIDs and closes the stream).
type benchFacts struct {
	Calls            int     `json:"calls"`
	P50Micros        int64   `json:"p50_us"`
	P90Micros        int64   `json:"p90_us"`
	P99Micros        int64   `json:"p99_us"`
	MaxMicros        int64   `json:"max_us"`
	Concurrency      int     `json:"concurrency"`
	Seconds          float64 `json:"seconds"`
	FetchesPerSecond float64 `json:"fetches_per_second"`
}

// bench runs `warmup` unmeasured calls, then `calls` sequential calls, then `concurrency` goroutines
// calling for `duration`. Any failed call fails the run: a benchmark of errors measures nothing.
func bench(ctx context.Context, socket string, warmup, calls, concurrency int, duration time.Duration) (*benchFacts, error) {
	client, err := workloadapi.New(ctx, workloadapi.WithAddr(socket))
	if err != nil {
		return nil, fmt.Errorf("workload api client: %w", err)
	}
	defer client.Close()
	for i := 0; i < warmup; i++ {
		if _, err := client.FetchX509SVID(ctx); err != nil {
			return nil, fmt.Errorf("warm-up fetch %d: %w", i, err)
		}
	}
	latencies := make([]time.Duration, calls)
	for i := range latencies {
		start := time.Now()
		if _, err := client.FetchX509SVID(ctx); err != nil {
			return nil, fmt.Errorf("fetch %d: %w", i, err)
		}
		latencies[i] = time.Since(start)
	}
	sort.Slice(latencies, func(a, b int) bool { return latencies[a] < latencies[b] })
	facts := &benchFacts{Calls: calls, Concurrency: concurrency, Seconds: duration.Seconds()}
	if calls > 0 {
		facts.P50Micros = quantile(latencies, 0.50)
		facts.P90Micros = quantile(latencies, 0.90)
		facts.P99Micros = quantile(latencies, 0.99)
		facts.MaxMicros = latencies[calls-1].Microseconds()
	}
	if concurrency > 0 && duration > 0 {
		rate, err := throughput(ctx, client, concurrency, duration)
		if err != nil {
			return nil, err
		}
		facts.FetchesPerSecond = rate
	}
	return facts, nil
}

func throughput(ctx context.Context, client *workloadapi.Client, concurrency int, duration time.Duration) (float64, error) {
	var done atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(duration)
	for g := 0; g < concurrency; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if _, err := client.FetchX509SVID(ctx); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	if err, ok := firstErr.Load().(error); ok {
		return 0, fmt.Errorf("concurrent fetch: %w", err)
	}
	return float64(done.Load()) / time.Since(start).Seconds(), nil
}

func quantile(sorted []time.Duration, q float64) int64 {
	i := int(float64(len(sorted)) * q)
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return sorted[i].Microseconds()
}
