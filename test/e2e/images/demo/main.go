// Command demo is the one binary behind the ghcr.io/cdk8s-patterns/* demo images of the
// examples. Each image runs one role: the role is the program's name when it is started
// through a symlink named after a role (e.g. /app/migrate), else its first argument.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// A role's entry point: it gets the arguments after the role name and returns the exit code.
type roleFunc func(args []string) int

var roles = map[string]roleFunc{
	"visit-counter":    visitCounter,
	"legacy-billing":   legacyBilling,
	"status-exporter":  statusExporter,
	"reconciler":       reconciler,
	"queue-producer":   queueProducer,
	"queue-worker":     queueWorker,
	"report-shard":     reportShard,
	"http-service":     httpService,
	"mini-http-server": miniHTTPServer,
	"config-watcher":   configWatcher,
	"orders-api":       ordersAPI,
	"migrate":          migrate,
	"telemetry-agent":  telemetryAgent,
	"sleep":            sleepRole,
	"cache-client":     cacheClient,
	"model-server":     modelServer,
	"search-leaf":      searchLeaf,
	"search-root":      searchRoot,
	"lock-worker":      lockWorkerRole,
}

// roleName is the running role, the prefix of every log line.
var roleName = "demo"

func main() {
	name, args := "", []string(nil)
	if base := filepath.Base(os.Args[0]); roles[base] != nil {
		name, args = base, os.Args[1:]
	} else if len(os.Args) > 1 && roles[os.Args[1]] != nil {
		name, args = os.Args[1], os.Args[2:]
	}
	if name == "" {
		names := make([]string, 0, len(roles))
		for n := range roles {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "usage: demo ROLE [flags]\nroles: %s\n", strings.Join(names, ", "))
		os.Exit(2)
	}
	roleName = name
	os.Exit(roles[name](args))
}

// logf writes one line to stdout: "<RFC3339 time> <role>: <message>".
func logf(format string, a ...any) {
	msg := strings.TrimRight(fmt.Sprintf(format, a...), "\n")
	fmt.Fprintf(os.Stdout, "%s %s: %s\n", time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00"), roleName, msg)
}

// newFlags returns a flag set for the role that exits 2 on bad flags.
func newFlags() *flag.FlagSet {
	return flag.NewFlagSet(roleName, flag.ContinueOnError)
}

// parseFlags parses args; it returns false (after printing the error) when they are invalid.
func parseFlags(fs *flag.FlagSet, args []string) bool {
	if err := fs.Parse(args); err != nil {
		return false
	}
	return true
}

// signalContext is cancelled on SIGTERM or SIGINT, after logging "shutdown: SIGTERM received".
func signalContext() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		sig := <-ch
		logf("shutdown: %s received", signalName(sig))
		cancel()
	}()
	return ctx
}

func signalName(sig os.Signal) string {
	switch sig {
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGINT:
		return "SIGINT"
	}
	return sig.String()
}

// sleepCtx sleeps for d or until ctx is done; it returns false when ctx ended the sleep.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// hostname is the pod's name in Kubernetes.
func hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "unknown"
	}
	return h
}

// envOr returns the environment variable, or def when it is unset or empty.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
