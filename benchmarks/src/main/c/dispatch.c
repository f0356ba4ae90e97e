/*
 * The dispatch loop of benchmark 1 in C: the physical limit jpoll is measured against.
 *
 * 1,000 registrations (TCP loopback socket pairs or eventfds), K of them readable; one
 * non-blocking epoll_wait for up to 1,024 events and a pass over them (token and EPOLLIN of
 * each), exactly what the JMH benchmark does per operation. LEVEL polls as is, ONESHOT re-arms
 * each reported source with EPOLL_CTL_MOD inside the timed loop, EDGE makes a fresh edge on each
 * ready source before every poll outside the timing (as JMH's per-invocation setup does).
 *
 * Prints one JSON object per line: kind, trigger, ready, and the ns per poll of every run: the
 * mean for LEVEL and ONESHOT, the median of the single timed polls for EDGE (see the JMH EDGE
 * benchmark for why).
 *
 * Build: gcc -O2 -o dispatch dispatch.c
 * Usage: dispatch [--runs N] [--millis MS] [--ready 1,16,64]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define REGISTERED 1000
#define MAX_EVENTS 1024
#define MAX_READY 1000

enum kind { SOCKET, EVENTFD };
enum trigger { LEVEL, EDGE, ONESHOT };

static const char *KIND_NAMES[] = {"socket", "eventfd"};
static const char *TRIGGER_NAMES[] = {"LEVEL", "EDGE", "ONESHOT"};

struct fixture {
    enum kind kind;
    int near[REGISTERED]; /* registered: the accepted socket, or the eventfd */
    int far[REGISTERED];  /* the connecting socket that writes into near; -1 for eventfds */
};

static void die(const char *what) {
    fprintf(stderr, "dispatch: %s: %s\n", what, strerror(errno));
    exit(1);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void open_fixture(struct fixture *f, enum kind kind) {
    f->kind = kind;
    if (kind == EVENTFD) {
        for (int i = 0; i < REGISTERED; i++) {
            f->near[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            f->far[i] = -1;
            if (f->near[i] < 0) die("eventfd");
        }
        return;
    }
    int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (server < 0) die("socket");
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    if (bind(server, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
    if (listen(server, 128) < 0) die("listen");
    if (getsockname(server, (struct sockaddr *)&addr, &len) < 0) die("getsockname");
    for (int i = 0; i < REGISTERED; i++) {
        f->far[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (f->far[i] < 0) die("socket");
        if (connect(f->far[i], (struct sockaddr *)&addr, sizeof addr) < 0) die("connect");
        f->near[i] = accept4(server, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (f->near[i] < 0) die("accept4");
    }
    close(server);
}

static void close_fixture(struct fixture *f) {
    for (int i = 0; i < REGISTERED; i++) {
        close(f->near[i]);
        if (f->far[i] >= 0) close(f->far[i]);
    }
}

/* Makes source i readable (sockets: one more byte; eventfds: the counter plus one). */
static void poke(struct fixture *f, int i) {
    if (f->kind == EVENTFD) {
        uint64_t one = 1;
        if (write(f->near[i], &one, 8) != 8) die("write(eventfd)");
    } else if (write(f->far[i], "x", 1) != 1) {
        die("write(socket)");
    }
}

/*
 * Waits until what poke sent into pair i has arrived: loopback delivery runs in a softirq that a
 * loaded machine defers to ksoftirqd, so write() may return before the bytes are readable.
 */
static void await_arrival(struct fixture *f, int i) {
    struct pollfd p = {.fd = f->near[i], .events = POLLIN};
    int n = poll(&p, 1, 5000);
    if (n < 0) die("poll");
    if (n == 0) {
        fprintf(stderr, "dispatch: a byte sent into pair %d had not arrived after 5 s\n", i);
        exit(1);
    }
}

/* A fresh edge that keeps source i readable: sockets read one byte back and get a new one. */
static void renew(struct fixture *f, int i) {
    if (f->kind == SOCKET) {
        char c;
        if (read(f->near[i], &c, 1) != 1) die("read(socket)");
    }
    poke(f, i);
    if (f->kind == SOCKET) await_arrival(f, i);
}

static uint32_t epoll_bits(enum trigger t) {
    return EPOLLIN | EPOLLRDHUP | (t == EDGE ? EPOLLET : 0) | (t == ONESHOT ? EPOLLONESHOT : 0);
}

/* One poll and the pass over its events, as the JMH benchmark does; returns the event count. */
static int poll_once(int ep, struct epoll_event *events, enum trigger t, struct fixture *f,
                     volatile uint64_t *sink) {
    int n = epoll_wait(ep, events, MAX_EVENTS, 0);
    if (n < 0) die("epoll_wait");
    uint64_t sum = 0;
    int readable = 0;
    for (int i = 0; i < n; i++) {
        uint64_t token = events[i].data.u64;
        sum += token;
        if (events[i].events & EPOLLIN) readable++;
        if (t == ONESHOT) {
            struct epoll_event ev = {.events = epoll_bits(t), .data.u64 = token};
            if (epoll_ctl(ep, EPOLL_CTL_MOD, f->near[token], &ev) < 0) die("epoll_ctl(MOD)");
        }
    }
    *sink += sum + readable;
    return n;
}

static int compare_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sorts v in place. */
static double median(double *v, size_t n) {
    qsort(v, n, sizeof *v, compare_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void measure(enum kind kind, enum trigger t, int ready, int runs, int millis) {
    static struct fixture f;
    struct epoll_event events[MAX_EVENTS];
    int ready_index[MAX_READY];
    volatile uint64_t sink = 0;

    open_fixture(&f, kind);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    for (int i = 0; i < REGISTERED; i++) {
        struct epoll_event ev = {.events = epoll_bits(t), .data.u64 = (uint64_t)i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, f.near[i], &ev) < 0) die("epoll_ctl(ADD)");
    }
    for (int i = 0; i < ready; i++) {
        ready_index[i] = (int)((long)i * REGISTERED / ready);
        poke(&f, ready_index[i]);
        if (kind == SOCKET) await_arrival(&f, ready_index[i]);
    }

    double *ns = calloc((size_t)runs, sizeof *ns);
    size_t sample_cap = 1u << 20;
    double *samples = t == EDGE ? malloc(sample_cap * sizeof *samples) : NULL;
    /* Run 0 is warm-up (caches, branch predictors, the socket's memory); it is not reported. */
    for (int run = -1; run < runs; run++) {
        uint64_t budget = (uint64_t)millis * 1000000u, polls = 0;
        size_t sampled = 0;
        uint64_t wall_start = now_ns();
        while (now_ns() - wall_start < budget) {
            for (int batch = 0; batch < 64; batch++) {
                int n;
                if (t == EDGE) {
                    /* Timed one by one and scored by the median, as the JMH EDGE benchmark is. */
                    for (int i = 0; i < ready; i++) renew(&f, ready_index[i]);
                    uint64_t t0 = now_ns();
                    n = poll_once(ep, events, t, &f, &sink);
                    if (sampled < sample_cap) samples[sampled++] = (double)(now_ns() - t0);
                } else {
                    n = poll_once(ep, events, t, &f, &sink);
                }
                if (n != ready) {
                    fprintf(stderr, "dispatch: %s %s: expected %d ready, epoll_wait returned %d\n",
                            KIND_NAMES[kind], TRIGGER_NAMES[t], ready, n);
                    exit(1);
                }
                polls++;
            }
        }
        uint64_t elapsed = now_ns() - wall_start;
        if (run >= 0) ns[run] = t == EDGE ? median(samples, sampled) : (double)elapsed / (double)polls;
    }
    free(samples);

    printf("{\"kind\":\"%s\",\"trigger\":\"%s\",\"ready\":%d,\"nsPerPoll\":[", KIND_NAMES[kind],
           TRIGGER_NAMES[t], ready);
    for (int i = 0; i < runs; i++) printf("%s%.1f", i ? "," : "", ns[i]);
    printf("],\"median\":%.1f}\n", median(ns, (size_t)runs));
    fflush(stdout);
    free(ns);
    close(ep);
    close_fixture(&f);
}

int main(int argc, char **argv) {
    int runs = 10, millis = 500, ready_counts[8] = {1, 16, 64}, n_ready = 3;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
            runs = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--millis") && i + 1 < argc) {
            millis = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--ready") && i + 1 < argc) {
            n_ready = 0;
            for (char *tok = strtok(argv[++i], ","); tok && n_ready < 8; tok = strtok(NULL, ","))
                ready_counts[n_ready++] = atoi(tok);
        } else {
            fprintf(stderr, "usage: dispatch [--runs N] [--millis MS] [--ready 1,16,64]\n");
            return 2;
        }
    }
    if (runs < 1 || millis < 1) {
        fprintf(stderr, "dispatch: --runs and --millis must be positive\n");
        return 2;
    }
    for (int r = 0; r < n_ready; r++) {
        if (ready_counts[r] < 1 || ready_counts[r] > MAX_READY) {
            fprintf(stderr, "dispatch: --ready values must be 1 to %d\n", MAX_READY);
            return 2;
        }
        for (int k = SOCKET; k <= EVENTFD; k++)
            for (int t = LEVEL; t <= ONESHOT; t++) measure((enum kind)k, (enum trigger)t, ready_counts[r], runs, millis);
    }
    return 0;
}
