package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The model the data image ships (test/e2e/images/files/sentiment-model).
const shippedModel = "../files/sentiment-model/model.json"

func TestTokenize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Great service!", []string{"great", "service"}},
		{"I wouldn't recommend it -- 2/10, TERRIBLE.", []string{"i", "wouldn't", "recommend", "it", "terrible"}},
		{"café naïve", []string{"caf", "na", "ve"}},
	} {
		got := tokenize(tc.in)
		if len(got) == 0 && len(tc.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("tokenize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestShippedModelLoadsAndPredicts(t *testing.T) {
	m, err := loadModel(shippedModel)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(shippedModel)
	sum := sha256.Sum256(data)
	if m.Name != "sentiment" || m.Version != "1.0.0" || m.SHA256 != hex.EncodeToString(sum[:]) || m.Words != len(m.Weights) || m.Bytes != len(data) {
		t.Fatalf("loaded %+v", m)
	}
	for _, tc := range []struct {
		text  string
		label string
		score float64
	}{
		// bias -0.125 + great 1.75 + fast 0.75
		{"Great service, fast delivery", "positive", 2.375},
		// -0.125 + terrible -2.5 + wouldn't -0.625 + recommend 1.5
		{"Terrible. I wouldn't recommend it", "negative", -1.75},
		// -0.125 + good 1.25 + good 1.25: every occurrence counts
		{"good good", "positive", 2.375},
		// no known word: the bias alone
		{"the parcel arrived", "negative", -0.125},
	} {
		p := m.predict(tc.text)
		if p.Label != tc.label || p.Score != tc.score || p.Model != "sentiment" || p.Version != "1.0.0" || p.SHA256 != m.SHA256 {
			t.Errorf("predict(%q) = %+v, want %s %v", tc.text, p, tc.label, tc.score)
		}
		if p.Probability <= 0 || p.Probability >= 1 || (p.Probability >= 0.5) != (tc.label == "positive") {
			t.Errorf("predict(%q): probability %v does not match %s", tc.text, p.Probability, tc.label)
		}
	}
}

func TestLoadModelFollowsLinksAndRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	data, _ := os.ReadFile(shippedModel)
	real := filepath.Join(dir, "image-root", "models")
	os.MkdirAll(real, 0o755)
	os.WriteFile(filepath.Join(real, "model.json"), data, 0o644)
	// the DataImage layout: a link in a directory of its own pointing into the data's root
	os.MkdirAll(filepath.Join(dir, "mnt"), 0o755)
	if err := os.Symlink(real, filepath.Join(dir, "mnt", "models")); err != nil {
		t.Fatal(err)
	}
	m, err := loadModel(filepath.Join(dir, "mnt", "models", "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Resolved != filepath.Join(real, "model.json") || m.File != filepath.Join(dir, "mnt", "models", "model.json") {
		t.Errorf("file %s resolved %s", m.File, m.Resolved)
	}

	// a link through /proc/<pid>/root is followed into it, and the magic link is kept in the answer
	self := fmt.Sprintf("/proc/%d/root", os.Getpid())
	if err := os.Symlink(self+real, filepath.Join(dir, "mnt", "via-proc")); err != nil {
		t.Fatal(err)
	}
	m, err = loadModel(filepath.Join(dir, "mnt", "via-proc", "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	if want := self + filepath.Join(real, "model.json"); m.Resolved != want {
		t.Errorf("through /proc: resolved %s, want %s", m.Resolved, want)
	}
	os.Symlink("loop", filepath.Join(dir, "loop"))
	if _, err := resolveLinks(filepath.Join(dir, "loop", "x")); err == nil || !strings.Contains(err.Error(), "too many levels") {
		t.Errorf("link loop: err = %v", err)
	}

	for name, body := range map[string]string{
		"not json":      "{",
		"no weights":    `{"name":"x","version":"1","bias":0,"weights":{}}`,
		"no version":    `{"name":"x","bias":0,"weights":{"a":1}}`,
		"unknown field": `{"name":"x","version":"1","weights":{"a":1},"extra":1}`,
		"bad key":       `{"name":"x","version":"1","weights":{"Good":1}}`,
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".json")
		os.WriteFile(p, []byte(body), 0o644)
		if _, err := loadModel(p); err == nil || !strings.Contains(err.Error(), "not a model") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := loadModel(filepath.Join(dir, "missing", "model.json")); !os.IsNotExist(err) {
		t.Errorf("missing: err = %v", err)
	}
	// unreadable: a mode the server's user cannot read (skipped as root, which reads anything)
	if os.Geteuid() != 0 {
		p := filepath.Join(dir, "secret.json")
		os.WriteFile(p, data, 0o000)
		if _, err := loadModel(p); !os.IsPermission(err) {
			t.Errorf("unreadable: err = %v", err)
		}
	}
}

func TestModelServerWaitsForTheModel(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "models", "model.json")
	holder := &modelHolder{}
	srv := httptest.NewServer(modelServerMux(holder))
	defer srv.Close()
	get := func(p string) (int, string) {
		res, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { loadUntilDone(ctx, holder, path, 20*time.Millisecond); close(done) }()

	// Not there yet: alive, not ready, no predictions.
	time.Sleep(60 * time.Millisecond)
	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz before the model: %d %q", code, body)
	}
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "model not loaded") || !strings.Contains(body, "no such file") {
		t.Errorf("/readyz before the model: %d %q", code, body)
	}
	if code, body := get("/predict?text=great"); code != 503 || !strings.Contains(body, "model not loaded") {
		t.Errorf("/predict before the model: %d %q", code, body)
	}

	// The model appears (the data container's link): loaded on a later attempt.
	data, _ := os.ReadFile(shippedModel)
	os.MkdirAll(filepath.Dir(path), 0o755)
	os.WriteFile(path, data, 0o644)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the model was not loaded")
	}
	if code, body := get("/readyz"); code != 200 || body != "ok\n" {
		t.Errorf("/readyz after the model: %d %q", code, body)
	}
	code, body := get("/model")
	var info map[string]any
	if err := json.Unmarshal([]byte(body), &info); code != 200 || err != nil {
		t.Fatalf("/model: %d %q %v", code, body, err)
	}
	sum := sha256.Sum256(data)
	if info["sha256"] != hex.EncodeToString(sum[:]) || info["version"] != "1.0.0" || info["resolved"] != path || info["attempts"].(float64) < 2 {
		t.Errorf("/model: %v", info)
	}
	if _, has := info["weights"]; has {
		t.Errorf("/model lists the weights: %v", info)
	}
	res, err := http.Post(srv.URL+"/predict", "text/plain", strings.NewReader("Excellent, fast and friendly!"))
	if err != nil {
		t.Fatal(err)
	}
	var p prediction
	json.NewDecoder(res.Body).Decode(&p)
	res.Body.Close()
	// -0.125 + excellent 2.5 + fast 0.75 + friendly 1.0
	if res.StatusCode != 200 || p.Label != "positive" || p.Score != 4.125 || p.Tokens != 4 || p.Matched != 3 || p.SHA256 != info["sha256"] {
		t.Errorf("POST /predict: %d %+v", res.StatusCode, p)
	}
	res, _ = http.Post(srv.URL+"/predict", "text/plain", strings.NewReader(strings.Repeat("a", maxPredictBody+1)))
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("POST /predict, too long: %d", res.StatusCode)
	}
}
