// A minimal in-cluster Kubernetes REST client (JSON over HTTPS with the pod's service account),
// shared by reconciler and config-watcher. The token is re-read on every request: it rotates.
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

const saDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// kubeClient talks to one API server.
type kubeClient struct {
	base      string // e.g. https://10.96.0.1:443
	tokenFile string // "" for no bearer token
	http      *http.Client
}

// apiError is an answer outside 2xx.
type apiError struct {
	Status int
	Body   string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("API status %d: %s", e.Status, strings.TrimSpace(e.Body))
}

// isStatus tells whether err is an API answer with that HTTP status.
func isStatus(err error, status int) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.Status == status
}

// inClusterClient reads the in-cluster configuration of the pod's service account.
func inClusterClient() (*kubeClient, error) {
	host, port := os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT")
	if host == "" || port == "" {
		return nil, errors.New("not in a cluster: KUBERNETES_SERVICE_HOST/PORT are unset")
	}
	ca, err := os.ReadFile(saDir + "/ca.crt")
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, errors.New("no certificate in " + saDir + "/ca.crt")
	}
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	return &kubeClient{
		base:      "https://" + net.JoinHostPort(host, port),
		tokenFile: saDir + "/token",
		http:      &http.Client{Transport: transport, Timeout: 5 * time.Second},
	}, nil
}

// serviceAccountNamespace is the pod's namespace as its service account sees it.
func serviceAccountNamespace() string {
	b, _ := os.ReadFile(saDir + "/namespace")
	return strings.TrimSpace(string(b))
}

// do sends one request; body (if not nil) is sent as JSON with contentType, and a 2xx answer
// is decoded into out (if not nil). Other answers are returned as *apiError.
func (k *kubeClient) do(ctx context.Context, method, path, contentType string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, k.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "cdk8s-patterns-demo/"+roleName)
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if k.tokenFile != "" {
		token, err := os.ReadFile(k.tokenFile)
		if err != nil {
			return fmt.Errorf("reading the service account token: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
	}
	resp, err := k.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &apiError{Status: resp.StatusCode, Body: string(data)}
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

func (k *kubeClient) get(ctx context.Context, path string, out any) error {
	return k.do(ctx, http.MethodGet, path, "", nil, out)
}

func (k *kubeClient) post(ctx context.Context, path string, body, out any) error {
	return k.do(ctx, http.MethodPost, path, "application/json", body, out)
}

func (k *kubeClient) put(ctx context.Context, path string, body, out any) error {
	return k.do(ctx, http.MethodPut, path, "application/json", body, out)
}

// kubeEvent is a core/v1 Event about one object.
func kubeEvent(namespace string, involved map[string]any, reason, message, component, instance string) map[string]any {
	now := time.Now().UTC().Format(time.RFC3339)
	return map[string]any{
		"apiVersion":         "v1",
		"kind":               "Event",
		"metadata":           map[string]any{"generateName": fmt.Sprint(involved["name"]) + ".", "namespace": namespace},
		"involvedObject":     involved,
		"reason":             reason,
		"message":            message,
		"type":               "Normal",
		"source":             map[string]any{"component": component},
		"firstTimestamp":     now,
		"lastTimestamp":      now,
		"count":              1,
		"reportingComponent": component,
		"reportingInstance":  instance,
	}
}
