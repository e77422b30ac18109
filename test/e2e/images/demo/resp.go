// A minimal Redis client speaking plain RESP2: no HELLO, no CLIENT SETINFO, nothing but the
// commands a role sends (so it also works through twemproxy, which drops unknown commands).
// Used by visit-counter and the queue roles.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// redisError is an error reply ("-ERR ...") from the server.
type redisError string

func (e redisError) Error() string { return "redis: " + string(e) }

// redisConn is one connection; it is not safe for concurrent use.
type redisConn struct {
	conn    net.Conn
	r       *bufio.Reader
	timeout time.Duration
}

// redisAddr turns "redis://[:password@]host[:port]" or "host[:port]" into host:port and password.
func redisAddr(raw string) (addr, password string, err error) {
	if !strings.Contains(raw, "://") {
		raw = "redis://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", err
	}
	if u.Scheme != "redis" {
		return "", "", fmt.Errorf("unsupported scheme %q (want redis://)", u.Scheme)
	}
	if u.Hostname() == "" {
		return "", "", fmt.Errorf("no host in %q", raw)
	}
	port := u.Port()
	if port == "" {
		port = "6379"
	}
	if u.User != nil {
		password, _ = u.User.Password()
	}
	return net.JoinHostPort(u.Hostname(), port), password, nil
}

// dialRedis connects to a redis:// URL; every command then has the given timeout.
func dialRedis(rawURL string, timeout time.Duration) (*redisConn, error) {
	addr, password, err := redisAddr(rawURL)
	if err != nil {
		return nil, err
	}
	conn, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	c := &redisConn{conn: conn, r: bufio.NewReader(conn), timeout: timeout}
	if password != "" {
		if _, err := c.Do("AUTH", password); err != nil {
			conn.Close()
			return nil, err
		}
	}
	return c, nil
}

func (c *redisConn) Close() error { return c.conn.Close() }

// Do sends one command and reads its reply: int64, string, nil, []any, or a redisError.
func (c *redisConn) Do(args ...string) (any, error) {
	return c.DoTimeout(c.timeout, args...)
}

// DoTimeout is Do with another timeout, for blocking commands such as BRPOP.
func (c *redisConn) DoTimeout(timeout time.Duration, args ...string) (any, error) {
	c.conn.SetDeadline(time.Now().Add(timeout))
	if _, err := c.conn.Write(encodeCommand(args)); err != nil {
		return nil, err
	}
	reply, err := readReply(c.r)
	if err != nil {
		return nil, err
	}
	if e, isErr := reply.(redisError); isErr {
		return nil, e
	}
	return reply, nil
}

// Int runs a command whose reply is an integer.
func (c *redisConn) Int(args ...string) (int64, error) {
	reply, err := c.Do(args...)
	if err != nil {
		return 0, err
	}
	n, isInt := reply.(int64)
	if !isInt {
		return 0, fmt.Errorf("redis: %s: unexpected reply %T", args[0], reply)
	}
	return n, nil
}

// encodeCommand encodes a command as a RESP array of bulk strings.
func encodeCommand(args []string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	return []byte(b.String())
}

// readReply reads one RESP2 reply. Error replies are returned as a redisError value.
func readReply(r *bufio.Reader) (any, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return nil, errors.New("redis: malformed reply line")
	}
	kind, body := line[0], line[1:len(line)-2]
	switch kind {
	case '+':
		return body, nil
	case '-':
		return redisError(body), nil
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, nil
		}
		items := make([]any, n)
		for i := range items {
			if items[i], err = readReply(r); err != nil {
				return nil, err
			}
		}
		return items, nil
	}
	return nil, fmt.Errorf("redis: unknown reply type %q", kind)
}
