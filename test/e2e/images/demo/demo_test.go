package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestEncodeCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"PING"}, "*1\r\n$4\r\nPING\r\n"},
		{[]string{"SET", "k:1", ""}, "*3\r\n$3\r\nSET\r\n$3\r\nk:1\r\n$0\r\n\r\n"},
		{[]string{"SET", "é", "a\r\nb"}, "*3\r\n$3\r\nSET\r\n$2\r\né\r\n$4\r\na\r\nb\r\n"},
	} {
		if got := string(encodeCommand(tc.args)); got != tc.want {
			t.Errorf("encodeCommand(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestReadReply(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want any
	}{
		{"+OK\r\n", "OK"},
		{"-ERR unknown command\r\n", redisError("ERR unknown command")},
		{":42\r\n", int64(42)},
		{":-1\r\n", int64(-1)},
		{"$5\r\nhello\r\n", "hello"},
		{"$4\r\na\r\nb\r\n", "a\r\nb"},
		{"$0\r\n\r\n", ""},
		{"$-1\r\n", nil},
		{"*-1\r\n", nil},
		{"*2\r\n$5\r\nqueue\r\n$6\r\nitem-1\r\n", []any{"queue", "item-1"}},
		{"*2\r\n*1\r\n:1\r\n-ERR x\r\n", []any{[]any{int64(1)}, redisError("ERR x")}},
	} {
		got, err := readReply(bufio.NewReader(strings.NewReader(tc.in)))
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("readReply(%q) = %#v, %v; want %#v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "?x\r\n", "+OK\n", "$5\r\nab\r\n", ":x\r\n"} {
		if _, err := readReply(bufio.NewReader(strings.NewReader(bad))); err == nil {
			t.Errorf("readReply(%q): no error", bad)
		}
	}
}

func TestRedisAddr(t *testing.T) {
	for _, tc := range []struct{ in, addr, password string }{
		{"redis://localhost:6380", "localhost:6380", ""},
		{"redis://queue", "queue:6379", ""},
		{"queue:1234", "queue:1234", ""},
		{"redis://:s3cret@r:1", "r:1", "s3cret"},
		{"redis://[::1]:7000", "[::1]:7000", ""},
	} {
		addr, pw, err := redisAddr(tc.in)
		if err != nil || addr != tc.addr || pw != tc.password {
			t.Errorf("redisAddr(%q) = %q, %q, %v", tc.in, addr, pw, err)
		}
	}
	for _, bad := range []string{"http://x:1", "redis://"} {
		if _, _, err := redisAddr(bad); err == nil {
			t.Errorf("redisAddr(%q): no error", bad)
		}
	}
}

func TestParseLogfmtLast(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     map[string]float64
		wantErr  bool
	}{
		{"last complete line", "a=1\nts=2024-01-01T00:00:00Z invoices_processed=12 queue_depth=3 last_batch_ms=42\npartial=9",
			map[string]float64{"invoices_processed": 12, "queue_depth": 3, "last_batch_ms": 42}, false},
		{"trailing blank lines", "x=1.5 up=true down=false name=foo\n\n\n", map[string]float64{"x": 1.5, "up": 1, "down": 0}, false},
		{"quoted values", `msg="hello world" n="7" esc="a \" b" m=-2e3` + "\n", map[string]float64{"n": 7, "m": -2000}, false},
		{"bare key", "flag n=1\n", map[string]float64{"n": 1}, false},
		{"no complete line", "n=1", nil, true},
		{"empty", "", nil, true},
		{"unterminated quote", "a=\"x\n", nil, true},
		{"empty key", "=1\n", nil, true},
	} {
		got, err := parseLogfmtLast([]byte(tc.in))
		if (err != nil) != tc.wantErr || (!tc.wantErr && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("%s: parseLogfmtLast = %v, %v; want %v (error %v)", tc.name, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestParseJSONMetrics(t *testing.T) {
	got, err := parseJSONMetrics([]byte(`{"identity":"pod-a","leader":true,"transitions":3,"nested":{"a":1.5,"deeper":{"b":false},"s":"x"},"list":[1,2],"nothing":null}`))
	want := map[string]float64{"leader": 1, "transitions": 3, "nested_a": 1.5, "nested_deeper_b": 0}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("parseJSONMetrics = %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"", "[1]", "null", "{", "42"} {
		if _, err := parseJSONMetrics([]byte(bad)); err == nil {
			t.Errorf("parseJSONMetrics(%q): no error", bad)
		}
	}
}

func TestRenderMetrics(t *testing.T) {
	got := renderMetrics(source{
		Prefix: "billing", Origin: "/var/log/status.log", Up: true, HasAge: true, AgeSeconds: 1.25,
		Fields: map[string]float64{"queue_depth": 3, "invoices_processed": 1234567, "http.requests-total": 5, "http_requests_total": 6, "ratio": 0.5},
	})
	want := `# HELP billing_http_requests_total Field "http.requests-total" of /var/log/status.log.
# TYPE billing_http_requests_total gauge
billing_http_requests_total 5
# HELP billing_invoices_processed Field "invoices_processed" of /var/log/status.log.
# TYPE billing_invoices_processed gauge
billing_invoices_processed 1234567
# HELP billing_queue_depth Field "queue_depth" of /var/log/status.log.
# TYPE billing_queue_depth gauge
billing_queue_depth 3
# HELP billing_ratio Field "ratio" of /var/log/status.log.
# TYPE billing_ratio gauge
billing_ratio 0.5
# HELP billing_source_age_seconds Seconds since the source file was last modified.
# TYPE billing_source_age_seconds gauge
billing_source_age_seconds 1.25
# HELP billing_source_up 1 when the source file could be read and parsed, else 0.
# TYPE billing_source_up gauge
billing_source_up 1
`
	if got != want {
		t.Errorf("renderMetrics:\n%s\nwant:\n%s", got, want)
	}
	down := renderMetrics(source{Prefix: "app", Origin: "x"})
	wantDown := "# HELP app_source_up 1 when the source file could be read and parsed, else 0.\n# TYPE app_source_up gauge\napp_source_up 0\n"
	if down != wantDown {
		t.Errorf("renderMetrics (down) = %q", down)
	}
}

func TestSanitizeMetricName(t *testing.T) {
	for in, want := range map[string]string{"ok_name:x": "ok_name:x", "9lives": "_lives", "a-b.c d": "a_b_c_d", "": "_", "é": "__", "x9": "x9"} {
		if got := sanitizeMetricName(in); got != want {
			t.Errorf("sanitizeMetricName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecideLease(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	held := func(holder string) *leaseSpec { return &leaseSpec{HolderIdentity: holder, LeaseDurationSeconds: 15} }
	for _, tc := range []struct {
		name     string
		spec     *leaseSpec
		observed time.Time
		now      time.Time
		want     leaseAction
	}{
		{"no lease", nil, t0, t0, leaseCreate},
		{"ours", held("me"), t0, t0.Add(time.Hour), leaseRenew},
		{"theirs, fresh", held("other"), t0, t0.Add(14 * time.Second), leaseFollow},
		{"theirs, expired", held("other"), t0, t0.Add(15 * time.Second), leaseTakeOver},
		{"released", held(""), t0, t0, leaseTakeOver},
		{"no duration", &leaseSpec{HolderIdentity: "other"}, t0, t0, leaseTakeOver},
	} {
		if got := decideLease(tc.spec, "me", tc.observed, tc.now); got != tc.want {
			t.Errorf("%s: decideLease = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestLabelSelector(t *testing.T) {
	for _, tc := range []struct {
		in   map[string]string
		want string
	}{
		{map[string]string{"app.kubernetes.io/name": "webapp", "app.kubernetes.io/part-of": "config-watcher"}, "app.kubernetes.io/name=webapp,app.kubernetes.io/part-of=config-watcher"},
		{map[string]string{"b": "2", "a": "1"}, "a=1,b=2"},
		{map[string]string{}, ""},
	} {
		if got := labelSelector(tc.in); got != tc.want {
			t.Errorf("labelSelector(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseSleep(t *testing.T) {
	for in, want := range map[string]time.Duration{"10": 10 * time.Second, "1.5": 1500 * time.Millisecond, "2m": 2 * time.Minute, "0": 0} {
		if got, err := parseSleep(in); err != nil || got != want {
			t.Errorf("parseSleep(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := parseSleep("x"); err == nil {
		t.Error("parseSleep(x): no error")
	}
}

func TestDatabaseURL(t *testing.T) {
	t.Setenv("PGUSER", "")
	t.Setenv("PGSSLMODE", "")
	for in, want := range map[string]string{
		"postgres://postgres:5432/orders":          "postgres://postgres@postgres:5432/orders?connect_timeout=5&sslmode=disable",
		"postgres://app@db/orders?sslmode=require": "postgres://app@db/orders?connect_timeout=5&sslmode=require",
		"postgresql://u:p@db/x?connect_timeout=1":  "postgresql://u:p@db/x?connect_timeout=1&sslmode=disable",
	} {
		t.Setenv("DATABASE_URL", in)
		if got, err := databaseURL(); err != nil || got != want {
			t.Errorf("databaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	t.Setenv("DATABASE_URL", "mysql://x")
	if _, err := databaseURL(); err == nil {
		t.Error("databaseURL(mysql://): no error")
	}
}

func TestWriteJSONAtomic(t *testing.T) {
	path := t.TempDir() + "/status.json"
	for i := range 2 {
		if err := writeJSONAtomic(path, leaderStatus{Identity: "a", Ticks: i}); err != nil {
			t.Fatal(err)
		}
	}
	var st leaderStatus
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &st); err != nil || st.Ticks != 1 {
		t.Errorf("status file = %s, %v", data, err)
	}
}

// fakeAPI is a tiny API server: objects by path, with resourceVersion checks on PUT.
type fakeAPI struct {
	mu       sync.Mutex
	objects  map[string]map[string]any
	rv       int
	requests []string // "METHOD path [content-type]"
	bodies   map[string][]map[string]any
	failPut  bool
}

func newFakeAPI(t *testing.T) (*fakeAPI, *kubeClient) {
	f := &fakeAPI{objects: map[string]map[string]any{}, bodies: map[string][]map[string]any{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, &kubeClient{base: srv.URL, http: srv.Client()}
}

func (f *fakeAPI) put(path string, obj map[string]any) {
	f.rv++
	meta, _ := obj["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		obj["metadata"] = meta
	}
	meta["resourceVersion"] = strconv.Itoa(f.rv)
	if meta["uid"] == nil {
		meta["uid"] = "uid-" + strconv.Itoa(f.rv)
	}
	f.objects[path] = obj
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, strings.TrimSpace(r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Content-Type")))
	var body map[string]any
	if data, _ := io.ReadAll(r.Body); len(data) > 0 {
		json.Unmarshal(data, &body)
		f.bodies[r.Method+" "+r.URL.Path] = append(f.bodies[r.Method+" "+r.URL.Path], body)
	}
	reply := func(status int, v any) {
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	path := r.URL.Path
	switch r.Method {
	case http.MethodGet:
		if obj, found := f.objects[path]; found {
			reply(200, obj)
			return
		}
		if items, found := f.objects[path+"?list"]; found {
			reply(200, items)
			return
		}
		reply(404, map[string]any{"kind": "Status", "code": 404})
	case http.MethodPost:
		name, _ := body["metadata"].(map[string]any)["name"].(string)
		if name == "" { // generateName
			name = "generated-" + strconv.Itoa(f.rv+1)
		}
		if _, found := f.objects[path+"/"+name]; found {
			reply(409, map[string]any{"kind": "Status", "reason": "AlreadyExists"})
			return
		}
		f.put(path+"/"+name, body)
		reply(201, body)
	case http.MethodPut:
		old, found := f.objects[path]
		if !found {
			reply(404, nil)
			return
		}
		if f.failPut {
			reply(500, map[string]any{"kind": "Status"})
			return
		}
		if body["metadata"].(map[string]any)["resourceVersion"] != old["metadata"].(map[string]any)["resourceVersion"] {
			reply(409, map[string]any{"kind": "Status", "reason": "Conflict"})
			return
		}
		f.put(path, body)
		reply(200, body)
	case http.MethodDelete:
		delete(f.objects, path)
		reply(200, map[string]any{"kind": "Status"})
	case http.MethodPatch:
		reply(200, body)
	}
}

// leaseSpecAt reads the Lease's spec from the fake API.
func (f *fakeAPI) leaseSpecAt(path string) leaseSpec {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, _ := json.Marshal(f.objects[path])
	var l lease
	json.Unmarshal(data, &l)
	return l.Spec
}

func TestElector(t *testing.T) {
	api, kube := newFakeAPI(t)
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a := &elector{kube: kube, namespace: "ns", name: "lock", id: "pod-a", leaseDuration: 15 * time.Second, now: clock}
	b := &elector{kube: kube, namespace: "ns", name: "lock", id: "pod-b", leaseDuration: 15 * time.Second, now: clock}
	path := "/apis/coordination.k8s.io/v1/namespaces/ns/leases/lock"
	ctx := context.Background()
	step := func(e *elector, want bool) {
		t.Helper()
		got, err := e.tryAcquireOrRenew(ctx)
		if err != nil || got != want {
			t.Fatalf("%s at %s: tryAcquireOrRenew = %v, %v; want %v", e.id, now.Format(time.TimeOnly), got, err, want)
		}
	}

	step(a, true) // creates the Lease
	if s := api.leaseSpecAt(path); s.HolderIdentity != "pod-a" || s.LeaseDurationSeconds != 15 || s.LeaseTransitions != 0 || !s.RenewTime.Equal(now) {
		t.Fatalf("created lease = %+v", s)
	}
	step(b, false) // follows
	now = now.Add(2 * time.Second)
	step(a, true) // renews
	if a.renewals != 1 || !api.leaseSpecAt(path).RenewTime.Equal(now) {
		t.Fatalf("renewals = %d, lease %+v", a.renewals, api.leaseSpecAt(path))
	}

	// A stops renewing: B takes over only once the lease expired by B's own clock.
	now = now.Add(10 * time.Second)
	step(b, false) // B sees the record changed: its clock starts now
	now = now.Add(14 * time.Second)
	step(b, false)
	now = now.Add(1 * time.Second)
	step(b, true)
	s := api.leaseSpecAt(path)
	if s.HolderIdentity != "pod-b" || s.LeaseTransitions != 1 || !s.AcquireTime.Equal(now) {
		t.Fatalf("after take-over: %+v", s)
	}
	step(a, false) // A sees B holding

	// A stale write loses with 409 and is no error.
	stale := *b.observed
	stale.Metadata = map[string]any{"name": "lock", "namespace": "ns", "resourceVersion": "1"}
	if err := kube.put(ctx, path, &stale, nil); !isStatus(err, 409) {
		t.Fatalf("stale PUT: %v", err)
	}

	// B releases; A takes over at once.
	if released, err := b.release(ctx); err != nil || !released {
		t.Fatalf("release = %v, %v", released, err)
	}
	if s := api.leaseSpecAt(path); s.HolderIdentity != "" || s.LeaseDurationSeconds != 1 || s.LeaseTransitions != 1 {
		t.Fatalf("released lease = %+v", s)
	}
	step(a, true)
	if s := api.leaseSpecAt(path); s.HolderIdentity != "pod-a" || s.LeaseTransitions != 2 {
		t.Fatalf("after release: %+v", s)
	}
	if released, err := b.release(ctx); err != nil || released {
		t.Fatalf("release by a non-holder = %v, %v", released, err)
	}
}

func TestElectionLoop(t *testing.T) {
	api, kube := newFakeAPI(t)
	el := &elector{kube: kube, namespace: "ns", name: "lock", id: "pod-a", leaseDuration: 15 * time.Second, now: time.Now}
	statusFile := t.TempDir() + "/status.json"
	r := &reconcilerState{st: leaderStatus{Identity: "pod-a"}, statusFile: statusFile}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		electionLoop(ctx, el, 100*time.Millisecond, 20*time.Millisecond, r)
		close(done)
	}()
	waitFor(t, func() bool { s, ready := r.snapshot(); return s.Leader && s.Renewals >= 2 && ready })
	waitFor(t, func() bool {
		api.mu.Lock()
		defer api.mu.Unlock()
		return len(api.bodies["POST /api/v1/namespaces/ns/events"]) == 1
	})
	cancel() // SIGTERM
	<-done
	if s := api.leaseSpecAt("/apis/coordination.k8s.io/v1/namespaces/ns/leases/lock"); s.HolderIdentity != "" || s.LeaseDurationSeconds != 1 {
		t.Errorf("lease after shutdown = %+v", s)
	}
	var st leaderStatus
	data, _ := os.ReadFile(statusFile)
	if err := json.Unmarshal(data, &st); err != nil || st.Leader || st.Identity != "pod-a" || st.Renewals < 2 {
		t.Errorf("status file after release = %s, %v", data, err)
	}
	ev := api.bodies["POST /api/v1/namespaces/ns/events"][0]
	involved := ev["involvedObject"].(map[string]any)
	if ev["reason"] != "LeaderElection" || ev["message"] != "pod-a became leader" || ev["type"] != "Normal" || involved["kind"] != "Lease" || involved["name"] != "lock" || involved["uid"] == nil {
		t.Errorf("event = %v", ev)
	}

	// A leader whose renewals fail steps down after the renew deadline.
	api2, kube2 := newFakeAPI(t)
	el2 := &elector{kube: kube2, namespace: "ns", name: "lock", id: "pod-b", leaseDuration: 15 * time.Second, now: time.Now}
	r2 := &reconcilerState{}
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	go electionLoop(ctx2, el2, 100*time.Millisecond, 20*time.Millisecond, r2)
	waitFor(t, func() bool { s, _ := r2.snapshot(); return s.Leader })
	api2.mu.Lock()
	api2.failPut = true
	api2.mu.Unlock()
	waitFor(t, func() bool { s, _ := r2.snapshot(); return !s.Leader })
}

func TestConfigWatcherPass(t *testing.T) {
	api, kube := newFakeAPI(t)
	cwList := "/apis/k8spatterns.com/v1/namespaces/ns/configwatchers"
	api.objects[cwList+"?list"] = map[string]any{"items": []any{map[string]any{
		"metadata": map[string]any{"name": "w", "uid": "u1"},
		"spec":     map[string]any{"configMap": "cfg", "podSelector": map[string]any{"app": "web", "tier": "front"}},
		"status":   map[string]any{"restarts": 2},
	}}}
	api.put("/api/v1/namespaces/ns/configmaps/cfg", map[string]any{"metadata": map[string]any{"name": "cfg"}})
	api.objects["/api/v1/namespaces/ns/pods?list"] = map[string]any{"items": []any{
		map[string]any{"metadata": map[string]any{"name": "web-1"}},
		map[string]any{"metadata": map[string]any{"name": "web-2"}},
		map[string]any{"metadata": map[string]any{"name": "web-3", "deletionTimestamp": "2025-01-01T00:00:00Z"}},
	}}
	op := &configWatcherOperator{kube: kube, namespace: "ns"}
	ctx := context.Background()
	op.pass(ctx) // first sight: remember only
	op.pass(ctx) // unchanged
	if !op.ready.Load() {
		t.Fatal("not ready after a list")
	}
	for _, r := range api.requests {
		if !strings.HasPrefix(r, "GET ") {
			t.Fatalf("unexpected request before a change: %s", r)
		}
	}
	api.put("/api/v1/namespaces/ns/configmaps/cfg", map[string]any{"metadata": map[string]any{"name": "cfg"}}) // a new resourceVersion
	api.requests = nil
	op.pass(ctx)
	want := []string{
		"GET /apis/k8spatterns.com/v1/namespaces/ns/configwatchers",
		"GET /api/v1/namespaces/ns/configmaps/cfg",
		"GET /api/v1/namespaces/ns/pods?labelSelector=app%3Dweb%2Ctier%3Dfront",
		"DELETE /api/v1/namespaces/ns/pods/web-1",
		"DELETE /api/v1/namespaces/ns/pods/web-2",
		"PATCH /apis/k8spatterns.com/v1/namespaces/ns/configwatchers/w/status application/merge-patch+json",
	}
	if !reflect.DeepEqual(api.requests, want) {
		t.Fatalf("requests:\n%s\nwant:\n%s", strings.Join(api.requests, "\n"), strings.Join(want, "\n"))
	}
	status := api.bodies["PATCH "+cwList+"/w/status"][0]["status"].(map[string]any)
	if status["restarts"] != float64(4) || status["lastRestart"] == "" {
		t.Errorf("status patch = %v", status)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestHTTPServiceBurn(t *testing.T) {
	srv := httptest.NewServer(httpServiceMux("elastic-web", "pod-a"))
	defer srv.Close()
	get := func(path string) (int, string) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := get("/"); code != 200 || body != "elastic-web on pod-a\n" {
		t.Errorf("GET / = %d %q", code, body)
	}
	t0 := time.Now()
	if code, body := get("/burn?ms=120"); code != 200 || body != "burned 120 ms on pod-a\n" {
		t.Errorf("GET /burn?ms=120 = %d %q", code, body)
	}
	if d := time.Since(t0); d < 120*time.Millisecond || d > 2*time.Second {
		t.Errorf("GET /burn?ms=120 took %v", d)
	}
	if code, body := get("/burn?ms=1"); code != 200 || body != "burned 1 ms on pod-a\n" {
		t.Errorf("GET /burn?ms=1 = %d %q", code, body)
	}
	for _, bad := range []string{"/burn", "/burn?ms=0", "/burn?ms=-5", "/burn?ms=2001", "/burn?ms=1.5", "/burn?ms=x"} {
		if code, body := get(bad); code != 400 || body != "ms must be an integer from 1 to 2000\n" {
			t.Errorf("GET %s = %d %q, want 400", bad, code, body)
		}
	}
	res, err := http.Post(srv.URL+"/burn?ms=10", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /burn = %d, want 405", res.StatusCode)
	}
}

func TestBurnUsesCPU(t *testing.T) {
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	burn(200 * time.Millisecond)
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
	// It spins, it does not sleep: most of the 200 ms are CPU time (a busy CI machine takes some).
	if cpu < 100*time.Millisecond {
		t.Errorf("burn(200ms) used %v of CPU, want most of 200ms", cpu)
	}
}
