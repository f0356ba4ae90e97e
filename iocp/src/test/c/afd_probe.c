/*
 * afd_probe: checks, at C level, the x64 layouts and the call sequence that jpoll's iocp backend
 * assumes (Layout.java, WindowsAfdPort.java, SocketState.java). It does NOT run jpoll's Java code;
 * it only shows that a C program making the same calls with the same offsets gets the answers the
 * Java code expects. Run under Wine it shows what Wine's AFD emulation answers, not Windows.
 *
 *   x86_64-w64-mingw32-gcc -O1 -Wall -o afd_probe.exe afd_probe.c -lws2_32
 *   wine afd_probe.exe        (or run it on Windows x64)
 *
 * Exit status 0 when every check passed; each check prints one line.
 */
#include <winsock2.h>
#include <windows.h>
#include <winternl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    HANDLE Handle;
    ULONG Events;
    NTSTATUS Status;
} PollHandle;

typedef struct {
    LARGE_INTEGER Timeout;
    ULONG NumberOfHandles;
    ULONG Exclusive;
    PollHandle Handles[1];
} PollInfo;

/* One socket's block, as SocketState lays it out: IOSB, AFD_POLL_INFO, the cancel IOSB. */
typedef struct {
    IO_STATUS_BLOCK iosb;
    PollInfo info;
    IO_STATUS_BLOCK cancel_iosb;
} Block;

typedef NTSTATUS (NTAPI *CreateFileFn)(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES, PIO_STATUS_BLOCK,
                                       PLARGE_INTEGER, ULONG, ULONG, ULONG, ULONG, PVOID, ULONG);
typedef NTSTATUS (NTAPI *IoctlFn)(HANDLE, HANDLE, PVOID, PVOID, PIO_STATUS_BLOCK, ULONG, PVOID, ULONG,
                                  PVOID, ULONG);
typedef NTSTATUS (NTAPI *CancelFn)(HANDLE, PIO_STATUS_BLOCK, PIO_STATUS_BLOCK);

#define RECEIVE 0x1
#define RECEIVE_EXPEDITED 0x2
#define SEND 0x4
#define DISCONNECT 0x8
#define ABORT 0x10
#define LOCAL_CLOSE 0x20
#define ACCEPT 0x80
#define CONNECT_FAIL 0x100
#define READ_MASK (RECEIVE | DISCONNECT | ACCEPT | ABORT | CONNECT_FAIL | LOCAL_CLOSE)
#define WRITE_MASK (SEND | ABORT | CONNECT_FAIL | LOCAL_CLOSE)
#define STATUS_PENDING_ 0x103
#define STATUS_CANCELLED_ ((NTSTATUS) 0xC0000120)
#define STATUS_NOT_FOUND_ ((NTSTATUS) 0xC0000225)

static int failures;

static void check(const char *what, long long got, long long want) {
    int ok = got == want;
    printf("%-4s %-58s got %lld want %lld\n", ok ? "ok" : "FAIL", what, got, want);
    if (!ok) {
        failures++;
    }
}

static void layouts(void) {
    check("sizeof OVERLAPPED_ENTRY", sizeof(OVERLAPPED_ENTRY), 32);
    check("OVERLAPPED_ENTRY.lpCompletionKey", offsetof(OVERLAPPED_ENTRY, lpCompletionKey), 0);
    check("OVERLAPPED_ENTRY.lpOverlapped", offsetof(OVERLAPPED_ENTRY, lpOverlapped), 8);
    check("OVERLAPPED_ENTRY.Internal", offsetof(OVERLAPPED_ENTRY, Internal), 16);
    check("OVERLAPPED_ENTRY.dwNumberOfBytesTransferred", offsetof(OVERLAPPED_ENTRY, dwNumberOfBytesTransferred), 24);
    check("sizeof IO_STATUS_BLOCK", sizeof(IO_STATUS_BLOCK), 16);
    check("IO_STATUS_BLOCK.Status", offsetof(IO_STATUS_BLOCK, Status), 0);
    check("IO_STATUS_BLOCK.Information", offsetof(IO_STATUS_BLOCK, Information), 8);
    check("sizeof UNICODE_STRING", sizeof(UNICODE_STRING), 16);
    check("UNICODE_STRING.MaximumLength", offsetof(UNICODE_STRING, MaximumLength), 2);
    check("UNICODE_STRING.Buffer", offsetof(UNICODE_STRING, Buffer), 8);
    check("sizeof OBJECT_ATTRIBUTES", sizeof(OBJECT_ATTRIBUTES), 48);
    check("OBJECT_ATTRIBUTES.RootDirectory", offsetof(OBJECT_ATTRIBUTES, RootDirectory), 8);
    check("OBJECT_ATTRIBUTES.ObjectName", offsetof(OBJECT_ATTRIBUTES, ObjectName), 16);
    check("OBJECT_ATTRIBUTES.Attributes", offsetof(OBJECT_ATTRIBUTES, Attributes), 24);
    check("OBJECT_ATTRIBUTES.SecurityDescriptor", offsetof(OBJECT_ATTRIBUTES, SecurityDescriptor), 32);
    check("OBJECT_ATTRIBUTES.SecurityQualityOfService", offsetof(OBJECT_ATTRIBUTES, SecurityQualityOfService), 40);
    check("sizeof AFD_POLL_HANDLE_INFO", sizeof(PollHandle), 16);
    check("AFD_POLL_HANDLE_INFO.Events", offsetof(PollHandle, Events), 8);
    check("AFD_POLL_HANDLE_INFO.Status", offsetof(PollHandle, Status), 12);
    check("sizeof AFD_POLL_INFO", sizeof(PollInfo), 32);
    check("AFD_POLL_INFO.NumberOfHandles", offsetof(PollInfo, NumberOfHandles), 8);
    check("AFD_POLL_INFO.Exclusive", offsetof(PollInfo, Exclusive), 12);
    check("AFD_POLL_INFO.Handles", offsetof(PollInfo, Handles), 16);
    check("block: poll info at", offsetof(Block, info), 16);
    check("block: cancel IOSB at", offsetof(Block, cancel_iosb), 48);
    check("block size", sizeof(Block), 64);
}

static IoctlFn ioctl_fn;
static CancelFn cancel_fn;

static NTSTATUS start_poll(HANDLE helper, Block *b, SOCKET base, ULONG mask) {
    memset(b, 0, sizeof *b);
    b->iosb.Status = STATUS_PENDING_;
    b->info.Timeout.QuadPart = 0x7FFFFFFFFFFFFFFFLL;
    b->info.NumberOfHandles = 1;
    b->info.Exclusive = 0;
    b->info.Handles[0].Handle = (HANDLE) base;
    b->info.Handles[0].Events = mask;
    /* The IOSB's address is the ApcContext, which comes back as lpOverlapped. */
    return ioctl_fn(helper, NULL, NULL, &b->iosb, &b->iosb, 0x00012024, &b->info, sizeof b->info,
                    &b->info, sizeof b->info);
}

static int dequeue(HANDLE port, OVERLAPPED_ENTRY *e, DWORD ms) {
    ULONG n = 0;
    if (!GetQueuedCompletionStatusEx(port, e, 1, &n, ms, FALSE)) {
        return GetLastError() == WAIT_TIMEOUT ? 0 : -1;
    }
    return (int) n;
}

static SOCKET base_of(SOCKET s) {
    SOCKET base = INVALID_SOCKET;
    DWORD bytes = 0;
    if (WSAIoctl(s, 0x48000022, NULL, 0, &base, sizeof base, &bytes, NULL, NULL) == SOCKET_ERROR) {
        printf("note SIO_BASE_HANDLE failed: %d, trying SIO_BSP_HANDLE_POLL\n", WSAGetLastError());
        if (WSAIoctl(s, 0x4800001D, NULL, 0, &base, sizeof base, &bytes, NULL, NULL) == SOCKET_ERROR) {
            return s;
        }
    }
    return base;
}

static void sequence(void) {
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    CreateFileFn create_fn = (CreateFileFn) (void *) GetProcAddress(ntdll, "NtCreateFile");
    ioctl_fn = (IoctlFn) (void *) GetProcAddress(ntdll, "NtDeviceIoControlFile");
    cancel_fn = (CancelFn) (void *) GetProcAddress(ntdll, "NtCancelIoFileEx");
    check("ntdll exports the three functions", create_fn && ioctl_fn && cancel_fn, 1);
    if (!create_fn || !ioctl_fn || !cancel_fn) {
        return;
    }

    WSADATA wsa;
    check("WSAStartup(2.2)", WSAStartup(MAKEWORD(2, 2), &wsa), 0);
    SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    struct sockaddr_in addr;
    int len = sizeof addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listener, (struct sockaddr *) &addr, sizeof addr);
    listen(listener, 1);
    getsockname(listener, (struct sockaddr *) &addr, &len);
    SOCKET client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    check("connect over loopback", connect(client, (struct sockaddr *) &addr, sizeof addr), 0);
    SOCKET server = accept(listener, NULL, NULL);
    check("accept", server != INVALID_SOCKET, 1);

    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    check("CreateIoCompletionPort", port != NULL, 1);

    static const WCHAR name_chars[] = L"\\Device\\Afd\\Jpoll";
    UNICODE_STRING name = {sizeof name_chars - sizeof(WCHAR), sizeof name_chars, (PWSTR) name_chars};
    OBJECT_ATTRIBUTES attributes = {.Length = sizeof attributes, .ObjectName = &name};
    IO_STATUS_BLOCK open_iosb;
    HANDLE helper = NULL;
    NTSTATUS st = create_fn(&helper, SYNCHRONIZE, &attributes, &open_iosb, NULL, 0,
                            FILE_SHARE_READ | FILE_SHARE_WRITE, 1 /* FILE_OPEN */, 0, NULL, 0);
    check("NtCreateFile(\\Device\\Afd\\Jpoll) status", st, 0);
    if (st != 0) {
        return;
    }
    check("CreateIoCompletionPort(helper, port)", CreateIoCompletionPort(helper, port, 0, 0) == port, 1);
    check("SetFileCompletionNotificationModes(SKIP_SET_EVENT)",
          SetFileCompletionNotificationModes(helper, FILE_SKIP_SET_EVENT_ON_HANDLE) != 0, 1);

    SOCKET server_base = base_of(server), client_base = base_of(client);
    OVERLAPPED_ENTRY e;
    Block a, b, c, d;

    /* Not readable yet: the poll pends and nothing is queued. */
    check("poll(server, READ) pends", start_poll(helper, &a, server_base, READ_MASK), STATUS_PENDING_);
    check("nothing queued before data", dequeue(port, &e, 0), 0);
    send(client, "x", 1, 0);
    check("one completion after send", dequeue(port, &e, 2000), 1);
    check("lpOverlapped is the IOSB", e.lpOverlapped == (LPOVERLAPPED) &a.iosb, 1);
    check("completion key is the helper's (0)", (long long) e.lpCompletionKey, 0);
    check("IOSB status", a.iosb.Status, 0);
    check("NumberOfHandles", a.info.NumberOfHandles, 1);
    check("events: RECEIVE only", a.info.Handles[0].Events, RECEIVE);

    /* Already writable: the poll completes at once, and still queues a completion. */
    st = start_poll(helper, &b, client_base, WRITE_MASK);
    check("poll(client, WRITE) success or pending", st == 0 || st == STATUS_PENDING_, 1);
    check("completion for writable", dequeue(port, &e, 2000), 1);
    check("it is the write poll", e.lpOverlapped == (LPOVERLAPPED) &b.iosb, 1);
    check("events: SEND", b.info.Handles[0].Events, SEND);

    /* Cancel: STATUS_CANCELLED in the IOSB, then STATUS_NOT_FOUND for a second cancel. */
    check("poll(server, PRIORITY) pends", start_poll(helper, &c, server_base, RECEIVE_EXPEDITED | LOCAL_CLOSE),
          STATUS_PENDING_);
    check("NtCancelIoFileEx", cancel_fn(helper, &c.iosb, &c.cancel_iosb), 0);
    check("completion for the cancelled poll", dequeue(port, &e, 2000), 1);
    check("cancelled IOSB status", c.iosb.Status, STATUS_CANCELLED_);
    printf("note cancelled poll's Events field: 0x%lx (the selector never reads it)\n", c.info.Handles[0].Events);
    check("second cancel", cancel_fn(helper, &c.iosb, &c.cancel_iosb), STATUS_NOT_FOUND_);

    /* A poll that completed but was not dequeued yet: the cancel finds nothing, and the
     * completion still comes with the real events (the selector's deregister-after-ready case). */
    Block f;
    send(client, "y", 1, 0);
    st = start_poll(helper, &f, server_base, READ_MASK);
    check("poll(server, READ) on pending data: success or pending", st == 0 || st == STATUS_PENDING_, 1);
    Sleep(50); /* let a pending poll complete; the check below does not depend on it */
    st = cancel_fn(helper, &f.iosb, &f.cancel_iosb);
    printf("note cancel of a completed poll returned 0x%lx\n", (unsigned long) st);
    check("completion of the completed poll", dequeue(port, &e, 2000), 1);
    check("its status is not STATUS_CANCELLED when the cancel found nothing",
          st == STATUS_NOT_FOUND_ ? f.iosb.Status : 0, 0);

    /* A posted packet keeps all 64 bits of its key and a NULL lpOverlapped. */
    PostQueuedCompletionStatus(port, 1, (ULONG_PTR) 0x8000000000000001ULL, NULL);
    check("posted packet dequeued", dequeue(port, &e, 2000), 1);
    check("posted key, 64 bits", (long long) e.lpCompletionKey, (long long) 0x8000000000000001ULL);
    check("posted lpOverlapped NULL", e.lpOverlapped == NULL, 1);
    check("posted bytes", e.dwNumberOfBytesTransferred, 1);

    /* Closing the socket completes its pending poll with LOCAL_CLOSE. */
    char bytes[2];
    recv(server, bytes, 2, 0);
    check("poll(server, READ) pends again", start_poll(helper, &d, server_base, READ_MASK), STATUS_PENDING_);
    closesocket(server);
    check("completion after closesocket", dequeue(port, &e, 2000), 1);
    check("events: LOCAL_CLOSE", d.info.Handles[0].Events & LOCAL_CLOSE, LOCAL_CLOSE);

    closesocket(client);
    closesocket(listener);
    CloseHandle(helper);
    CloseHandle(port);
}

int main(void) {
    layouts();
    sequence();
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
    return failures ? 1 : 0;
}
