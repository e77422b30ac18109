// Role report-shard (ghcr.io/cdk8s-patterns/report-shard, the work-queue example): one pod of
// an Indexed Job, a static split of the work; the shard is JOB_COMPLETION_INDEX.
package main

import (
	"os"
	"strconv"
	"time"
)

func reportShard(args []string) int {
	fs := newFlags()
	work := fs.Duration("work", 500*time.Millisecond, "simulated work")
	if !parseFlags(fs, args) {
		return 2
	}
	raw, set := os.LookupEnv("JOB_COMPLETION_INDEX")
	index, err := strconv.Atoi(raw)
	if !set || err != nil || index < 0 {
		logf("error: JOB_COMPLETION_INDEX must be set to a shard number, got %q (run me in an Indexed Job)", raw)
		return 1
	}
	signalContext() // on SIGTERM the shard is still finished: it takes only --work
	logf("report shard %d started on %s", index, hostname())
	time.Sleep(*work)
	logf("report shard %d done", index)
	return 0
}
