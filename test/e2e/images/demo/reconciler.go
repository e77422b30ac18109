// Role reconciler (ghcr.io/cdk8s-patterns/reconciler, the leader-elected example): a
// controller of which only the leader works. With --leader-elect the replicas compete for a
// Lease (leader.go); the leader "reconciles" (logs a tick every 5 s), records an Event when it
// becomes leader, and releases the Lease on SIGTERM so that a follower takes over at once.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// leaderStatus is what /leader and the status file show.
type leaderStatus struct {
	Identity    string `json:"identity"`
	Leader      bool   `json:"leader"`
	Holder      string `json:"holder"`
	Transitions int    `json:"transitions"`
	Renewals    int    `json:"renewals"`
	Ticks       int    `json:"ticks"`
}

// reconcilerState is the status shared by the election loop, the ticker and the HTTP handlers.
type reconcilerState struct {
	mu         sync.Mutex
	st         leaderStatus
	ready      bool
	statusFile string // "" for none
}

// update changes the status under the lock, then rewrites the status file.
func (r *reconcilerState) update(change func(st *leaderStatus)) {
	r.mu.Lock()
	change(&r.st)
	st := r.st
	r.mu.Unlock()
	if r.statusFile != "" {
		if err := writeJSONAtomic(r.statusFile, st); err != nil {
			logf("error: writing status file: %v", err)
		}
	}
}

func (r *reconcilerState) snapshot() (leaderStatus, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.st, r.ready
}

func reconciler(args []string) int {
	fs := newFlags()
	elect := fs.Bool("leader-elect", false, "elect a leader through a Lease")
	leaseName := fs.String("leader-elect-lease", "", "the Lease's name (required with --leader-elect)")
	statusFile := fs.String("status-file", "", "where to write the status as JSON (optional)")
	healthPort := fs.Int("health-port", 8081, "port of /healthz, /readyz and /leader")
	leaseDuration := fs.Duration("lease-duration", 15*time.Second, "how long a Lease is valid without renewal")
	renewDeadline := fs.Duration("renew-deadline", 10*time.Second, "how long a leader tries to renew before stepping down")
	retryPeriod := fs.Duration("retry-period", 2*time.Second, "time between attempts to acquire or renew")
	if !parseFlags(fs, args) {
		return 2
	}
	if *elect && *leaseName == "" {
		logf("error: --leader-elect-lease is required with --leader-elect")
		return 2
	}
	if !(*leaseDuration > *renewDeadline && *renewDeadline > *retryPeriod && *retryPeriod > 0) {
		logf("error: need --lease-duration > --renew-deadline > --retry-period > 0")
		return 2
	}
	identity := envOr("POD_NAME", hostname())
	r := &reconcilerState{st: leaderStatus{Identity: identity}, statusFile: *statusFile}

	var el *elector
	if *elect {
		kube, err := inClusterClient()
		if err != nil {
			logf("error: %v", err)
			return 1
		}
		namespace := envOr("LEASE_NAMESPACE", envOr("POD_NAMESPACE", serviceAccountNamespace()))
		if namespace == "" {
			logf("error: no namespace: set LEASE_NAMESPACE or POD_NAMESPACE")
			return 1
		}
		el = &elector{kube: kube, namespace: namespace, name: *leaseName, id: identity, leaseDuration: *leaseDuration, now: time.Now}
	}

	ctx := signalContext()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", ok)
	mux.HandleFunc("GET /readyz", readiness(func() bool { _, ready := r.snapshot(); return ready }))
	mux.HandleFunc("GET /leader", func(w http.ResponseWriter, _ *http.Request) {
		s, _ := r.snapshot()
		jsonReply(w, http.StatusOK, map[string]any{"identity": s.Identity, "leader": s.Leader, "holder": s.Holder})
	})
	done, err := startHTTP(ctx, ":"+strconv.Itoa(*healthPort), mux)
	if err != nil {
		logf("error: %v", err)
		return 1
	}

	// The work: a tick every 5 s while leading.
	tickerDone := make(chan struct{})
	go func() {
		defer close(tickerDone)
		for sleepCtx(ctx, 5*time.Second) {
			if s, _ := r.snapshot(); s.Leader {
				r.update(func(st *leaderStatus) { st.Ticks++; logf("reconcile: tick %d", st.Ticks) })
			}
		}
	}()

	if el == nil {
		logf("leader: election disabled, leading as %s", identity)
		r.mu.Lock()
		r.ready = true
		r.mu.Unlock()
		r.update(func(st *leaderStatus) { st.Leader, st.Holder = true, identity })
		<-ctx.Done()
	} else {
		logf("leader: competing for lease %s/%s as %s", el.namespace, el.name, identity)
		electionLoop(ctx, el, *renewDeadline, *retryPeriod, r)
	}
	<-tickerDone
	r.update(func(st *leaderStatus) { st.Leader = false })
	return exitCode(done)
}

// electionLoop competes for the Lease every retry period until ctx ends, then releases it if
// this candidate leads.
func electionLoop(ctx context.Context, el *elector, renewDeadline, retryPeriod time.Duration, r *reconcilerState) {
	var lastRenew time.Time
	lastErr, prevHolder := "", ""
	for {
		held, err := el.tryAcquireOrRenew(ctx)
		if ctx.Err() != nil {
			break
		}
		now := el.now()
		if msg := fmt.Sprint(err); err != nil && msg != lastErr {
			logf("leader: lease error: %v", err)
			lastErr = msg
		} else if err == nil {
			lastErr = ""
		}
		if el.observed != nil {
			r.mu.Lock()
			r.ready = true
			r.mu.Unlock()
		}
		r.update(func(st *leaderStatus) {
			st.Holder, st.Renewals = el.holder(), el.renewals
			if el.observed != nil {
				st.Transitions = el.observed.Spec.LeaseTransitions
			}
			switch {
			case held:
				lastRenew = now
				if !st.Leader {
					st.Leader = true
					logf("leader: acquired lease %s/%s as %s", el.namespace, el.name, el.id)
					go recordLeaderEvent(el, el.observed)
				}
			case st.Leader && err == nil && el.holder() != el.id:
				st.Leader = false
				logf("leader: lost lease to %q, stepping down", el.holder())
			case st.Leader && now.Sub(lastRenew) >= renewDeadline:
				st.Leader = false
				logf("leader: could not renew lease for %s, stepping down", renewDeadline)
			}
			if !st.Leader && err == nil && el.holder() != prevHolder {
				logf("leader: following, lease held by %q", el.holder())
			}
			prevHolder = el.holder()
		})
		if !sleepCtx(ctx, retryPeriod) {
			break
		}
	}
	if s, _ := r.snapshot(); !s.Leader {
		return
	}
	rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if released, err := el.release(rctx); err != nil {
		logf("leader: releasing lease failed: %v", err)
	} else if released {
		logf("leader: released lease")
	}
	r.update(func(st *leaderStatus) { st.Leader, st.Holder = false, el.holder() })
}

// recordLeaderEvent creates the "became leader" Event on the Lease; failures only log.
func recordLeaderEvent(el *elector, l *lease) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	involved := map[string]any{"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "name": el.name, "namespace": el.namespace}
	if l != nil {
		for _, k := range []string{"uid", "resourceVersion"} {
			if v, found := l.Metadata[k]; found {
				involved[k] = v
			}
		}
	}
	ev := kubeEvent(el.namespace, involved, "LeaderElection", el.id+" became leader", "reconciler", el.id)
	if err := el.kube.post(ctx, "/api/v1/namespaces/"+el.namespace+"/events", ev, nil); err != nil {
		logf("leader: recording event failed: %v", err)
	}
}

// writeJSONAtomic writes v to path through a temporary file in the same directory and a
// rename, so that a reader never sees half a file. The file is readable by all (0644).
func writeJSONAtomic(path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(append(data, '\n'))
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
