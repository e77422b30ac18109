// Leader election on a coordination.k8s.io/v1 Lease, the way client-go's leaderelection does
// it: acquire when the Lease is free or expired, renew while leading, and judge expiry by when
// this process last saw the record change (so clock skew between nodes does not matter).
// Used by reconciler (the leader-elected example).
package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// microTime is a metav1.MicroTime: RFC 3339 with microseconds, or null.
type microTime struct{ time.Time }

const microTimeLayout = "2006-01-02T15:04:05.000000Z07:00"

func (t microTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.UTC().Format(microTimeLayout) + `"`), nil
}

func (t *microTime) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		t.Time = time.Time{}
		return nil
	}
	parsed, err := time.Parse(time.RFC3339Nano, s)
	t.Time = parsed
	return err
}

// lease is a coordination.k8s.io/v1 Lease; metadata is kept whole so that a PUT keeps labels,
// owner references and the resourceVersion it was read with.
type lease struct {
	APIVersion string         `json:"apiVersion"`
	Kind       string         `json:"kind"`
	Metadata   map[string]any `json:"metadata"`
	Spec       leaseSpec      `json:"spec"`
}

type leaseSpec struct {
	HolderIdentity       string    `json:"holderIdentity"`
	LeaseDurationSeconds int       `json:"leaseDurationSeconds"`
	AcquireTime          microTime `json:"acquireTime"`
	RenewTime            microTime `json:"renewTime"`
	LeaseTransitions     int       `json:"leaseTransitions"`
}

// leaseAction is what a candidate does after reading the Lease.
type leaseAction int

const (
	leaseFollow   leaseAction = iota // someone else holds a valid lease
	leaseCreate                      // there is no Lease: create it, holding it
	leaseRenew                       // we hold it: renew
	leaseTakeOver                    // it is free or expired: take it over
)

func (a leaseAction) String() string {
	return [...]string{"follow", "create", "renew", "take over"}[a]
}

// decideLease is the pure decision: spec is the Lease read (nil when there is none), and
// observedAt is when this candidate last saw that record change.
func decideLease(spec *leaseSpec, identity string, observedAt, now time.Time) leaseAction {
	switch {
	case spec == nil:
		return leaseCreate
	case spec.HolderIdentity == identity:
		return leaseRenew
	case spec.HolderIdentity != "" && now.Before(observedAt.Add(time.Duration(spec.LeaseDurationSeconds)*time.Second)):
		return leaseFollow
	}
	return leaseTakeOver
}

// elector runs the steps of one candidate; it is used from one goroutine.
type elector struct {
	kube                *kubeClient
	namespace, name, id string
	leaseDuration       time.Duration
	now                 func() time.Time

	observed    *lease    // the last record read or written
	observedKey string    // its spec, to notice changes
	observedAt  time.Time // when it last changed
	renewals    int       // successful renewals by this candidate
}

func (e *elector) path() string {
	return fmt.Sprintf("/apis/coordination.k8s.io/v1/namespaces/%s/leases", url.PathEscape(e.namespace))
}

func (e *elector) observe(l *lease, now time.Time) {
	key := fmt.Sprintf("%+v", l.Spec)
	if key != e.observedKey {
		e.observedKey, e.observedAt = key, now
	}
	e.observed = l
}

func (e *elector) durationSeconds() int {
	return max(1, int(e.leaseDuration.Seconds()))
}

// tryAcquireOrRenew reads the Lease and creates, renews or takes it over when it may. It
// returns whether this candidate holds the Lease now. A lost race (409) is no error.
func (e *elector) tryAcquireOrRenew(ctx context.Context) (bool, error) {
	now := e.now()
	var l lease
	err := e.kube.get(ctx, e.path()+"/"+url.PathEscape(e.name), &l)
	if isStatus(err, 404) {
		l = lease{
			APIVersion: "coordination.k8s.io/v1",
			Kind:       "Lease",
			Metadata:   map[string]any{"name": e.name, "namespace": e.namespace},
			Spec: leaseSpec{HolderIdentity: e.id, LeaseDurationSeconds: e.durationSeconds(),
				AcquireTime: microTime{now}, RenewTime: microTime{now}},
		}
		var created lease
		if err := e.kube.post(ctx, e.path(), &l, &created); err != nil {
			if isStatus(err, 409) {
				return false, nil
			}
			return false, err
		}
		e.observe(&created, now)
		return true, nil
	}
	if err != nil {
		return false, err
	}
	e.observe(&l, now)

	action := decideLease(&l.Spec, e.id, e.observedAt, now)
	switch action {
	case leaseFollow:
		return false, nil
	case leaseTakeOver:
		l.Spec.HolderIdentity = e.id
		l.Spec.AcquireTime = microTime{now}
		l.Spec.LeaseTransitions++
	}
	l.Spec.RenewTime = microTime{now}
	l.Spec.LeaseDurationSeconds = e.durationSeconds()
	var updated lease
	if err := e.kube.put(ctx, e.path()+"/"+url.PathEscape(e.name), &l, &updated); err != nil {
		if isStatus(err, 409) {
			return false, nil
		}
		return false, err
	}
	if action == leaseRenew {
		e.renewals++
	}
	e.observe(&updated, now)
	return true, nil
}

// release gives the Lease up if this candidate still holds it, as client-go's ReleaseOnCancel
// does: the record stays, with no holder and a lease of 1 s.
func (e *elector) release(ctx context.Context) (bool, error) {
	var l lease
	if err := e.kube.get(ctx, e.path()+"/"+url.PathEscape(e.name), &l); err != nil {
		return false, err
	}
	if l.Spec.HolderIdentity != e.id {
		return false, nil
	}
	now := e.now()
	l.Spec.HolderIdentity = ""
	l.Spec.LeaseDurationSeconds = 1
	l.Spec.AcquireTime, l.Spec.RenewTime = microTime{now}, microTime{now}
	var updated lease
	if err := e.kube.put(ctx, e.path()+"/"+url.PathEscape(e.name), &l, &updated); err != nil {
		return false, err
	}
	e.observe(&updated, now)
	return true, nil
}

// holder is the holder of the Lease last seen, "" when none.
func (e *elector) holder() string {
	if e.observed == nil {
		return ""
	}
	return e.observed.Spec.HolderIdentity
}
