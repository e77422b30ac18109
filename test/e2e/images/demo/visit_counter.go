// Role visit-counter (ghcr.io/cdk8s-patterns/visit-counter, the ambassador example): a web app
// that counts visits in Redis. It talks to "one Redis" at REDIS_URL, which in the ambassador
// example is a twemproxy on localhost (REDIS_HOST and REDIS_PORT, as flask-redis uses, also work).
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
)

func visitCounter(args []string) int {
	fs := newFlags()
	listen := fs.String("listen", listenAddr("8080"), "HTTP listen address")
	if !parseFlags(fs, args) {
		return 2
	}
	redisURL := os.Getenv("REDIS_URL")
	if redisURL == "" {
		redisURL = "redis://" + net.JoinHostPort(envOr("REDIS_HOST", "127.0.0.1"), envOr("REDIS_PORT", "6379"))
	}
	logf("counting visits in %s", redisURL)

	// withRedis runs f on a fresh connection; a Redis failure answers 502 with the error.
	withRedis := func(w http.ResponseWriter, f func(c *redisConn) error) {
		c, err := dialRedis(redisURL, 2*time.Second)
		if err == nil {
			defer c.Close()
			err = f(c)
		}
		if err != nil {
			logf("redis error: %v", err)
			text(w, http.StatusBadGateway, "redis error: %v", err)
		}
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", ok)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		withRedis(w, func(c *redisConn) error {
			n, err := c.Int("INCR", "visits")
			if err == nil {
				text(w, http.StatusOK, "visits: %d", n)
			}
			return err
		})
	})
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
		withRedis(w, func(c *redisConn) error {
			for i := range count {
				if _, err := c.Do("SET", fmt.Sprintf("%s:%d", prefix, i), strconv.Itoa(i)); err != nil {
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
		if key == "" {
			text(w, http.StatusBadRequest, "key is required")
			return
		}
		withRedis(w, func(c *redisConn) error {
			v, err := c.Do("GET", key)
			if err != nil {
				return err
			}
			if s, isStr := v.(string); isStr {
				text(w, http.StatusOK, "%s", s)
			} else {
				text(w, http.StatusNotFound, "no such key")
			}
			return nil
		})
	})
	return serveUntilSignal(signalContext(), *listen, mux)
}
