// Roles http-service and mini-http-server: small web services.
//   - http-service (report-scheduler and ledger-writer, the singleton example; scalewhale, the
//     scalewhale example; elastic-web, the elastic example): answers "<name> on <hostname>", so a
//     test sees which pod serves; GET /burn?ms=N keeps one CPU busy for N ms, the load that makes
//     a HorizontalPodAutoscaler on CPU scale the service.
//   - mini-http-server (the config-watcher example): serves the MESSAGE read at start; it
//     needs a restart to see a new ConfigMap value, which is what the operator does.
package main

import (
	"net/http"
	"os"
	"strconv"
	"time"
)

// maxBurn bounds GET /burn: a request never holds a CPU for more than this.
const maxBurn = 2000 * time.Millisecond

func httpService(args []string) int {
	fs := newFlags()
	name := fs.String("name", "http-service", "the service's name in answers")
	listen := fs.String("listen", listenAddr("8080"), "HTTP listen address")
	if !parseFlags(fs, args) {
		return 2
	}
	host := hostname()
	logf("%s started on %s", *name, host)
	return serveUntilSignal(signalContext(), *listen, httpServiceMux(*name, host))
}

func httpServiceMux(name, host string) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", ok)
	mux.HandleFunc("GET /ready", ok)
	// Every other path answers too: behind an API gateway or a strangler, a service receives the
	// paths routed to it (/orders/42) unchanged.
	mux.HandleFunc("GET /", func(w http.ResponseWriter, _ *http.Request) {
		text(w, http.StatusOK, "%s on %s", name, host)
	})
	mux.HandleFunc("GET /burn", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("ms"))
		if err != nil || n < 1 || time.Duration(n)*time.Millisecond > maxBurn {
			text(w, http.StatusBadRequest, "ms must be an integer from 1 to %d", maxBurn.Milliseconds())
			return
		}
		burn(time.Duration(n) * time.Millisecond)
		text(w, http.StatusOK, "burned %d ms on %s", n, host)
	})
	return mux
}

// burn keeps the calling goroutine, and so one CPU, busy for d of wall-clock time (less CPU time
// when the container's CPU limit throttles it).
func burn(d time.Duration) {
	end := time.Now().Add(d)
	x := uint64(1)
	for time.Now().Before(end) {
		for i := 0; i < 10000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	burnSink = x
}

// burnSink keeps the compiler from removing burn's loop.
var burnSink uint64

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
