// Role cache-client (ghcr.io/cdk8s-patterns/cache-client, the sharded-cache example): a web app
// that keeps values in "one memcached" at MEMCACHED_ADDR, which in the example is a twemproxy
// router (the shared router's Service, or an ambassador on localhost) in front of the shards.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// memcacheConn is one connection speaking the memcached ASCII protocol (only set and get).
type memcacheConn struct {
	c net.Conn
	r *bufio.Reader
}

func dialMemcache(addr string, timeout time.Duration) (*memcacheConn, error) {
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	return &memcacheConn{c: c, r: bufio.NewReader(c)}, nil
}

func (m *memcacheConn) Close() error { return m.c.Close() }

// validMemcacheKey: 1 to 250 bytes, no whitespace or control characters (the protocol's rule).
func validMemcacheKey(key string) bool {
	if len(key) == 0 || len(key) > 250 {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] <= ' ' || key[i] == 0x7f {
			return false
		}
	}
	return true
}

func (m *memcacheConn) line() (string, error) {
	s, err := m.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	if !strings.HasSuffix(s, "\r\n") {
		return "", fmt.Errorf("malformed reply %q", s)
	}
	return strings.TrimSuffix(s, "\r\n"), nil
}

// Set stores value under key (flags 0, no expiry); anything but STORED is an error.
func (m *memcacheConn) Set(key, value string) error {
	m.c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := fmt.Fprintf(m.c, "set %s 0 0 %d\r\n%s\r\n", key, len(value), value); err != nil {
		return err
	}
	reply, err := m.line()
	if err != nil {
		return err
	}
	if reply != "STORED" {
		return fmt.Errorf("set %s: %s", key, reply)
	}
	return nil
}

// Get returns the value of key and whether it exists.
func (m *memcacheConn) Get(key string) (string, bool, error) {
	m.c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := fmt.Fprintf(m.c, "get %s\r\n", key); err != nil {
		return "", false, err
	}
	head, err := m.line()
	if err != nil {
		return "", false, err
	}
	if head == "END" {
		return "", false, nil
	}
	f := strings.Fields(head)
	if len(f) < 4 || f[0] != "VALUE" || f[1] != key {
		return "", false, fmt.Errorf("get %s: %s", key, head)
	}
	n, err := strconv.Atoi(f[3])
	if err != nil || n < 0 {
		return "", false, fmt.Errorf("get %s: bad length in %q", key, head)
	}
	buf := make([]byte, n+2)
	if _, err := io.ReadFull(m.r, buf); err != nil {
		return "", false, err
	}
	if end, err := m.line(); err != nil || end != "END" {
		return "", false, errors.Join(fmt.Errorf("get %s: no END after the value", key), err)
	}
	return string(buf[:n]), true, nil
}

func cacheClient(args []string) int {
	fs := newFlags()
	listen := fs.String("listen", listenAddr("8080"), "HTTP listen address")
	if !parseFlags(fs, args) {
		return 2
	}
	addr := envOr("MEMCACHED_ADDR", "127.0.0.1:11211")
	logf("caching in memcached at %s", addr)

	// withCache runs f on a fresh connection; a cache failure answers 502 with the error.
	withCache := func(w http.ResponseWriter, f func(c *memcacheConn) error) {
		c, err := dialMemcache(addr, 2*time.Second)
		if err == nil {
			defer c.Close()
			err = f(c)
		}
		if err != nil {
			logf("memcached error: %v", err)
			text(w, http.StatusBadGateway, "memcached error: %v", err)
		}
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", ok)
	mux.HandleFunc("POST /fill", func(w http.ResponseWriter, r *http.Request) {
		count, err := strconv.Atoi(r.URL.Query().Get("count"))
		if err != nil || count < 0 || count > 100000 {
			text(w, http.StatusBadRequest, "count must be a number from 0 to 100000")
			return
		}
		prefix := r.URL.Query().Get("prefix")
		if prefix == "" {
			prefix = "key"
		}
		if !validMemcacheKey(prefix + ":" + strconv.Itoa(count)) {
			text(w, http.StatusBadRequest, "prefix must make memcached keys: at most 240 bytes, no spaces or control characters")
			return
		}
		withCache(w, func(c *memcacheConn) error {
			for i := range count {
				if err := c.Set(fmt.Sprintf("%s:%d", prefix, i), strconv.Itoa(i)); err != nil {
					return err
				}
			}
			logf("set %d keys with prefix %s", count, prefix)
			text(w, http.StatusOK, "set %d keys", count)
			return nil
		})
	})
	mux.HandleFunc("GET /get", func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Query().Get("key")
		if !validMemcacheKey(key) {
			text(w, http.StatusBadRequest, "key must be 1 to 250 bytes without spaces or control characters")
			return
		}
		withCache(w, func(c *memcacheConn) error {
			v, found, err := c.Get(key)
			if err != nil {
				return err
			}
			if found {
				text(w, http.StatusOK, "%s", v)
			} else {
				text(w, http.StatusNotFound, "no such key")
			}
			return nil
		})
	})
	return serveUntilSignal(signalContext(), *listen, mux)
}
