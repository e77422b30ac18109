// Role sleep: a stand-in for sleep(1), linked as /bin/sleep in the orders-api image, whose
// GracefulShutdown preStop hook runs `sleep 10` (the image has no shell or coreutils).
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

func sleepRole(args []string) int {
	var total time.Duration
	for _, a := range args {
		d, err := parseSleep(a)
		if err != nil {
			fmt.Fprintf(os.Stderr, "sleep: invalid time interval %q\n", a)
			return 1
		}
		total += d
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "sleep: missing operand")
		return 1
	}
	time.Sleep(total)
	return 0
}

// parseSleep reads "10", "1.5", "2s", "3m", "1h" or "1d" like GNU sleep.
func parseSleep(s string) (time.Duration, error) {
	unit := time.Second
	for suffix, u := range map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour} {
		if strings.HasSuffix(s, suffix) {
			s, unit = strings.TrimSuffix(s, suffix), u
			break
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("invalid interval")
	}
	return time.Duration(f * float64(unit)), nil
}
