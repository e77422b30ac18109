// Role config-watcher (ghcr.io/cdk8s-patterns/config-watcher-operator, the config-watcher
// example): the operator of Kubernetes Patterns' Operator chapter. A ConfigWatcher
// (k8spatterns.com/v1) names a ConfigMap and a pod selector; when the ConfigMap changes, the
// operator deletes the selected pods so that their Deployment recreates them with the new
// configuration, and counts the restarts in the resource's status. It polls; no watches.
package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// configWatcherItem is the part of a ConfigWatcher the operator reads.
type configWatcherItem struct {
	Metadata struct {
		Name string `json:"name"`
		UID  string `json:"uid"`
	} `json:"metadata"`
	Spec struct {
		ConfigMap   string            `json:"configMap"`
		PodSelector map[string]string `json:"podSelector"`
	} `json:"spec"`
	Status struct {
		Restarts int `json:"restarts"`
	} `json:"status"`
}

// labelSelector renders labels as a sorted equality selector, e.g. "app=web,tier=front".
func labelSelector(labels map[string]string) string {
	parts := make([]string, 0, len(labels))
	for k, v := range labels {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// configWatcherOperator is the operator's state between passes.
type configWatcherOperator struct {
	kube      *kubeClient
	namespace string
	seen      map[string]string // watcher uid -> ConfigMap resourceVersion last seen
	lastErr   map[string]string // what was last logged, to log each problem once
	ready     atomic.Bool
}

func configWatcher(args []string) int {
	fs := newFlags()
	namespace := fs.String("namespace", "", "namespace to watch (required)")
	healthPort := fs.Int("health-port", 8081, "port of /healthz and /readyz")
	interval := fs.Duration("interval", 2*time.Second, "time between passes")
	if !parseFlags(fs, args) {
		return 2
	}
	if *namespace == "" || *interval <= 0 {
		logf("error: --namespace is required and --interval must be positive")
		return 2
	}
	kube, err := inClusterClient()
	if err != nil {
		logf("error: %v", err)
		return 1
	}
	op := &configWatcherOperator{kube: kube, namespace: *namespace}
	ctx := signalContext()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", ok)
	mux.HandleFunc("GET /readyz", readiness(op.ready.Load))
	done, err := startHTTP(ctx, ":"+strconv.Itoa(*healthPort), mux)
	if err != nil {
		logf("error: %v", err)
		return 1
	}
	logf("watching configwatchers in namespace %s every %s", *namespace, *interval)
	for {
		op.pass(ctx)
		if !sleepCtx(ctx, *interval) {
			break
		}
	}
	return exitCode(done)
}

// logOnce logs msg for key unless it was the last message logged for key ("" resets).
func (op *configWatcherOperator) logOnce(key, msg string) {
	if op.lastErr[key] != msg && msg != "" {
		logf("%s", msg)
	}
	op.lastErr[key] = msg
}

// pass handles every ConfigWatcher once.
func (op *configWatcherOperator) pass(ctx context.Context) {
	if op.seen == nil {
		op.seen, op.lastErr = map[string]string{}, map[string]string{}
	}
	ns := url.PathEscape(op.namespace)
	var list struct{ Items []configWatcherItem }
	if err := op.kube.get(ctx, "/apis/k8spatterns.com/v1/namespaces/"+ns+"/configwatchers", &list); err != nil {
		if ctx.Err() == nil {
			op.logOnce("", fmt.Sprintf("error: listing configwatchers: %v", err))
		}
		return
	}
	op.logOnce("", "")
	op.ready.Store(true)
	current := map[string]bool{}
	for _, cw := range list.Items {
		current[cw.Metadata.UID] = true
		op.reconcile(ctx, cw)
	}
	for uid := range op.seen { // forget deleted watchers
		if !current[uid] {
			delete(op.seen, uid)
		}
	}
}

// reconcile restarts the pods of one watcher if its ConfigMap changed since the last pass.
func (op *configWatcherOperator) reconcile(ctx context.Context, cw configWatcherItem) {
	ns, name, key := url.PathEscape(op.namespace), cw.Metadata.Name, cw.Metadata.UID
	var cm struct {
		Metadata struct {
			ResourceVersion string `json:"resourceVersion"`
		} `json:"metadata"`
	}
	if err := op.kube.get(ctx, "/api/v1/namespaces/"+ns+"/configmaps/"+url.PathEscape(cw.Spec.ConfigMap), &cm); err != nil {
		op.logOnce(key, fmt.Sprintf("error: %s: getting configmap %s: %v", name, cw.Spec.ConfigMap, err))
		return
	}
	if len(cw.Spec.PodSelector) == 0 { // an empty selector would select every pod
		op.logOnce(key, fmt.Sprintf("error: %s: spec.podSelector is empty", name))
		return
	}
	op.logOnce(key, "")
	version := cm.Metadata.ResourceVersion
	previous, known := op.seen[key]
	op.seen[key] = version
	if !known {
		logf("watch: %s watches configmap %s (version %s), pods %s", name, cw.Spec.ConfigMap, version, labelSelector(cw.Spec.PodSelector))
		return
	}
	if previous == version {
		return
	}
	var pods struct {
		Items []struct {
			Metadata struct {
				Name              string  `json:"name"`
				DeletionTimestamp *string `json:"deletionTimestamp"`
			} `json:"metadata"`
		} `json:"items"`
	}
	query := url.Values{"labelSelector": {labelSelector(cw.Spec.PodSelector)}}.Encode()
	if err := op.kube.get(ctx, "/api/v1/namespaces/"+ns+"/pods?"+query, &pods); err != nil {
		logf("error: %s: listing pods: %v", name, err)
		op.seen[key] = previous // try again next pass
		return
	}
	deleted := 0
	for _, p := range pods.Items {
		if p.Metadata.DeletionTimestamp != nil {
			continue
		}
		err := op.kube.do(ctx, http.MethodDelete, "/api/v1/namespaces/"+ns+"/pods/"+url.PathEscape(p.Metadata.Name), "", nil, nil)
		if err != nil && !isStatus(err, 404) {
			logf("error: %s: deleting pod %s: %v", name, p.Metadata.Name, err)
			continue
		}
		deleted++
		logf("restart: deleted pod %s (configmap %s changed)", p.Metadata.Name, cw.Spec.ConfigMap)
	}
	patch := map[string]any{"status": map[string]any{
		"restarts":    cw.Status.Restarts + deleted,
		"lastRestart": time.Now().UTC().Format(time.RFC3339),
	}}
	path := "/apis/k8spatterns.com/v1/namespaces/" + ns + "/configwatchers/" + url.PathEscape(name) + "/status"
	if err := op.kube.do(ctx, http.MethodPatch, path, "application/merge-patch+json", patch, nil); err != nil {
		logf("error: %s: updating status: %v", name, err)
	}
}
