// Roles http-service and mini-http-server: small web services.
//   - http-service (report-scheduler and ledger-writer, the singleton example; scalewhale, the
//     scalewhale example): answers "<name> on <hostname>", so a test sees which pod serves.
//   - mini-http-server (the config-watcher example): serves the MESSAGE read at start; it
//     needs a restart to see a new ConfigMap value, which is what the operator does.
package main

import (
	"net/http"
	"os"
)

func httpService(args []string) int {
	fs := newFlags()
	name := fs.String("name", "http-service", "the service's name in answers")
	listen := fs.String("listen", listenAddr("8080"), "HTTP listen address")
	if !parseFlags(fs, args) {
		return 2
	}
	host := hostname()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", ok)
	mux.HandleFunc("GET /ready", ok)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		text(w, http.StatusOK, "%s on %s", *name, host)
	})
	logf("%s started on %s", *name, host)
	return serveUntilSignal(signalContext(), *listen, mux)
}

func miniHTTPServer(args []string) int {
	fs := newFlags()
	listen := fs.String("listen", listenAddr("8080"), "HTTP listen address")
	if !parseFlags(fs, args) {
		return 2
	}
	message := os.Getenv("MESSAGE")
	logf("serving message %q", message)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", ok)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		text(w, http.StatusOK, "%s", message)
	})
	return serveUntilSignal(signalContext(), *listen, mux)
}
