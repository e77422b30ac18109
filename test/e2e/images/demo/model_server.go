// Role model-server (the model-server example): serves the predictions of a small sentiment model
// (a JSON word-weight table) read from a directory, which the DataImage pattern fills from a data
// image: through the shared process namespace (a link into the data container's filesystem) or
// by copying. The model may appear after the server starts (KServe's "async" model init mode):
// it retries every second and is ready only once the model is loaded.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// maxPredictBody bounds the text of one prediction request.
const maxPredictBody = 64 << 10

// sentimentModel is the file format: a linear bag-of-words model. The score of a text is
// bias + the sum of the weights of its tokens (each occurrence counts); the probability that it
// is positive is the logistic function of the score.
type sentimentModel struct {
	Name    string             `json:"name"`
	Version string             `json:"version"`
	Bias    float64            `json:"bias"`
	Weights map[string]float64 `json:"weights,omitempty"`
}

// loadedModel is a model with where and when it was loaded.
type loadedModel struct {
	sentimentModel
	SHA256   string    `json:"sha256"`
	Bytes    int       `json:"bytes"`
	Words    int       `json:"words"`
	File     string    `json:"file"`
	Resolved string    `json:"resolved"`
	LoadedAt time.Time `json:"loadedAt"`
	Attempts int       `json:"attempts"`
}

// prediction is the answer of /predict.
type prediction struct {
	Label       string  `json:"label"`
	Score       float64 `json:"score"`
	Probability float64 `json:"probability"`
	Tokens      int     `json:"tokens"`
	Matched     int     `json:"matched"`
	Model       string  `json:"model"`
	Version     string  `json:"version"`
	SHA256      string  `json:"sha256"`
}

// modelHolder holds the model once loaded, or the last load error.
type modelHolder struct {
	mu      sync.RWMutex
	model   *loadedModel
	lastErr error
}

func (h *modelHolder) get() (*loadedModel, error) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.model == nil {
		if h.lastErr == nil {
			return nil, errors.New("not loaded yet")
		}
		return nil, h.lastErr
	}
	return h.model, nil
}

func modelServer(args []string) int {
	fs := newFlags()
	listen := fs.String("listen", listenAddr("8080"), "HTTP listen address")
	dir := fs.String("model-dir", envOr("MODEL_DIR", "/mnt/models"), "the directory holding the model (env MODEL_DIR)")
	file := fs.String("model-file", "model.json", "the model's file name in the directory")
	retry := fs.Duration("retry", time.Second, "how often to retry loading a missing or unreadable model")
	if !parseFlags(fs, args) {
		return 2
	}
	if *retry <= 0 {
		fmt.Fprintln(os.Stderr, "model-server: --retry must be positive")
		return 2
	}
	ctx := signalContext()
	holder := &modelHolder{}
	path := filepath.Join(*dir, *file)
	logf("serving the model at %s", path)
	go loadUntilDone(ctx, holder, path, *retry)
	return serveUntilSignal(ctx, *listen, modelServerMux(holder))
}

// loadUntilDone loads the model, retrying every interval until it succeeds or ctx ends; each
// distinct error is logged once.
func loadUntilDone(ctx context.Context, holder *modelHolder, path string, every time.Duration) {
	lastLogged := ""
	for attempt := 1; ; attempt++ {
		m, err := loadModel(path)
		if err == nil {
			m.Attempts = attempt
			holder.mu.Lock()
			holder.model, holder.lastErr = m, nil
			holder.mu.Unlock()
			logf("loaded model %s %s (%d words, sha256 %s) from %s after %d attempt(s)", m.Name, m.Version, m.Words, m.SHA256, m.Resolved, attempt)
			return
		}
		holder.mu.Lock()
		holder.lastErr = err
		holder.mu.Unlock()
		if msg := err.Error(); msg != lastLogged {
			logf("model not loaded: %s", msg)
			lastLogged = msg
		}
		if !sleepCtx(ctx, every) {
			return
		}
	}
}

// loadModel reads and checks the model file; Resolved is the path with every link followed.
func loadModel(path string) (*loadedModel, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	resolved, err := resolveLinks(path)
	if err != nil {
		return nil, err
	}
	var m sentimentModel
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: not a model: %v", path, err)
	}
	if m.Name == "" || m.Version == "" {
		return nil, fmt.Errorf("%s: not a model: name and version are required", path)
	}
	if len(m.Weights) == 0 {
		return nil, fmt.Errorf("%s: not a model: no weights", path)
	}
	for w := range m.Weights {
		if len(tokenize(w)) != 1 || tokenize(w)[0] != w {
			return nil, fmt.Errorf("%s: not a model: weight key %q is not a token (lowercase a-z and ')", path, w)
		}
	}
	sum := sha256.Sum256(data)
	return &loadedModel{
		sentimentModel: m,
		SHA256:         hex.EncodeToString(sum[:]),
		Bytes:          len(data),
		Words:          len(m.Weights),
		File:           path,
		Resolved:       resolved,
		LoadedAt:       time.Now().UTC(),
	}, nil
}

// procRoot matches a process's root directory link in /proc, which resolveLinks does not follow.
var procRoot = regexp.MustCompile(`^/proc/([0-9]+|self)/root$`)

// resolveLinks follows every symbolic link of a path (made absolute), component by component, except
// /proc/<pid>/root: that "magic link" leads into another process's filesystem, and reading it
// back ("/" for a process in another mount namespace) says nothing about which one. So a model
// read through a DataImage link resolves to /proc/<pid>/root/<path in the data image>.
func resolveLinks(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	parts := splitPath(abs)
	cur := "/"
	for hops := 0; len(parts) > 0; {
		next := filepath.Join(cur, parts[0])
		parts = parts[1:]
		if procRoot.MatchString(next) {
			cur = next
			continue
		}
		fi, err := os.Lstat(next)
		if err != nil {
			return "", err
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			cur = next
			continue
		}
		if hops++; hops > 40 {
			return "", fmt.Errorf("%s: too many levels of symbolic links", p)
		}
		target, err := os.Readlink(next)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(cur, target)
		}
		parts = append(splitPath(target), parts...)
		cur = "/"
	}
	return cur, nil
}

// splitPath is the non-empty components of a path.
func splitPath(p string) []string {
	var out []string
	for _, c := range strings.Split(filepath.Clean(p), "/") {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// tokenize lowercases ASCII letters and splits on every byte that is not a-z or an apostrophe.
func tokenize(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == '\'')
	})
}

// predict scores a text: bias plus the weights of its tokens, in order.
func (m *loadedModel) predict(text string) prediction {
	tokens := tokenize(text)
	score := m.Bias
	matched := 0
	for _, t := range tokens {
		if w, ok := m.Weights[t]; ok {
			score += w
			matched++
		}
	}
	p := 1 / (1 + math.Exp(-score))
	label := "negative"
	if score >= 0 {
		label = "positive"
	}
	return prediction{Label: label, Score: score, Probability: p, Tokens: len(tokens), Matched: matched, Model: m.Name, Version: m.Version, SHA256: m.SHA256}
}

func modelServerMux(holder *modelHolder) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", ok)
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if _, err := holder.get(); err != nil {
			text(w, http.StatusServiceUnavailable, "model not loaded: %v", err)
			return
		}
		text(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("GET /model", func(w http.ResponseWriter, _ *http.Request) {
		m, err := holder.get()
		if err != nil {
			jsonReply(w, http.StatusServiceUnavailable, map[string]string{"error": "model not loaded: " + err.Error()})
			return
		}
		// The weights stay out: the file's checksum identifies them.
		info := *m
		info.Weights = nil
		jsonReply(w, http.StatusOK, info)
	})
	predict := func(w http.ResponseWriter, input string) {
		m, err := holder.get()
		if err != nil {
			jsonReply(w, http.StatusServiceUnavailable, map[string]string{"error": "model not loaded: " + err.Error()})
			return
		}
		jsonReply(w, http.StatusOK, m.predict(input))
	}
	mux.HandleFunc("GET /predict", func(w http.ResponseWriter, r *http.Request) {
		predict(w, r.URL.Query().Get("text"))
	})
	mux.HandleFunc("POST /predict", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxPredictBody+1))
		if err != nil {
			text(w, http.StatusBadRequest, "cannot read the text: %v", err)
			return
		}
		if len(body) > maxPredictBody {
			text(w, http.StatusRequestEntityTooLarge, "the text must be at most %d bytes", maxPredictBody)
			return
		}
		predict(w, string(body))
	})
	return mux
}
