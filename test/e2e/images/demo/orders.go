// Roles orders-api and migrate (ghcr.io/cdk8s-patterns/orders-api, the startup-sequence
// example): an API over a Postgres table of orders, and its schema migration, run as an init
// step through the /app/migrate symlink. DATABASE_URL names the database; the password comes
// from the file DATABASE_PASSWORD_FILE names (a mounted Secret) or PGPASSWORD. The driver is
// github.com/lib/pq.
package main

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	_ "github.com/lib/pq"
)

// databaseURL is DATABASE_URL with the demo's defaults: user postgres and sslmode=disable
// unless the URL or PGUSER / PGSSLMODE say otherwise (lib/pq would require TLS by default).
func databaseURL() (string, error) {
	raw := os.Getenv("DATABASE_URL")
	if raw == "" {
		return "", errors.New("DATABASE_URL is unset")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", errors.New("DATABASE_URL must be a postgres:// URL")
	}
	if u.User == nil && os.Getenv("PGUSER") == "" {
		u.User = url.User("postgres")
	}
	q := u.Query()
	if q.Get("sslmode") == "" && os.Getenv("PGSSLMODE") == "" {
		q.Set("sslmode", "disable")
	}
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "5")
	}
	// A Secret mounted as a file (the password never sits in the environment).
	if f := os.Getenv("DATABASE_PASSWORD_FILE"); f != "" && q.Get("password") == "" {
		pw, err := os.ReadFile(f)
		if err != nil {
			return "", errors.New("DATABASE_PASSWORD_FILE: " + err.Error())
		}
		q.Set("password", strings.TrimRight(string(pw), "\r\n"))
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// redactURL hides a password in the URL for logs.
func redactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		if q := u.Query(); q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.Redacted()
	}
	return "(invalid URL)"
}

func openDB() (*sql.DB, string, error) {
	dsn, err := databaseURL()
	if err != nil {
		return nil, "", err
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return nil, "", err
	}
	db.SetMaxOpenConns(4)
	db.SetConnMaxIdleTime(time.Minute)
	return db, redactURL(dsn), nil
}

const ordersSchema = `CREATE TABLE IF NOT EXISTS orders (
	id serial PRIMARY KEY,
	item text NOT NULL,
	created_at timestamptz DEFAULT now()
)`

func migrate(args []string) int {
	fs := newFlags()
	wait := fs.Duration("timeout", 60*time.Second, "how long to wait for the database")
	if !parseFlags(fs, args) {
		return 2
	}
	if rest := fs.Args(); len(rest) > 1 || len(rest) == 1 && rest[0] != "up" {
		logf("error: usage: migrate [--timeout=60s] up")
		return 2
	}
	db, where, err := openDB()
	if err != nil {
		logf("error: %v", err)
		return 1
	}
	defer db.Close()
	ctx := signalContext()
	deadline := time.Now().Add(*wait)
	for attempt := 1; ; attempt++ {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = db.PingContext(pctx)
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			logf("error: database %s not reachable: %v", where, err)
			return 1
		}
		if attempt == 1 || attempt%5 == 0 {
			logf("waiting for %s: %v", where, err)
		}
		sleepCtx(ctx, 2*time.Second)
	}
	if _, err := db.ExecContext(ctx, ordersSchema); err != nil {
		logf("error: %v", err)
		return 1
	}
	logf("schema up to date")
	return 0
}

func ordersAPI(args []string) int {
	fs := newFlags()
	listen := fs.String("listen", listenAddr("8080"), "HTTP listen address")
	if !parseFlags(fs, args) {
		return 2
	}
	db, where, err := openDB()
	if err != nil {
		logf("error: %v", err)
		return 1
	}
	defer db.Close()
	logf("orders-api on %s using %s", hostname(), where)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", ok)
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		var one int
		if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
			text(w, http.StatusServiceUnavailable, "database not ready: %v", err)
			return
		}
		text(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("POST /orders", func(w http.ResponseWriter, r *http.Request) {
		item := r.URL.Query().Get("item")
		if item == "" {
			text(w, http.StatusBadRequest, "item is required")
			return
		}
		var id int64
		if err := db.QueryRowContext(r.Context(), "INSERT INTO orders (item) VALUES ($1) RETURNING id", item).Scan(&id); err != nil {
			logf("error: insert: %v", err)
			text(w, http.StatusServiceUnavailable, "database error: %v", err)
			return
		}
		logf("order %d: %s", id, item)
		text(w, http.StatusCreated, "%d", id)
	})
	mux.HandleFunc("GET /orders/count", func(w http.ResponseWriter, r *http.Request) {
		var n int64
		if err := db.QueryRowContext(r.Context(), "SELECT count(*) FROM orders").Scan(&n); err != nil {
			text(w, http.StatusServiceUnavailable, "database error: %v", err)
			return
		}
		text(w, http.StatusOK, "%d", n)
	})
	return serveUntilSignal(signalContext(), *listen, mux)
}
