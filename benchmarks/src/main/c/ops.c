/*
 * The single-call benchmarks in C: the floor for jpoll's EmptyPollBenchmark and for the
 * register + deregister cycle of ChurnBenchmark.
 *
 *   emptyPoll           epoll_wait(ep, events, 1024, 0) on an epoll instance with nothing ready
 *   registerDeregister  epoll_ctl(ADD) of one connected TCP socket (EPOLLIN | EPOLLRDHUP, the
 *                       bits jpoll asks for READABLE) and epoll_ctl(DEL) of it again
 *
 * Prints one JSON object per line: op and the mean ns per operation of every timed run.
 *
 * Build: gcc -O2 -o ops ops.c
 * Usage: ops [--runs N] [--millis MS]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 1024
#define BATCH 64

static void die(const char *what) {
    fprintf(stderr, "ops: %s: %s\n", what, strerror(errno));
    exit(1);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One accepted, non-blocking end of a TCP loopback connection, as the Java benchmark registers. */
static int connected_socket(int *peer) {
    int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (server < 0) die("socket");
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    if (bind(server, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
    if (listen(server, 1) < 0) die("listen");
    if (getsockname(server, (struct sockaddr *)&addr, &len) < 0) die("getsockname");
    *peer = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (*peer < 0) die("socket");
    if (connect(*peer, (struct sockaddr *)&addr, sizeof addr) < 0) die("connect");
    int near = accept4(server, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (near < 0) die("accept4");
    close(server);
    return near;
}

struct context {
    int ep;
    int fd;
    struct epoll_event events[MAX_EVENTS];
};

static void empty_poll(struct context *c) {
    int n = epoll_wait(c->ep, c->events, MAX_EVENTS, 0);
    if (n != 0) {
        if (n < 0) die("epoll_wait");
        fprintf(stderr, "ops: emptyPoll: expected 0 ready, epoll_wait returned %d\n", n);
        exit(1);
    }
}

static void register_deregister(struct context *c) {
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u64 = 7};
    if (epoll_ctl(c->ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) die("epoll_ctl(ADD)");
    if (epoll_ctl(c->ep, EPOLL_CTL_DEL, c->fd, NULL) < 0) die("epoll_ctl(DEL)");
}

static int compare_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void measure(const char *name, void (*op)(struct context *), struct context *c, int runs, int millis) {
    double *ns = calloc((size_t)runs, sizeof *ns);
    if (!ns) die("calloc");
    /* Run -1 is warm-up; it is not reported. */
    for (int run = -1; run < runs; run++) {
        uint64_t budget = (uint64_t)millis * 1000000u, ops = 0;
        uint64_t start = now_ns();
        while (now_ns() - start < budget) {
            for (int i = 0; i < BATCH; i++) op(c);
            ops += BATCH;
        }
        if (run >= 0) ns[run] = (double)(now_ns() - start) / (double)ops;
    }
    printf("{\"op\":\"%s\",\"nsPerOp\":[", name);
    for (int i = 0; i < runs; i++) printf("%s%.1f", i ? "," : "", ns[i]);
    qsort(ns, (size_t)runs, sizeof *ns, compare_double);
    printf("],\"median\":%.1f}\n", runs % 2 ? ns[runs / 2] : (ns[runs / 2 - 1] + ns[runs / 2]) / 2);
    fflush(stdout);
    free(ns);
}

int main(int argc, char **argv) {
    int runs = 10, millis = 300;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
            runs = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--millis") && i + 1 < argc) {
            millis = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: ops [--runs N] [--millis MS]\n");
            return 2;
        }
    }
    if (runs < 1 || millis < 1) {
        fprintf(stderr, "ops: --runs and --millis must be positive\n");
        return 2;
    }
    static struct context c;
    int peer;
    c.ep = epoll_create1(EPOLL_CLOEXEC);
    if (c.ep < 0) die("epoll_create1");
    c.fd = connected_socket(&peer);
    measure("emptyPoll", empty_poll, &c, runs, millis);
    measure("registerDeregister", register_deregister, &c, runs, millis);
    close(c.fd);
    close(peer);
    close(c.ep);
    return 0;
}
