package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeLockStore answers Dapr's lock API like daprd with lock.redis: SET NX with an expiry, and
// an unlock that deletes the key only for its owner. Time is the test's clock.
type fakeLockStore struct {
	mu      sync.Mutex
	now     func() time.Time
	owner   string
	expires time.Time
	store   string
}

func (f *fakeLockStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ResourceID string `json:"resourceId"`
		LockOwner  string `json:"lockOwner"`
		Expiry     int    `json:"expiryInSeconds"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.ResourceID == "" || body.LockOwner == "" {
		http.Error(w, `{"errorCode":"ERR_MALFORMED_REQUEST"}`, http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.owner != "" && !f.now().Before(f.expires) {
		f.owner = ""
	}
	switch r.URL.Path {
	case "/v1.0-alpha1/lock/" + f.store:
		ok := f.owner == ""
		if ok {
			f.owner, f.expires = body.LockOwner, f.now().Add(time.Duration(body.Expiry)*time.Second)
		}
		json.NewEncoder(w).Encode(map[string]bool{"success": ok})
	case "/v1.0-alpha1/unlock/" + f.store:
		status := 0
		switch {
		case f.owner == "":
			status = 1
		case f.owner != body.LockOwner:
			status = 2
		default:
			f.owner = ""
		}
		json.NewEncoder(w).Encode(map[string]int{"status": status})
	default:
		http.Error(w, `{"errorCode":"ERR_LOCK_STORE_NOT_FOUND"}`, http.StatusBadRequest)
	}
}

func newTestWorker(srv *httptest.Server, store, owner string, clock func() time.Time) *lockWorker {
	c := &lockClient{
		lockURL: srv.URL + "/v1.0-alpha1/lock/" + store, unlockURL: srv.URL + "/v1.0-alpha1/unlock/" + store,
		resource: "leader", owner: owner, expiry: 10, http: srv.Client(),
	}
	w := &lockWorker{c: c, margin: 3 * time.Second, interval: time.Second, now: clock}
	w.st.Owner, w.st.ResourceID = owner, "leader"
	return w
}

func TestLockWorkersNeverHoldTogether(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	fake := &fakeLockStore{now: clock, store: "lockstore"}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	workers := []*lockWorker{
		newTestWorker(srv, "lockstore", "pod-a", clock),
		newTestWorker(srv, "lockstore", "pod-b", clock),
		newTestWorker(srv, "lockstore", "pod-c", clock),
	}
	ctx := context.Background()
	held := 0
	for i := 0; i < 120; i++ { // two minutes in steps of 500 ms
		for _, w := range workers {
			w.step(ctx)
		}
		holders := []string{}
		for _, w := range workers {
			if w.holding() {
				holders = append(holders, w.c.owner)
				if fake.owner != w.c.owner {
					t.Fatalf("at %s %s says it holds the lock, the store says %q", now, w.c.owner, fake.owner)
				}
			}
		}
		if len(holders) > 1 {
			t.Fatalf("at %s: %s hold the lock at once", now, strings.Join(holders, ", "))
		}
		held += len(holders)
		now = now.Add(500 * time.Millisecond)
	}
	if held < 115 {
		t.Fatalf("the lock was held in %d of 120 rounds; want nearly all (renewal keeps it)", held)
	}
	// The first holder kept it by renewing (every expiry - margin = 7 s): no other acquisitions.
	if s := workers[0].state(); s.Acquisitions != 1 || s.Renewals < 8 || !s.storeAnswers {
		t.Fatalf("pod-a: %+v", s)
	}
	for _, w := range workers[1:] {
		if s := w.state(); s.Acquisitions != 0 || s.Holding {
			t.Fatalf("%s: %+v", w.c.owner, s)
		}
	}
}

func TestLockWorkerHandsOver(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	fake := &fakeLockStore{now: clock, store: "lockstore"}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	a, b := newTestWorker(srv, "lockstore", "pod-a", clock), newTestWorker(srv, "lockstore", "pod-b", clock)
	ctx := context.Background()
	a.step(ctx)
	b.step(ctx)
	if !a.holding() || b.holding() {
		t.Fatalf("a=%v b=%v", a.state(), b.state())
	}
	// a stops (SIGTERM): it releases, and b takes the lock on its next round.
	a.release(ctx, "on shutdown")
	if a.holding() || fake.owner != "" {
		t.Fatalf("after release: a=%v store=%q", a.state(), fake.owner)
	}
	b.step(ctx)
	if !b.holding() || fake.owner != "pod-b" {
		t.Fatalf("b did not take over: %+v store=%q", b.state(), fake.owner)
	}
	// A holder that dies without releasing: the lock expires, then b's peer takes it.
	c := newTestWorker(srv, "lockstore", "pod-c", clock)
	now = now.Add(5 * time.Second)
	c.step(ctx)
	if c.holding() {
		t.Fatal("c took a lock b still holds")
	}
	now = now.Add(6 * time.Second) // b's lock (10 s) has expired; b is dead and never renewed
	if b.holding() {
		t.Fatal("b still says it holds an expired lock")
	}
	c.step(ctx)
	if !c.holding() {
		t.Fatalf("c did not take the expired lock: %+v", c.state())
	}
}

func TestLockWorkerWrongStore(t *testing.T) {
	now := time.Now()
	fake := &fakeLockStore{now: func() time.Time { return now }, store: "lockstore"}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	w := newTestWorker(srv, "other-store", "pod-a", time.Now)
	w.step(context.Background())
	s := w.state()
	if s.Holding || s.storeAnswers || !strings.Contains(s.LastError, "HTTP 400") {
		t.Fatalf("%+v", s)
	}
}
