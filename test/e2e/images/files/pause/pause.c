/*
 * The pod sandbox's process (the kubelet's "pause" container): holds the pod's namespaces,
 * reaps zombies when it is PID 1, exits on SIGINT/SIGTERM. Written for cdk8s-patterns' e2e
 * after the contract of registry.k8s.io/pause (kubernetes/build/pause/linux/pause.c).
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void quit(int sig) { (void)sig; _exit(0); }
static void reap(int sig) { (void)sig; while (waitpid(-1, NULL, WNOHANG) > 0) {} }

int main(void) {
  struct sigaction q = { .sa_handler = quit }, r = { .sa_handler = reap, .sa_flags = SA_NOCLDSTOP };
  sigaction(SIGINT, &q, NULL);
  sigaction(SIGTERM, &q, NULL);
  sigaction(SIGCHLD, &r, NULL);
  for (;;) pause();
  return 1;
}
