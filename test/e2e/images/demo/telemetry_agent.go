// Role telemetry-agent (ghcr.io/cdk8s-patterns/telemetry-agent, the startup-sequence example):
// a local telemetry receiver run as a native sidecar. It answers like the OpenTelemetry
// collector's health_check extension and counts OTLP/HTTP exports; in the example its point
// is the startup order, so it logs when it started.
package main

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

func telemetryAgent(args []string) int {
	fs := newFlags()
	listen := fs.String("listen", ":13133", "health check listen address")
	otlpListen := fs.String("otlp-listen", "127.0.0.1:4318", "OTLP/HTTP listen address")
	if !parseFlags(fs, args) {
		return 2
	}
	started := time.Now().UTC()
	logf("agent: started at %s", started.Format(time.RFC3339Nano))

	var mu sync.Mutex
	counts := map[string]int{"traces": 0, "metrics": 0, "logs": 0}

	health := http.NewServeMux()
	health.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		jsonReply(w, http.StatusOK, map[string]string{
			"status":  "Server available",
			"upSince": started.Format(time.RFC3339Nano),
			"uptime":  time.Since(started).String(),
		})
	})
	otlp := http.NewServeMux()
	for signal := range counts {
		otlp.HandleFunc("POST /v1/"+signal, func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, io.LimitReader(r.Body, 64<<20))
			mu.Lock()
			counts[signal]++
			mu.Unlock()
			// An empty Export*ServiceResponse, in the request's encoding.
			if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte("{}"))
				return
			}
			w.Header().Set("Content-Type", "application/x-protobuf")
		})
	}

	ctx := signalContext()
	healthDone, err := startHTTP(ctx, *listen, health)
	if err != nil {
		logf("error: %v", err)
		return 1
	}
	otlpDone, err := startHTTP(ctx, *otlpListen, otlp)
	if err != nil {
		logf("error: %v", err)
		return 1
	}
	logf("agent: ready")

	last := map[string]int{}
	for sleepCtx(ctx, 10*time.Second) {
		mu.Lock()
		changed := counts["traces"] != last["traces"] || counts["metrics"] != last["metrics"] || counts["logs"] != last["logs"]
		for k, v := range counts {
			last[k] = v
		}
		mu.Unlock()
		if changed {
			logf("agent: received traces=%d metrics=%d logs=%d", last["traces"], last["metrics"], last["logs"])
		}
	}
	return max(exitCode(healthDone), exitCode(otlpDone))
}
