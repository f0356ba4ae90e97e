/*
 * A kqueue for Linux that answers change receipts the way the BSD kernels do, for running the
 * kqueue backend's tests over libkqueue in the one respect where libkqueue and xnu differ from
 * FreeBSD, OpenBSD, NetBSD and DragonFly: those kernels write a receipt as flags = EV_ERROR,
 * dropping EV_ADD / EV_DELETE and every other flag of the change (FreeBSD kqueue_kevent, OpenBSD
 * sys_kevent, NetBSD kevent1, DragonFly kern_kevent), where xnu ORs EV_ERROR into the change's
 * flags and libkqueue copies the change.
 *
 * It forwards kqueue(), kevent() and libkqueue_drain_pending_close() to a libkqueue it loads
 * itself, and after each kevent() call that submitted changes it rewrites every returned record
 * that carries EV_ERROR (the receipts) to flags = EV_ERROR. Records that are events, and
 * libkqueue's own EVFILT_LIBKQUEUE answers (no EV_ERROR), are left alone.
 *
 * Our own test tool; it contains no libkqueue code and does not build libkqueue. Build by hand:
 *   gcc -shared -fPIC -O2 -Wall -o /tmp/libkqueue-bsd-receipts.so kqueue/src/test/c/bsd_receipts.c -ldl
 * and run a suite over it, naming the real libkqueue in the environment:
 *   JPOLL_LIBKQUEUE=/path/to/libkqueue.so ./mvnw -B verify -pl integration-tests -am -Pkqueue \
 *       -Djpoll.kqueue.library=/tmp/libkqueue-bsd-receipts.so
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* libkqueue's struct kevent (include/sys/event.h.in): the 32-byte BSD layout on LP64. */
struct kevent {
    uintptr_t ident;
    short filter;
    unsigned short flags;
    unsigned int fflags;
    intptr_t data;
    void *udata;
};

#define EV_ERROR 0x4000

typedef int (*kqueue_fn)(void);
typedef int (*kevent_fn)(int, const struct kevent *, int, struct kevent *, int, const struct timespec *);
typedef void (*drain_fn)(void);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static kqueue_fn real_kqueue;
static kevent_fn real_kevent;
static drain_fn real_drain;

static void load(void) {
    const char *path = getenv("JPOLL_LIBKQUEUE");
    void *lib = dlopen(path != NULL ? path : "libkqueue.so.0", RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        fprintf(stderr, "bsd_receipts: cannot load libkqueue (set JPOLL_LIBKQUEUE): %s\n", dlerror());
        return;
    }
    real_kqueue = (kqueue_fn) dlsym(lib, "kqueue");
    real_kevent = (kevent_fn) dlsym(lib, "kevent");
    real_drain = (drain_fn) dlsym(lib, "libkqueue_drain_pending_close");
}

int kqueue(void) {
    pthread_once(&once, load);
    if (real_kqueue == NULL) {
        errno = ENOSYS;
        return -1;
    }
    return real_kqueue();
}

int kevent(int kq, const struct kevent *changelist, int nchanges, struct kevent *eventlist, int nevents,
           const struct timespec *timeout) {
    pthread_once(&once, load);
    if (real_kevent == NULL) {
        errno = ENOSYS;
        return -1;
    }
    int n = real_kevent(kq, changelist, nchanges, eventlist, nevents, timeout);
    if (n > 0 && nchanges > 0) {
        for (int i = 0; i < n; i++) {
            if (eventlist[i].flags & EV_ERROR) {
                eventlist[i].flags = EV_ERROR;
            }
        }
    }
    return n;
}

void libkqueue_drain_pending_close(void) {
    pthread_once(&once, load);
    if (real_drain != NULL) {
        real_drain();
    }
}
