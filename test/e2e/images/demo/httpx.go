// Shared HTTP helpers: a server that shuts down gracefully with its context, and small
// response writers. Every role's HTTP server listens on all interfaces unless told otherwise.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// listenAddr is the default listen address ":$PORT", or ":def" when PORT is unset.
func listenAddr(def string) string {
	return ":" + envOr("PORT", def)
}

// startHTTP listens on addr now (so a taken port fails at start) and serves h until ctx ends,
// then stops accepting and waits up to 10 s for requests in flight. The returned channel
// yields the serve result (nil after a graceful stop).
func startHTTP(ctx context.Context, addr string, h http.Handler) (<-chan error, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		done <- err
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	logf("listening on %s", ln.Addr())
	return done, nil
}

// serveUntilSignal runs one HTTP server until SIGTERM; it returns the role's exit code.
func serveUntilSignal(ctx context.Context, addr string, h http.Handler) int {
	done, err := startHTTP(ctx, addr, h)
	if err != nil {
		logf("error: %v", err)
		return 1
	}
	return exitCode(done)
}

// exitCode waits for a server started by startHTTP to stop: 1 if it failed, else 0.
func exitCode(done <-chan error) int {
	if err := <-done; err != nil {
		logf("error: %v", err)
		return 1
	}
	return 0
}

// text writes a plain-text body followed by a newline.
func text(w http.ResponseWriter, status int, format string, a ...any) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, format+"\n", a...)
}

// jsonReply writes v as JSON.
func jsonReply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// ok answers 200 "ok": the health endpoints.
func ok(w http.ResponseWriter, _ *http.Request) { text(w, http.StatusOK, "ok") }

// readiness answers 200 "ok" when ready() is true, else 503 "not ready".
func readiness(ready func() bool) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if ready() {
			text(w, http.StatusOK, "ok")
			return
		}
		text(w, http.StatusServiceUnavailable, "not ready")
	}
}
