// Roles queue-producer and queue-worker (the work-queue and scalewhale examples: thumbnail-,
// transcode- and scalewhale-producer; thumbnailer, transcoder and scalewhale-worker): a Redis
// list as a work queue with exactly-once bookkeeping. The producer fills the list once; each
// worker pops items until the queue stays empty, and records every item in the set
// <queue>:done, counting <queue>:processed, or <queue>:duplicates for an item seen twice.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

// queueEnv is the queue's address and name from QUEUE_URL (or QUEUE_HOST and QUEUE_PORT) and
// QUEUE_NAME.
func queueEnv() (url, name string) {
	url = os.Getenv("QUEUE_URL")
	if url == "" {
		url = "redis://" + net.JoinHostPort(envOr("QUEUE_HOST", "127.0.0.1"), envOr("QUEUE_PORT", "6379"))
	}
	return url, envOr("QUEUE_NAME", "work")
}

// waitForRedis connects and PINGs every second until it works, ctx ends or wait passes.
func waitForRedis(ctx context.Context, url string, wait time.Duration) (*redisConn, error) {
	deadline := time.Now().Add(wait)
	for attempt := 1; ; attempt++ {
		c, err := dialRedis(url, 3*time.Second)
		if err == nil {
			if _, err = c.Do("PING"); err == nil {
				return c, nil
			}
			c.Close()
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("redis at %s not reachable within %s: %w", url, wait, err)
		}
		if attempt == 1 || attempt%10 == 0 {
			logf("waiting for redis at %s: %v", url, err)
		}
		if !sleepCtx(ctx, time.Second) {
			return nil, ctx.Err()
		}
	}
}

func queueProducer(args []string) int {
	url, queue := queueEnv()
	fs := newFlags()
	count := fs.Int("count", 100, "number of items")
	pictures := fs.Int("pictures", 0, "alias of --count")
	prefix := fs.String("bucket", queue, "item name prefix")
	wait := fs.Duration("wait", 120*time.Second, "how long to wait for Redis")
	if !parseFlags(fs, args) {
		return 2
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "pictures" {
			*count = *pictures
		}
	})
	if *count < 0 {
		logf("error: --count must be at least 0")
		return 2
	}
	ctx := signalContext()
	c, err := waitForRedis(ctx, url, *wait)
	if err != nil {
		logf("error: %v", err)
		return 1
	}
	defer c.Close()
	c.timeout = 30 * time.Second
	if n, err := c.Int("EXISTS", queue+":produced"); err != nil {
		logf("error: %v", err)
		return 1
	} else if n == 1 {
		logf("queue %s was already produced (%s:produced exists): nothing to do", queue, queue)
		return 0
	}
	// All items, the counters and the marker in one transaction: a retried Job never pushes twice.
	cmds := [][]string{{"MULTI"}}
	for start := 0; start < *count; start += 100 {
		cmd := []string{"RPUSH", queue}
		for i := start; i < min(start+100, *count); i++ {
			cmd = append(cmd, fmt.Sprintf("%s-%d", *prefix, i))
		}
		cmds = append(cmds, cmd)
	}
	cmds = append(cmds,
		[]string{"SET", queue + ":processed", "0", "NX"}, // the counters exist from now on
		[]string{"SET", queue + ":duplicates", "0", "NX"},
		[]string{"SET", queue + ":produced", strconv.Itoa(*count)},
		[]string{"EXEC"})
	for _, cmd := range cmds {
		if _, err := c.Do(cmd...); err != nil {
			logf("error: %s: %v", cmd[0], err)
			return 1
		}
	}
	logf("produced %d items to %s", *count, queue)
	return 0
}

func queueWorker(args []string) int {
	url, queue := queueEnv()
	fs := newFlags()
	fs.Bool("drain", true, "take items until the queue is empty (the only mode)")
	startTimeout := fs.Duration("start-timeout", 120*time.Second, "how long to wait for Redis and the first item")
	idleExit := fs.Duration("idle-exit", 3*time.Second, "exit once the queue has been empty this long")
	work := fs.Duration("work", 50*time.Millisecond, "simulated work per item")
	if !parseFlags(fs, args) {
		return 2
	}
	ctx := signalContext()
	host := hostname()
	start := time.Now()
	c, err := waitForRedis(ctx, url, *startTimeout)
	if err != nil {
		if ctx.Err() != nil {
			logf("worker %s done: processed 0 items", host)
			return 0
		}
		logf("error: %v", err)
		return 1
	}
	defer func() {
		if c != nil {
			c.Close()
		}
	}()
	logf("worker %s draining %s at %s", host, queue, url)

	taken, lastItem, failingSince := 0, time.Time{}, time.Time{}
	for ctx.Err() == nil {
		reply, err := c.DoTimeout(3*time.Second, "BRPOP", queue, "1")
		if err != nil {
			// Reconnect; give up after start-timeout of failures.
			if failingSince.IsZero() {
				failingSince = time.Now()
			} else if time.Since(failingSince) > *startTimeout {
				logf("error: redis failing for %s: %v", *startTimeout, err)
				return 1
			}
			logf("redis error: %v (reconnecting)", err)
			c.Close()
			if c, err = waitForRedis(ctx, url, *startTimeout); err != nil {
				if ctx.Err() != nil {
					break
				}
				logf("error: %v", err)
				return 1
			}
			continue
		}
		failingSince = time.Time{}
		if pair, isPair := reply.([]any); isPair && len(pair) == 2 {
			item, _ := pair[1].(string)
			if err := processItem(c, queue, item, *work); err != nil {
				logf("error: %s: %v", item, err)
				return 1
			}
			taken++
			lastItem = time.Now()
			continue
		}
		// The list was empty for a second.
		if taken > 0 && time.Since(lastItem) >= *idleExit {
			break
		}
		if taken == 0 && time.Since(start) >= *idleExit && queueFinished(c, queue) {
			break
		}
		if taken == 0 && time.Since(start) >= *startTimeout {
			logf("error: no item arrived within %s", *startTimeout)
			return 1
		}
	}
	logf("worker %s done: processed %d items", host, taken)
	return 0
}

// processItem does the (simulated) work and records the item exactly once.
func processItem(c *redisConn, queue, item string, work time.Duration) error {
	time.Sleep(work)
	added, err := c.Int("SADD", queue+":done", item)
	if err != nil {
		return err
	}
	if added == 1 {
		_, err = c.Do("INCR", queue+":processed")
		logf("processed %s", item)
	} else {
		_, err = c.Do("INCR", queue+":duplicates")
		logf("DUPLICATE %s", item)
	}
	return err
}

// queueFinished tells whether the producer has run and the list is empty.
func queueFinished(c *redisConn, queue string) bool {
	produced, err1 := c.Int("EXISTS", queue+":produced")
	length, err2 := c.Int("LLEN", queue)
	return err1 == nil && err2 == nil && produced == 1 && length == 0
}
