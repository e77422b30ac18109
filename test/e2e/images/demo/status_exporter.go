// Role status-exporter (ghcr.io/cdk8s-patterns/status-exporter, the adapter and leader-elected
// examples): a Prometheus adapter. On every scrape it reads a file another container writes
// (the last logfmt line, or one JSON object) and exposes each numeric field as a gauge.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

func statusExporter(args []string) int {
	fs := newFlags()
	file := fs.String("file", "", "the file to read (required)")
	format := fs.String("format", "logfmt", "logfmt (last complete line) or json (one object)")
	prefix := fs.String("prefix", "app", "metric name prefix")
	listen := fs.String("listen", ":9100", "HTTP listen address")
	if !parseFlags(fs, args) {
		return 2
	}
	if *file == "" || (*format != "logfmt" && *format != "json") {
		logf("error: --file is required and --format must be logfmt or json")
		fs.Usage()
		return 2
	}
	parse := parseLogfmtLast
	if *format == "json" {
		parse = parseJSONMetrics
	}
	logf("exporting %s (%s) as %s_* on %s/metrics", *file, *format, *prefix, *listen)

	var mu sync.Mutex
	lastErr := ""
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", ok)
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		src := source{Prefix: *prefix, Origin: *file}
		data, err := os.ReadFile(*file)
		if err == nil {
			if info, statErr := os.Stat(*file); statErr == nil {
				src.HasAge, src.AgeSeconds = true, math.Max(0, time.Since(info.ModTime()).Seconds())
			}
			src.Fields, err = parse(data)
		}
		src.Up = err == nil
		mu.Lock()
		if msg := fmt.Sprint(err); err != nil && msg != lastErr {
			logf("source down: %v", err) // logged once per distinct error
			lastErr = msg
		} else if err == nil && lastErr != "" {
			logf("source up again")
			lastErr = ""
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Write([]byte(renderMetrics(src)))
	})
	return serveUntilSignal(signalContext(), *listen, mux)
}

// source is one scrape's view of the file.
type source struct {
	Prefix, Origin string
	Fields         map[string]float64
	Up             bool
	HasAge         bool
	AgeSeconds     float64
}

// renderMetrics renders the Prometheus text format 0.0.4, sorted by metric name.
func renderMetrics(s source) string {
	type metric struct {
		help  string
		value float64
	}
	prefix := sanitizeMetricName(s.Prefix)
	metrics := map[string]metric{}
	up := 0.0
	if s.Up {
		up = 1
	}
	metrics[prefix+"_source_up"] = metric{"1 when the source file could be read and parsed, else 0.", up}
	if s.HasAge {
		metrics[prefix+"_source_age_seconds"] = metric{"Seconds since the source file was last modified.", s.AgeSeconds}
	}
	keys := make([]string, 0, len(s.Fields))
	for k := range s.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys { // the first key wins when two sanitize to the same name
		name := prefix + "_" + sanitizeMetricName(k)
		if _, taken := metrics[name]; !taken {
			metrics[name] = metric{fmt.Sprintf("Field %q of %s.", k, s.Origin), s.Fields[k]}
		}
	}
	names := make([]string, 0, len(metrics))
	for n := range metrics {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	help := strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	for _, n := range names {
		m := metrics[n]
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %s\n", n, help.Replace(m.help), n, n, formatValue(m.value))
	}
	return b.String()
}

// sanitizeMetricName maps a name onto [a-zA-Z_:][a-zA-Z0-9_:]*.
func sanitizeMetricName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "_"
	}
	return string(b)
}

func formatValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// numeric reads a logfmt value as a gauge: a number, or a boolean as 1/0.
func numeric(v string) (float64, bool) {
	switch v {
	case "true":
		return 1, true
	case "false":
		return 0, true
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil
}

// parseLogfmtLast parses the last complete (newline-terminated) line of data as logfmt and
// returns its numeric fields.
func parseLogfmtLast(data []byte) (map[string]float64, error) {
	end := bytes.LastIndexByte(data, '\n')
	for end >= 0 {
		start := bytes.LastIndexByte(data[:end], '\n') + 1
		if line := strings.TrimSpace(string(data[start:end])); line != "" {
			pairs, err := parseLogfmt(line)
			if err != nil {
				return nil, err
			}
			fields := map[string]float64{}
			for _, p := range pairs {
				if f, isNum := numeric(p[1]); isNum {
					fields[p[0]] = f
				}
			}
			return fields, nil
		}
		end = start - 1
	}
	return nil, errors.New("no complete line in the file")
}

// parseLogfmt splits `k=v k2="quoted \" value" flag` into key/value pairs.
func parseLogfmt(line string) ([][2]string, error) {
	var pairs [][2]string
	i := 0
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		start := i
		for i < len(line) && line[i] != '=' && line[i] != ' ' && line[i] != '\t' {
			i++
		}
		key := line[start:i]
		if key == "" {
			if i < len(line) {
				return nil, fmt.Errorf("logfmt: empty key at column %d", i+1)
			}
			break
		}
		value := ""
		if i < len(line) && line[i] == '=' {
			i++
			if i < len(line) && line[i] == '"' {
				j := i + 1
				for j < len(line) && line[j] != '"' {
					if line[j] == '\\' {
						j++
					}
					j++
				}
				if j >= len(line) {
					return nil, fmt.Errorf("logfmt: unterminated quote for %q", key)
				}
				unq, err := strconv.Unquote(line[i : j+1])
				if err != nil {
					return nil, fmt.Errorf("logfmt: bad quoted value for %q", key)
				}
				value, i = unq, j+1
			} else {
				start = i
				for i < len(line) && line[i] != ' ' && line[i] != '\t' {
					i++
				}
				value = line[start:i]
			}
		}
		pairs = append(pairs, [2]string{key, value})
	}
	if len(pairs) == 0 {
		return nil, errors.New("logfmt: no fields")
	}
	return pairs, nil
}

// parseJSONMetrics reads one JSON object; numbers and booleans become gauges, nested objects
// are flattened with "_", everything else is skipped.
func parseJSONMetrics(data []byte) (map[string]float64, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, fmt.Errorf("json: %w", err)
	}
	if obj == nil {
		return nil, errors.New("json: not an object")
	}
	fields := map[string]float64{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			switch v := v.(type) {
			case json.Number:
				if f, err := v.Float64(); err == nil {
					fields[prefix+k] = f
				}
			case bool:
				fields[prefix+k] = map[bool]float64{false: 0, true: 1}[v]
			case map[string]any:
				walk(prefix+k+"_", v)
			}
		}
	}
	walk("", obj)
	return fields, nil
}
