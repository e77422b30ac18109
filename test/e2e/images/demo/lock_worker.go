// lock-worker: takes one distributed lock through a Dapr sidecar's HTTP lock API (alpha in
// Dapr 1.18: POST LOCK_URL {resourceId, lockOwner, expiryInSeconds} answers {"success": bool};
// POST UNLOCK_URL {resourceId, lockOwner} answers {"status": 0 released, 1 no such lock, 2 held
// by another owner, 3 error}) and reports whether it holds it. Used by the dapr-lock example.
//
// Dapr's lock cannot be renewed: a holder says it holds the lock only until `margin` before the
// lock expires, then releases it and takes it again at once (or loses it, when another owner was
// faster). So at no time do two workers say they hold it, as long as the store honours the lock.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

// lockClient calls the sidecar's lock API.
type lockClient struct {
	lockURL, unlockURL string
	resource, owner    string
	expiry             int
	http               *http.Client
}

// post sends body as JSON and decodes a 200 answer into out; other statuses are errors.
func (c *lockClient) post(ctx context.Context, url string, body, out any) error {
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d: %s", url, res.StatusCode, bytes.TrimSpace(data))
	}
	return json.Unmarshal(data, out)
}

// tryLock takes the lock; false when another owner holds it.
func (c *lockClient) tryLock(ctx context.Context) (bool, error) {
	var r struct {
		Success bool `json:"success"`
	}
	err := c.post(ctx, c.lockURL, map[string]any{"resourceId": c.resource, "lockOwner": c.owner, "expiryInSeconds": c.expiry}, &r)
	return r.Success, err
}

// unlock releases the lock; it returns Dapr's status (0 released, 1 no such lock, 2 not ours).
func (c *lockClient) unlock(ctx context.Context) (int, error) {
	var r struct {
		Status int `json:"status"`
	}
	err := c.post(ctx, c.unlockURL, map[string]any{"resourceId": c.resource, "lockOwner": c.owner}, &r)
	return r.Status, err
}

// lockState is what GET /lock reports.
type lockState struct {
	Owner        string    `json:"owner"`
	ResourceID   string    `json:"resourceId"`
	Holding      bool      `json:"holding"`
	Since        time.Time `json:"since,omitzero"`
	Until        time.Time `json:"until,omitzero"`
	Acquisitions int       `json:"acquisitions"`
	Renewals     int       `json:"renewals"`
	LastError    string    `json:"lastError,omitempty"`
	storeAnswers bool
}

// lockWorker keeps competing for the lock and serves its state.
type lockWorker struct {
	c        *lockClient
	margin   time.Duration
	interval time.Duration
	now      func() time.Time

	mu sync.Mutex
	st lockState
}

// holding says whether the worker holds the lock now (and stops saying so at `until`).
func (w *lockWorker) holding() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.st.Holding && w.now().Before(w.st.Until)
}

func (w *lockWorker) state() lockState {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.st
	s.Holding = s.Holding && w.now().Before(s.Until)
	return s
}

// acquire tries to take the lock; renew says the worker just released its own to take it again.
func (w *lockWorker) acquire(ctx context.Context, renew bool) {
	sent := w.now()
	ok, err := w.c.tryLock(ctx)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.st.LastError, w.st.storeAnswers = err.Error(), false
		logf("error: lock %s: %v", w.c.resource, err)
		return
	}
	w.st.LastError, w.st.storeAnswers = "", true
	switch {
	case ok && renew:
		w.st.Holding, w.st.Until = true, sent.Add(time.Duration(w.c.expiry)*time.Second-w.margin)
		w.st.Renewals++
	case ok:
		w.st.Holding, w.st.Since, w.st.Until = true, sent, sent.Add(time.Duration(w.c.expiry)*time.Second-w.margin)
		w.st.Acquisitions++
		logf("acquired lock %s as %s (expires in %ds)", w.c.resource, w.c.owner, w.c.expiry)
	case renew:
		logf("lost lock %s: another owner took it while it was being renewed", w.c.resource)
	}
}

// release gives the lock up; the worker stops saying it holds it before the call.
func (w *lockWorker) release(ctx context.Context, why string) {
	w.mu.Lock()
	w.st.Holding = false
	w.mu.Unlock()
	status, err := w.c.unlock(ctx)
	if err != nil {
		logf("error: unlock %s: %v", w.c.resource, err)
		return
	}
	if why != "" {
		logf("released lock %s %s (status %d)", w.c.resource, why, status)
	}
}

// step is one round: renew a lock about to expire, or try to take it.
func (w *lockWorker) step(ctx context.Context) {
	w.mu.Lock()
	held, due := w.st.Holding, !w.now().Before(w.st.Until)
	w.mu.Unlock()
	switch {
	case held && !due:
	case held:
		w.release(ctx, "")
		w.acquire(ctx, true)
	default:
		w.acquire(ctx, false)
	}
}

func lockWorkerRole(args []string) int {
	fs := newFlags()
	listen := fs.String("listen", listenAddr("8080"), "address of GET /lock, /healthz and /ready")
	expiry := fs.Int("expiry", 10, "expiryInSeconds of each lock")
	margin := fs.Duration("margin", 3*time.Second, "stop saying it holds the lock this long before it expires, and take it again")
	interval := fs.Duration("interval", time.Second, "how often to try to take the lock")
	if !parseFlags(fs, args) {
		return 2
	}
	if *expiry < 1 || *margin <= 0 || *margin >= time.Duration(*expiry)*time.Second || *interval <= 0 || *interval >= *margin {
		fmt.Fprintf(os.Stderr, "%s: need expiry >= 1, 0 < interval < margin < expiry\n", roleName)
		return 2
	}
	c := &lockClient{
		lockURL: os.Getenv("LOCK_URL"), unlockURL: os.Getenv("UNLOCK_URL"),
		resource: os.Getenv("LOCK_RESOURCE_ID"), owner: envOr("LOCK_OWNER", hostname()),
		expiry: *expiry, http: &http.Client{Timeout: 2 * time.Second},
	}
	if c.lockURL == "" || c.unlockURL == "" || c.resource == "" {
		fmt.Fprintf(os.Stderr, "%s: LOCK_URL, UNLOCK_URL and LOCK_RESOURCE_ID must be set\n", roleName)
		return 2
	}
	w := &lockWorker{c: c, margin: *margin, interval: *interval, now: time.Now}
	w.st.Owner, w.st.ResourceID = c.owner, c.resource
	ctx := signalContext()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /lock", func(rw http.ResponseWriter, _ *http.Request) { jsonReply(rw, http.StatusOK, w.state()) })
	mux.HandleFunc("GET /healthz", ok)
	// Ready once the lock store answered through the sidecar (held or not).
	mux.HandleFunc("GET /ready", readiness(func() bool { return w.state().storeAnswers }))
	done, err := startHTTP(ctx, *listen, mux)
	if err != nil {
		logf("error: %v", err)
		return 1
	}
	logf("competing for lock %s as %s through %s", c.resource, c.owner, c.lockURL)
	for {
		w.step(ctx)
		if !sleepCtx(ctx, *interval) {
			break
		}
	}
	if w.holding() {
		// Hand the lock over at once instead of letting it expire (the sidecar still runs: a
		// native sidecar stops after the application).
		rctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		w.release(rctx, "on shutdown")
		cancel()
	}
	return exitCode(done)
}
