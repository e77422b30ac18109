// Roles search-leaf and search-root: the scatter/gather example (examples/search).
//   - search-leaf serves one partition of a small built-in corpus: document d belongs to leaf
//     d mod LEAF_COUNT. GET /search?q=... answers the partition's matching documents, each
//     marked with the leaf's name and index, so the root and the tests see who answered what.
//   - search-root sends each query to every leaf of LEAF_ADDRESSES at once, waits at most
//     LEAF_TIMEOUT_MS for each, and merges the hits by score. Its answer names the leaves that
//     answered and the ones that did not ("partial": true).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// searchDoc is one document of the built-in corpus; its partition is ID mod the leaf count.
type searchDoc struct {
	ID    int
	Title string
	Text  string
}

// searchCorpus: twelve short documents, each mentioning "pattern", so that the query "pattern"
// matches every document and thus every partition.
var searchCorpus = []searchDoc{
	{0, "Sidecar", "A sidecar pattern adds a helper container beside the application container in one pod."},
	{1, "Ambassador", "The ambassador pattern proxies the application's connections to the outside world through localhost."},
	{2, "Adapter", "The adapter pattern turns an application's output into the format the monitoring system expects."},
	{3, "Leader election", "Leader election is a pattern in which one of several replicas holds a lease and does the work."},
	{4, "Work queue", "The work queue pattern lets a pool of workers take items from a queue until it is empty."},
	{5, "Scatter/gather", "Scatter/gather is a pattern in which a root sends a request to every leaf and merges their answers."},
	{6, "Sharded service", "A sharded service pattern splits the data into shards, each served by its own replica."},
	{7, "Stateful service", "The stateful service pattern gives every replica a stable name and a volume of its own."},
	{8, "Immutable configuration", "Immutable configuration is a pattern that ships configuration in an image of its own."},
	{9, "Health probe", "The health probe pattern lets the platform check whether a container is alive and ready."},
	{10, "Elastic scale", "The elastic scale pattern adds replicas under load and removes them when the load is gone."},
	{11, "Network segmentation", "Network segmentation is a pattern that denies traffic between pods unless a policy allows it."},
}

// searchHit is one matching document as leaves and the root answer it.
type searchHit struct {
	ID        int    `json:"id"`
	Title     string `json:"title"`
	Score     int    `json:"score"`
	Leaf      string `json:"leaf"`
	LeafIndex int    `json:"leaf_index"`
}

// leafAnswer is a leaf's answer to GET /search.
type leafAnswer struct {
	Leaf      string      `json:"leaf"`
	Index     int         `json:"index"`
	Count     int         `json:"count"`
	Query     string      `json:"query"`
	Documents []int       `json:"documents"` // the IDs of the leaf's partition (what it searched)
	Hits      []searchHit `json:"hits"`
}

var nonWord = regexp.MustCompile(`[^\p{L}\p{N}]+`)

// searchTerms splits text into lower-case words.
func searchTerms(s string) []string {
	var out []string
	for _, w := range nonWord.Split(strings.ToLower(s), -1) {
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// partitionIDs lists the documents of partition index of count, in ID order.
func partitionIDs(index, count int) []int {
	ids := []int{}
	for _, d := range searchCorpus {
		if d.ID%count == index {
			ids = append(ids, d.ID)
		}
	}
	return ids
}

// searchPartition answers a query over one partition: a document's score is how often the query's
// words occur in its title (twice) and text; documents scoring 0 are left out. Hits are ordered
// by score, then ID.
func searchPartition(query, leaf string, index, count int) leafAnswer {
	terms := searchTerms(query)
	ans := leafAnswer{Leaf: leaf, Index: index, Count: count, Query: query, Documents: partitionIDs(index, count), Hits: []searchHit{}}
	for _, d := range searchCorpus {
		if d.ID%count != index {
			continue
		}
		score := 0
		for _, t := range terms {
			for _, w := range searchTerms(d.Title) {
				if w == t {
					score += 2
				}
			}
			for _, w := range searchTerms(d.Text) {
				if w == t {
					score++
				}
			}
		}
		if score > 0 {
			ans.Hits = append(ans.Hits, searchHit{ID: d.ID, Title: d.Title, Score: score, Leaf: leaf, LeafIndex: index})
		}
	}
	sortHits(ans.Hits)
	return ans
}

func sortHits(h []searchHit) {
	sort.SliceStable(h, func(i, j int) bool {
		if h[i].Score != h[j].Score {
			return h[i].Score > h[j].Score
		}
		return h[i].ID < h[j].ID
	})
}

var trailingOrdinal = regexp.MustCompile(`-(\d+)$`)

// leafIdentity reads a leaf's name (LEAF_NAME, else the host name), its index (LEAF_INDEX, else
// the ordinal at the end of its name, as a StatefulSet names its pods) and the leaf count
// (LEAF_COUNT, default 1).
func leafIdentity(getenv func(string) string, host string) (name string, index, count int, err error) {
	name = getenv("LEAF_NAME")
	if name == "" {
		name = host
	}
	count = 1
	if v := getenv("LEAF_COUNT"); v != "" {
		if count, err = strconv.Atoi(v); err != nil || count < 1 {
			return "", 0, 0, fmt.Errorf("LEAF_COUNT %q is not a whole number of at least 1", v)
		}
	}
	v := getenv("LEAF_INDEX")
	if v == "" {
		m := trailingOrdinal.FindStringSubmatch(name)
		if m == nil {
			return "", 0, 0, fmt.Errorf("no LEAF_INDEX, and the name %q does not end in -<ordinal>", name)
		}
		v = m[1]
	}
	if index, err = strconv.Atoi(v); err != nil || index < 0 {
		return "", 0, 0, fmt.Errorf("LEAF_INDEX %q is not a whole number of at least 0", v)
	}
	if index >= count {
		return "", 0, 0, fmt.Errorf("LEAF_INDEX %d is not below LEAF_COUNT %d", index, count)
	}
	return name, index, count, nil
}

func searchLeaf(args []string) int {
	fs := newFlags()
	listen := fs.String("listen", listenAddr("8080"), "HTTP listen address")
	if !parseFlags(fs, args) {
		return 2
	}
	name, index, count, err := leafIdentity(os.Getenv, hostname())
	if err != nil {
		logf("error: %v", err)
		return 1
	}
	logf("leaf %s serving partition %d of %d: documents %v", name, index, count, partitionIDs(index, count))
	return serveUntilSignal(signalContext(), *listen, searchLeafMux(name, index, count))
}

func searchLeafMux(name string, index, count int) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", ok)
	mux.HandleFunc("GET /ready", ok)
	mux.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query().Get("q")
		if strings.TrimSpace(q) == "" {
			text(w, http.StatusBadRequest, "q is required")
			return
		}
		jsonReply(w, http.StatusOK, searchPartition(q, name, index, count))
	})
	return mux
}

// rootConfig is what the ScatterGather construct writes into the root's environment.
type rootConfig struct {
	Addresses []string `json:"addresses"`
	Count     int      `json:"count"`
	TimeoutMS int      `json:"timeout_ms"`
}

// readRootConfig reads LEAF_ADDRESSES (required: host:port, comma-separated), LEAF_COUNT (when
// set, the number of addresses) and LEAF_TIMEOUT_MS (default 2000).
func readRootConfig(getenv func(string) string) (rootConfig, error) {
	c := rootConfig{TimeoutMS: 2000}
	raw := getenv("LEAF_ADDRESSES")
	if strings.TrimSpace(raw) == "" {
		return c, errors.New("LEAF_ADDRESSES is not set")
	}
	for _, a := range strings.Split(raw, ",") {
		a = strings.TrimSpace(a)
		i := strings.LastIndex(a, ":")
		if i <= 0 || i == len(a)-1 {
			return c, fmt.Errorf("LEAF_ADDRESSES: %q is not host:port", a)
		}
		if p, err := strconv.Atoi(a[i+1:]); err != nil || p < 1 || p > 65535 {
			return c, fmt.Errorf("LEAF_ADDRESSES: %q has no valid port", a)
		}
		c.Addresses = append(c.Addresses, a)
	}
	c.Count = len(c.Addresses)
	if v := getenv("LEAF_COUNT"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n != c.Count {
			return c, fmt.Errorf("LEAF_COUNT %q does not match the %d LEAF_ADDRESSES", v, c.Count)
		}
	}
	if v := getenv("LEAF_TIMEOUT_MS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, fmt.Errorf("LEAF_TIMEOUT_MS %q is not a whole number of at least 1", v)
		}
		c.TimeoutMS = n
	}
	return c, nil
}

// leafResult is one leaf's part of the root's answer.
type leafResult struct {
	Address   string `json:"address"`
	Leaf      string `json:"leaf,omitempty"`
	Index     int    `json:"index"`
	Documents []int  `json:"documents,omitempty"`
	Hits      int    `json:"hits"`
	MS        int64  `json:"ms"`
	Error     string `json:"error,omitempty"`
}

// rootAnswer is the root's answer to GET /search.
type rootAnswer struct {
	Query     string       `json:"query"`
	Leaves    int          `json:"leaves"`
	Answered  []string     `json:"answered"`
	Missing   []string     `json:"missing"` // addresses of the leaves that did not answer
	Partial   bool         `json:"partial"`
	Documents int          `json:"documents"` // documents searched, over every leaf that answered
	TotalHits int          `json:"total_hits"`
	Hits      []searchHit  `json:"hits"`
	ByLeaf    []leafResult `json:"by_leaf"`
}

// askLeaf sends the query to one leaf and checks that the answer is the partition that address
// serves: leaf i of LEAF_ADDRESSES must say it is index i of count.
func askLeaf(ctx context.Context, client *http.Client, addr, query string, want, count int) (leafAnswer, error) {
	var ans leafAnswer
	// Resolve first, so that an error says whether the name or the leaf failed.
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ans, err
	}
	if net.ParseIP(host) == nil {
		ips, err := net.DefaultResolver.LookupHost(ctx, host)
		if err != nil {
			return ans, fmt.Errorf("resolving %s: %w", host, unwrapDNS(err))
		}
		host = ips[0]
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/search?q="+url.QueryEscape(query), nil)
	if err != nil {
		return ans, err
	}
	res, err := client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // the cause, without the URL
		}
		return ans, fmt.Errorf("GET %s: %w", net.JoinHostPort(host, port), err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return ans, err
	}
	if res.StatusCode != http.StatusOK {
		return ans, fmt.Errorf("HTTP %d: %s", res.StatusCode, strings.TrimSpace(string(body)))
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		return ans, fmt.Errorf("not a leaf answer: %v", err)
	}
	if ans.Index != want || ans.Count != count {
		return ans, fmt.Errorf("leaf %s says it is partition %d of %d, expected %d of %d", ans.Leaf, ans.Index, ans.Count, want, count)
	}
	return ans, nil
}

// unwrapDNS shortens a resolver error to its cause ("no such host", "i/o timeout", ...).
func unwrapDNS(err error) error {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		switch {
		case dnsErr.IsNotFound:
			return errors.New("no such host")
		case dnsErr.IsTimeout:
			return errors.New("DNS timeout")
		}
		return errors.New(dnsErr.Err)
	}
	return err
}

// gather scatters the query to every leaf at once and merges the answers that arrive within the
// timeout (each leaf gets the whole timeout, measured from the start).
func gather(ctx context.Context, client *http.Client, cfg rootConfig, query string) rootAnswer {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(cfg.TimeoutMS)*time.Millisecond)
	defer cancel()
	results := make([]leafResult, len(cfg.Addresses))
	answers := make([]leafAnswer, len(cfg.Addresses))
	var wg sync.WaitGroup
	for i, addr := range cfg.Addresses {
		wg.Add(1)
		go func(i int, addr string) {
			defer wg.Done()
			t0 := time.Now()
			ans, err := askLeaf(ctx, client, addr, query, i, cfg.Count)
			r := leafResult{Address: addr, Index: i, MS: time.Since(t0).Milliseconds()}
			if err != nil {
				if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
					err = fmt.Errorf("no answer within %d ms: %v", cfg.TimeoutMS, err)
				}
				r.Error = err.Error()
			} else {
				r.Leaf, r.Documents, r.Hits = ans.Leaf, ans.Documents, len(ans.Hits)
				answers[i] = ans
			}
			results[i] = r
		}(i, addr)
	}
	wg.Wait()
	out := rootAnswer{Query: query, Leaves: len(cfg.Addresses), Answered: []string{}, Missing: []string{}, Hits: []searchHit{}, ByLeaf: results}
	for i, r := range results {
		if r.Error != "" {
			out.Missing = append(out.Missing, r.Address)
			continue
		}
		out.Answered = append(out.Answered, r.Leaf)
		out.Documents += len(r.Documents)
		out.Hits = append(out.Hits, answers[i].Hits...)
	}
	sortHits(out.Hits)
	out.TotalHits = len(out.Hits)
	out.Partial = len(out.Missing) > 0
	return out
}

func searchRoot(args []string) int {
	fs := newFlags()
	listen := fs.String("listen", listenAddr("8080"), "HTTP listen address")
	requireAll := fs.Bool("require-all", false, "answer 502 unless every leaf answered")
	if !parseFlags(fs, args) {
		return 2
	}
	cfg, err := readRootConfig(os.Getenv)
	if err != nil {
		logf("error: %v", err)
		return 1
	}
	logf("root fanning out to %d leaves (timeout %d ms): %s", cfg.Count, cfg.TimeoutMS, strings.Join(cfg.Addresses, ", "))
	return serveUntilSignal(signalContext(), *listen, searchRootMux(cfg, *requireAll, &http.Client{}))
}

func searchRootMux(cfg rootConfig, requireAll bool, client *http.Client) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", ok)
	// Ready whatever the leaves do: a partial answer beats none.
	mux.HandleFunc("GET /ready", ok)
	mux.HandleFunc("GET /leaves", func(w http.ResponseWriter, _ *http.Request) {
		jsonReply(w, http.StatusOK, cfg)
	})
	mux.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query().Get("q")
		if strings.TrimSpace(q) == "" {
			text(w, http.StatusBadRequest, "q is required")
			return
		}
		ans := gather(r.Context(), client, cfg, q)
		status := http.StatusOK
		if len(ans.Answered) == 0 || (requireAll && ans.Partial) {
			status = http.StatusBadGateway
		}
		if ans.Partial {
			for _, l := range ans.ByLeaf {
				if l.Error != "" {
					logf("query %q: leaf %s missing: %s", q, l.Address, l.Error)
				}
			}
		}
		jsonReply(w, status, ans)
	})
	return mux
}
