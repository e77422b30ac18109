package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

func envMap(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLeafIdentity(t *testing.T) {
	for _, tc := range []struct {
		env          map[string]string
		host         string
		name         string
		index, count int
	}{
		{map[string]string{"LEAF_INDEX": "2", "LEAF_COUNT": "3", "LEAF_NAME": "leaves-2"}, "x", "leaves-2", 2, 3},
		{map[string]string{"LEAF_COUNT": "4"}, "search-leaves-c8a1-3", "search-leaves-c8a1-3", 3, 4},
		{map[string]string{}, "solo-0", "solo-0", 0, 1},
	} {
		name, index, count, err := leafIdentity(envMap(tc.env), tc.host)
		if err != nil || name != tc.name || index != tc.index || count != tc.count {
			t.Errorf("leafIdentity(%v, %q) = %q, %d, %d, %v", tc.env, tc.host, name, index, count, err)
		}
	}
	for _, bad := range []map[string]string{
		{"LEAF_INDEX": "3", "LEAF_COUNT": "3"},
		{"LEAF_INDEX": "-1", "LEAF_COUNT": "3"},
		{"LEAF_INDEX": "x"},
		{"LEAF_COUNT": "0", "LEAF_INDEX": "0"},
		{"LEAF_NAME": "no-ordinal-here"},
	} {
		if _, _, _, err := leafIdentity(envMap(bad), "pod"); err == nil {
			t.Errorf("leafIdentity(%v): no error", bad)
		}
	}
}

func TestSearchPartitionsCoverTheCorpusOnce(t *testing.T) {
	for count := 1; count <= 5; count++ {
		seen := map[int]int{}
		for i := 0; i < count; i++ {
			ans := searchPartition("pattern", fmt.Sprintf("leaf-%d", i), i, count)
			if len(ans.Documents) == 0 {
				t.Errorf("count %d: partition %d is empty", count, i)
			}
			// "pattern" is in every document: every document of the partition is a hit.
			if len(ans.Hits) != len(ans.Documents) {
				t.Errorf("count %d: partition %d: %d hits for %d documents", count, i, len(ans.Hits), len(ans.Documents))
			}
			for _, h := range ans.Hits {
				if h.ID%count != i || h.LeafIndex != i || h.Leaf != fmt.Sprintf("leaf-%d", i) {
					t.Errorf("count %d: partition %d answered %+v", count, i, h)
				}
			}
			for _, id := range ans.Documents {
				seen[id]++
			}
		}
		if len(seen) != len(searchCorpus) {
			t.Errorf("count %d: partitions hold %d of %d documents", count, len(seen), len(searchCorpus))
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("count %d: document %d is in %d partitions", count, id, n)
			}
		}
	}
}

func TestSearchScoresAndOrders(t *testing.T) {
	ans := searchPartition("Leader election, pattern!", "leaf-0", 0, 1)
	if len(ans.Hits) != len(searchCorpus) {
		t.Fatalf("%d hits, want every document", len(ans.Hits))
	}
	// "Leader election": both words in the title (2 each) and the text (1 each), plus "pattern".
	if h := ans.Hits[0]; h.ID != 3 || h.Score != 7 {
		t.Errorf("best hit %+v, want document 3 with score 7", h)
	}
	for i := 1; i < len(ans.Hits); i++ {
		a, b := ans.Hits[i-1], ans.Hits[i]
		if a.Score < b.Score || (a.Score == b.Score && a.ID > b.ID) {
			t.Errorf("hits out of order: %+v before %+v", a, b)
		}
	}
	if got := searchPartition("nothing-matches-this", "l", 0, 1).Hits; len(got) != 0 {
		t.Errorf("unexpected hits %v", got)
	}
}

func TestReadRootConfig(t *testing.T) {
	cfg, err := readRootConfig(envMap(map[string]string{
		"LEAF_ADDRESSES": "s-0.h:8080, s-1.h:8080,s-2.h:8080", "LEAF_COUNT": "3", "LEAF_TIMEOUT_MS": "750",
	}))
	want := rootConfig{Addresses: []string{"s-0.h:8080", "s-1.h:8080", "s-2.h:8080"}, Count: 3, TimeoutMS: 750}
	if err != nil || !reflect.DeepEqual(cfg, want) {
		t.Errorf("readRootConfig = %+v, %v; want %+v", cfg, err, want)
	}
	if cfg, err := readRootConfig(envMap(map[string]string{"LEAF_ADDRESSES": "a:1"})); err != nil || cfg.TimeoutMS != 2000 || cfg.Count != 1 {
		t.Errorf("defaults: %+v, %v", cfg, err)
	}
	for _, bad := range []map[string]string{
		{},
		{"LEAF_ADDRESSES": "a:1,b:1", "LEAF_COUNT": "3"},
		{"LEAF_ADDRESSES": "a:1,,b:1"},
		{"LEAF_ADDRESSES": "a"},
		{"LEAF_ADDRESSES": "a:0"},
		{"LEAF_ADDRESSES": "a:1", "LEAF_TIMEOUT_MS": "0"},
	} {
		if _, err := readRootConfig(envMap(bad)); err == nil {
			t.Errorf("readRootConfig(%v): no error", bad)
		}
	}
}

// startLeaves runs n leaf servers; delay[i] holds leaf i back.
func startLeaves(t *testing.T, n int, delay map[int]time.Duration) []string {
	t.Helper()
	addrs := make([]string, n)
	for i := 0; i < n; i++ {
		mux := searchLeafMux(fmt.Sprintf("leaves-%d", i), i, n)
		d := delay[i]
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if d > 0 {
				select {
				case <-time.After(d):
				case <-r.Context().Done():
					return
				}
			}
			mux.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		addrs[i] = strings.TrimPrefix(srv.URL, "http://")
	}
	return addrs
}

func getRootAnswer(t *testing.T, srv *httptest.Server, path string) (int, rootAnswer) {
	t.Helper()
	res, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var ans rootAnswer
	if res.StatusCode != http.StatusBadRequest {
		if err := json.Unmarshal(b, &ans); err != nil {
			t.Fatalf("GET %s: %d %q: %v", path, res.StatusCode, b, err)
		}
	}
	return res.StatusCode, ans
}

func TestRootGathersEveryLeaf(t *testing.T) {
	addrs := startLeaves(t, 3, nil)
	srv := httptest.NewServer(searchRootMux(rootConfig{Addresses: addrs, Count: 3, TimeoutMS: 2000}, false, &http.Client{}))
	defer srv.Close()
	code, ans := getRootAnswer(t, srv, "/search?q=pattern")
	if code != 200 || ans.Partial || len(ans.Missing) != 0 {
		t.Fatalf("GET /search = %d %+v", code, ans)
	}
	if !reflect.DeepEqual(ans.Answered, []string{"leaves-0", "leaves-1", "leaves-2"}) {
		t.Errorf("answered %v", ans.Answered)
	}
	if ans.Documents != len(searchCorpus) || ans.TotalHits != len(searchCorpus) || len(ans.Hits) != len(searchCorpus) {
		t.Errorf("documents %d, total hits %d, hits %d; want %d each", ans.Documents, ans.TotalHits, len(ans.Hits), len(searchCorpus))
	}
	ids := []int{}
	for _, h := range ans.Hits {
		if h.LeafIndex != h.ID%3 || h.Leaf != fmt.Sprintf("leaves-%d", h.ID%3) {
			t.Errorf("hit %+v from the wrong leaf", h)
		}
		ids = append(ids, h.ID)
	}
	sort.Ints(ids)
	for i, id := range ids {
		if id != i {
			t.Fatalf("merged ids %v, want each document once", ids)
		}
	}
	for i, l := range ans.ByLeaf {
		if l.Address != addrs[i] || l.Index != i || l.Error != "" || l.Hits != 4 {
			t.Errorf("by_leaf[%d] = %+v", i, l)
		}
	}
	if code, _ := getRootAnswer(t, srv, "/search?q=%20"); code != 400 {
		t.Errorf("empty query: %d, want 400", code)
	}
}

func TestRootFlagsMissingAndSlowLeaves(t *testing.T) {
	addrs := startLeaves(t, 3, map[int]time.Duration{1: 3 * time.Second})
	// Leaf 3 does not exist (nothing listens there).
	dead := httptest.NewServer(http.NotFoundHandler())
	deadAddr := strings.TrimPrefix(dead.URL, "http://")
	dead.Close()
	cfg := rootConfig{Addresses: append(addrs, deadAddr), Count: 4, TimeoutMS: 300}
	// The leaves think there are 3; the root expects 4: every answer is refused as the wrong partition.
	srv := httptest.NewServer(searchRootMux(cfg, false, &http.Client{}))
	defer srv.Close()
	code, ans := getRootAnswer(t, srv, "/search?q=pattern")
	if code != http.StatusBadGateway || len(ans.Answered) != 0 || !ans.Partial {
		t.Errorf("leaf count mismatch: %d %+v", code, ans)
	}
	if !strings.Contains(ans.ByLeaf[0].Error, "says it is partition 0 of 3, expected 0 of 4") {
		t.Errorf("by_leaf[0].error = %q", ans.ByLeaf[0].Error)
	}

	cfg = rootConfig{Addresses: addrs, Count: 3, TimeoutMS: 300}
	for _, requireAll := range []bool{false, true} {
		srv := httptest.NewServer(searchRootMux(cfg, requireAll, &http.Client{}))
		t0 := time.Now()
		code, ans := getRootAnswer(t, srv, "/search?q=pattern")
		srv.Close()
		if d := time.Since(t0); d > 2*time.Second {
			t.Errorf("the slow leaf held the root for %v, the timeout is 300 ms", d)
		}
		want := http.StatusOK
		if requireAll {
			want = http.StatusBadGateway
		}
		if code != want || !ans.Partial || !reflect.DeepEqual(ans.Answered, []string{"leaves-0", "leaves-2"}) || !reflect.DeepEqual(ans.Missing, []string{addrs[1]}) {
			t.Errorf("require-all %v: %d %+v", requireAll, code, ans)
		}
		if !strings.Contains(ans.ByLeaf[1].Error, "no answer within 300 ms") {
			t.Errorf("by_leaf[1].error = %q", ans.ByLeaf[1].Error)
		}
		if ans.Documents != 8 || ans.TotalHits != 8 {
			t.Errorf("documents %d, hits %d; want 8 (two partitions of 4)", ans.Documents, ans.TotalHits)
		}
	}
}

func TestRootLeavesEndpoint(t *testing.T) {
	cfg := rootConfig{Addresses: []string{"s-0.h:8080", "s-1.h:8080"}, Count: 2, TimeoutMS: 2000}
	srv := httptest.NewServer(searchRootMux(cfg, false, &http.Client{}))
	defer srv.Close()
	res, err := http.Get(srv.URL + "/leaves")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var got rootConfig
	if err := json.NewDecoder(res.Body).Decode(&got); err != nil || !reflect.DeepEqual(got, cfg) {
		t.Errorf("GET /leaves = %+v, %v", got, err)
	}
}

func TestLeafErrorsNameTheCause(t *testing.T) {
	for _, tc := range []struct {
		in   error
		want string
	}{
		{&net.DNSError{Err: "no such host", Name: "s-3.h", IsNotFound: true}, "no such host"},
		{&net.DNSError{Err: "i/o timeout", Name: "s-3.h", IsTimeout: true}, "DNS timeout"},
		{&net.DNSError{Err: "server misbehaving", Name: "s-3.h"}, "server misbehaving"},
		{fmt.Errorf("lookup: %w", &net.DNSError{Err: "x", IsNotFound: true}), "no such host"},
	} {
		if got := unwrapDNS(tc.in).Error(); got != tc.want {
			t.Errorf("unwrapDNS(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// A leaf that is not listening: the error names the address and the cause, not the URL.
	dead := httptest.NewServer(http.NotFoundHandler())
	addr := strings.TrimPrefix(dead.URL, "http://")
	dead.Close()
	_, err := askLeaf(context.Background(), &http.Client{}, addr, "q", 0, 1)
	if err == nil || !strings.HasPrefix(err.Error(), "GET "+addr+": ") || !strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "http://") {
		t.Errorf("askLeaf(dead) = %v", err)
	}
}
