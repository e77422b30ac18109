package main

import (
	"bufio"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeMemcached serves set/get from a map; keys starting with "fail" answer SERVER_ERROR, as
// twemproxy does when a key's shard is down.
func fakeMemcached(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var mu sync.Mutex
	data := map[string]string{}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					f := strings.Fields(line)
					switch {
					case len(f) == 5 && f[0] == "set":
						n, _ := strconv.Atoi(f[4])
						buf := make([]byte, n+2)
						if _, err := r.Read(buf); err != nil {
							return
						}
						if strings.HasPrefix(f[1], "fail") {
							c.Write([]byte("SERVER_ERROR Host is down\r\n"))
							continue
						}
						mu.Lock()
						data[f[1]] = string(buf[:n])
						mu.Unlock()
						c.Write([]byte("STORED\r\n"))
					case len(f) == 2 && f[0] == "get":
						mu.Lock()
						v, found := data[f[1]]
						mu.Unlock()
						if found {
							c.Write([]byte("VALUE " + f[1] + " 0 " + strconv.Itoa(len(v)) + "\r\n" + v + "\r\n"))
						}
						c.Write([]byte("END\r\n"))
					default:
						c.Write([]byte("ERROR\r\n"))
					}
				}
			}(c)
		}
	}()
	return ln.Addr().String()
}

func TestMemcacheSetGet(t *testing.T) {
	c, err := dialMemcache(fakeMemcached(t), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Set("user:1", "alice"); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if v, found, err := c.Get("user:1"); err != nil || !found || v != "alice" {
		t.Fatalf("Get(user:1) = %q, %v, %v", v, found, err)
	}
	if _, found, err := c.Get("user:2"); err != nil || found {
		t.Fatalf("Get(user:2) = found %v, %v; want a miss", found, err)
	}
	if err := c.Set("fail:1", "x"); err == nil || !strings.Contains(err.Error(), "SERVER_ERROR Host is down") {
		t.Fatalf("Set(fail:1) = %v, want the server's error", err)
	}
}

func TestValidMemcacheKey(t *testing.T) {
	for key, want := range map[string]bool{"a": true, "user:1": true, "": false, "a b": false, "a\r\n": false, strings.Repeat("k", 251): false} {
		if got := validMemcacheKey(key); got != want {
			t.Errorf("validMemcacheKey(%q) = %v, want %v", key, got, want)
		}
	}
}
