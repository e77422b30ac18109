// Role legacy-billing (ghcr.io/cdk8s-patterns/legacy-billing, the adapter example): a
// "legacy" application with no metrics endpoint. Every interval it processes a batch of
// invoices and appends one logfmt status line to the file in STATUS_LOG, which an adapter
// (status-exporter) turns into Prometheus metrics.
package main

import (
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"
)

// billingState is what the application knows about itself.
type billingState struct {
	InvoicesProcessed int64 `json:"invoices_processed"`
	QueueDepth        int64 `json:"queue_depth"`
	LastBatchMs       int64 `json:"last_batch_ms"`
	Batches           int64 `json:"batches"`
	UptimeSeconds     int64 `json:"uptime_seconds"`
}

// nextBatch is a deterministic pseudo-random batch: the n-th batch is the same on every run.
func nextBatch(n int64) (invoices, depth, ms int64) {
	x := uint64(n)*6364136223846793005 + 1442695040888963407
	x ^= x >> 29
	return 5 + int64(x%20), int64((x >> 8) % 50), 20 + int64((x>>16)%200)
}

func legacyBilling(args []string) int {
	fs := newFlags()
	listen := fs.String("listen", listenAddr("8080"), "HTTP listen address")
	interval := fs.Duration("interval", 2*time.Second, "time between batches")
	if !parseFlags(fs, args) {
		return 2
	}
	if *interval <= 0 {
		logf("error: --interval must be positive")
		return 2
	}
	statusLog := os.Getenv("STATUS_LOG")
	if statusLog == "" {
		logf("STATUS_LOG is unset: status goes to stdout only")
	} else {
		logf("appending status lines to %s", statusLog)
	}

	var mu sync.Mutex
	var st billingState
	started := time.Now()

	ctx := signalContext()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", ok)
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		s := st
		mu.Unlock()
		s.UptimeSeconds = int64(time.Since(started).Seconds())
		jsonReply(w, http.StatusOK, s)
	})
	done, err := startHTTP(ctx, *listen, mux)
	if err != nil {
		logf("error: %v", err)
		return 1
	}

	for {
		mu.Lock()
		inv, depth, ms := nextBatch(st.Batches)
		st.Batches++
		st.InvoicesProcessed += inv
		st.QueueDepth, st.LastBatchMs = depth, ms
		line := fmt.Sprintf("ts=%s invoices_processed=%d queue_depth=%d last_batch_ms=%d",
			time.Now().UTC().Format(time.RFC3339), st.InvoicesProcessed, depth, ms)
		mu.Unlock()
		logf("batch: %d invoices (%s)", inv, line)
		if statusLog != "" {
			if err := appendLine(statusLog, line); err != nil {
				logf("error: writing status log: %v", err)
			}
		}
		if !sleepCtx(ctx, *interval) {
			break
		}
	}
	return exitCode(done)
}

// appendLine appends line and a newline to the file, creating it readable by all.
func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(line + "\n"); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
