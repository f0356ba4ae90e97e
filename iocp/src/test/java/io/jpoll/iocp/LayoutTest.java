package io.jpoll.iocp;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import io.jpoll.Interests;
import io.jpoll.spi.EventSink;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The hand-written x64 offsets of {@link Layout} against JNA's own layout of the same C structs
 * (MSVC alignment, 8-byte pointers), and the selector's reads and writes against those structs.
 * This runs on Linux x86_64, whose natural alignment of these member types equals Windows x64's.
 */
class LayoutTest {
    /** A C struct laid out by JNA with MSVC alignment, its offsets open to the test. */
    public abstract static class CStruct extends Structure {
        CStruct() {
            super(ALIGN_MSVC);
        }

        CStruct(Pointer p) {
            super(p, ALIGN_MSVC);
        }

        int offsetOf(String field) {
            return fieldOffset(field);
        }
    }

    /** OVERLAPPED_ENTRY. */
    @Structure.FieldOrder({"lpCompletionKey", "lpOverlapped", "Internal", "dwNumberOfBytesTransferred"})
    public static class OverlappedEntry extends CStruct {
        public long lpCompletionKey;
        public Pointer lpOverlapped;
        public long Internal;
        public int dwNumberOfBytesTransferred;

        public OverlappedEntry(Pointer p) {
            super(p);
        }
    }

    /** IO_STATUS_BLOCK, its union's NTSTATUS member first. */
    @Structure.FieldOrder({"Status", "Information"})
    public static class IoStatusBlock extends CStruct {
        public int Status;
        public long Information;

        public IoStatusBlock(Pointer p) {
            super(p);
        }
    }

    /** AFD_POLL_HANDLE_INFO. */
    @Structure.FieldOrder({"Handle", "Events", "Status"})
    public static class AfdPollHandleInfo extends CStruct {
        public Pointer Handle;
        public int Events;
        public int Status;

        public AfdPollHandleInfo() {
            super();
        }

        public AfdPollHandleInfo(Pointer p) {
            super(p);
        }
    }

    /** AFD_POLL_INFO with one handle. */
    @Structure.FieldOrder({"Timeout", "NumberOfHandles", "Exclusive", "Handles"})
    public static class AfdPollInfo extends CStruct {
        public long Timeout;
        public int NumberOfHandles;
        public int Exclusive;
        public AfdPollHandleInfo[] Handles = new AfdPollHandleInfo[1];

        public AfdPollInfo(Pointer p) {
            super(p);
        }
    }

    /** UNICODE_STRING. */
    @Structure.FieldOrder({"Length", "MaximumLength", "Buffer"})
    public static class UnicodeString extends CStruct {
        public short Length;
        public short MaximumLength;
        public Pointer Buffer;

        public UnicodeString(Pointer p) {
            super(p);
        }
    }

    /** OBJECT_ATTRIBUTES. */
    @Structure.FieldOrder({"Length", "RootDirectory", "ObjectName", "Attributes", "SecurityDescriptor",
            "SecurityQualityOfService"})
    public static class ObjectAttributes extends CStruct {
        public int Length;
        public Pointer RootDirectory;
        public Pointer ObjectName;
        public int Attributes;
        public Pointer SecurityDescriptor;
        public Pointer SecurityQualityOfService;

        public ObjectAttributes(Pointer p) {
            super(p);
        }
    }

    private static final Memory SCRATCH = new Memory(256);

    @Test
    void overlappedEntry() {
        OverlappedEntry s = new OverlappedEntry(SCRATCH);
        assertEquals(32, Layout.ENTRY_SIZE);
        assertEquals(Layout.ENTRY_SIZE, s.size());
        assertEquals(0, Layout.ENTRY_KEY);
        assertEquals(s.offsetOf("lpCompletionKey"), Layout.ENTRY_KEY);
        assertEquals(8, Layout.ENTRY_OVERLAPPED);
        assertEquals(s.offsetOf("lpOverlapped"), Layout.ENTRY_OVERLAPPED);
        assertEquals(16, Layout.ENTRY_INTERNAL);
        assertEquals(s.offsetOf("Internal"), Layout.ENTRY_INTERNAL);
        assertEquals(24, Layout.ENTRY_BYTES);
        assertEquals(s.offsetOf("dwNumberOfBytesTransferred"), Layout.ENTRY_BYTES);
    }

    @Test
    void ioStatusBlock() {
        IoStatusBlock s = new IoStatusBlock(SCRATCH);
        assertEquals(16, Layout.IOSB_SIZE);
        assertEquals(Layout.IOSB_SIZE, s.size());
        assertEquals(0, Layout.IOSB_STATUS);
        assertEquals(s.offsetOf("Status"), Layout.IOSB_STATUS);
        assertEquals(8, Layout.IOSB_INFORMATION);
        assertEquals(s.offsetOf("Information"), Layout.IOSB_INFORMATION);
    }

    @Test
    void afdPollHandleInfo() {
        AfdPollHandleInfo s = new AfdPollHandleInfo(SCRATCH);
        assertEquals(16, Layout.HANDLE_INFO_SIZE);
        assertEquals(Layout.HANDLE_INFO_SIZE, s.size());
        assertEquals(0, Layout.HANDLE_INFO_HANDLE);
        assertEquals(s.offsetOf("Handle"), Layout.HANDLE_INFO_HANDLE);
        assertEquals(8, Layout.HANDLE_INFO_EVENTS);
        assertEquals(s.offsetOf("Events"), Layout.HANDLE_INFO_EVENTS);
        assertEquals(12, Layout.HANDLE_INFO_STATUS);
        assertEquals(s.offsetOf("Status"), Layout.HANDLE_INFO_STATUS);
    }

    @Test
    void afdPollInfo() {
        AfdPollInfo s = new AfdPollInfo(SCRATCH);
        assertEquals(32, Layout.POLL_INFO_SIZE);
        assertEquals(Layout.POLL_INFO_SIZE, s.size());
        assertEquals(0, Layout.POLL_INFO_TIMEOUT);
        assertEquals(s.offsetOf("Timeout"), Layout.POLL_INFO_TIMEOUT);
        assertEquals(8, Layout.POLL_INFO_COUNT);
        assertEquals(s.offsetOf("NumberOfHandles"), Layout.POLL_INFO_COUNT);
        assertEquals(12, Layout.POLL_INFO_EXCLUSIVE);
        assertEquals(s.offsetOf("Exclusive"), Layout.POLL_INFO_EXCLUSIVE);
        assertEquals(16, Layout.POLL_INFO_HANDLES);
        assertEquals(s.offsetOf("Handles"), Layout.POLL_INFO_HANDLES);
    }

    @Test
    void unicodeString() {
        UnicodeString s = new UnicodeString(SCRATCH);
        assertEquals(16, Layout.USTRING_SIZE);
        assertEquals(Layout.USTRING_SIZE, s.size());
        assertEquals(s.offsetOf("Length"), Layout.USTRING_LENGTH);
        assertEquals(2, Layout.USTRING_MAXIMUM_LENGTH);
        assertEquals(s.offsetOf("MaximumLength"), Layout.USTRING_MAXIMUM_LENGTH);
        assertEquals(8, Layout.USTRING_BUFFER);
        assertEquals(s.offsetOf("Buffer"), Layout.USTRING_BUFFER);
    }

    @Test
    void objectAttributes() {
        ObjectAttributes s = new ObjectAttributes(SCRATCH);
        assertEquals(48, Layout.OBJATTR_SIZE);
        assertEquals(Layout.OBJATTR_SIZE, s.size());
        assertEquals(s.offsetOf("Length"), Layout.OBJATTR_LENGTH);
        assertEquals(8, Layout.OBJATTR_ROOT_DIRECTORY);
        assertEquals(s.offsetOf("RootDirectory"), Layout.OBJATTR_ROOT_DIRECTORY);
        assertEquals(16, Layout.OBJATTR_OBJECT_NAME);
        assertEquals(s.offsetOf("ObjectName"), Layout.OBJATTR_OBJECT_NAME);
        assertEquals(24, Layout.OBJATTR_ATTRIBUTES);
        assertEquals(s.offsetOf("Attributes"), Layout.OBJATTR_ATTRIBUTES);
        assertEquals(32, Layout.OBJATTR_SECURITY_DESCRIPTOR);
        assertEquals(s.offsetOf("SecurityDescriptor"), Layout.OBJATTR_SECURITY_DESCRIPTOR);
        assertEquals(40, Layout.OBJATTR_SECURITY_QOS);
        assertEquals(s.offsetOf("SecurityQualityOfService"), Layout.OBJATTR_SECURITY_QOS);
    }

    @Test
    void socketBlockKeepsItsThreePartsApart() {
        assertEquals(0, Layout.BLOCK_IOSB);
        assertEquals(16, Layout.BLOCK_POLL_INFO);
        assertEquals(48, Layout.BLOCK_CANCEL_IOSB);
        assertEquals(64, Layout.BLOCK_SIZE);
    }

    /** What SocketState writes for a poll, read back through JNA's structs. */
    @Test
    void pollRequestReadsBackThroughTheStructs() {
        long[] seen = new long[2];
        AfdPort capture = new RecordingPort() {
            @Override
            public int poll(long helper, long iosb, long pollInfo) {
                seen[0] = iosb;
                seen[1] = pollInfo;
                return WinErrors.STATUS_PENDING;
            }
        };
        PollGroup group = new PollGroup(0x55);
        SocketState s = new SocketState(0x104, 0x2348, SocketAddresses.UNKNOWN, group, 1, Interests.READABLE.add(Interests.PRIORITY));
        try {
            assertEquals(WinErrors.STATUS_SUCCESS, s.update(capture));
            assertEquals(s.address + Layout.BLOCK_IOSB, seen[0]);
            IoStatusBlock iosb = new IoStatusBlock(new Pointer(seen[0]));
            iosb.read();
            assertEquals(WinErrors.STATUS_PENDING, iosb.Status);
            AfdPollInfo info = new AfdPollInfo(new Pointer(seen[1]));
            info.read();
            assertEquals(Long.MAX_VALUE, info.Timeout);
            assertEquals(1, info.NumberOfHandles);
            assertEquals(0, info.Exclusive);
            assertEquals(0x2348, Pointer.nativeValue(info.Handles[0].Handle));
            assertEquals(AfdFlags.READ_MASK | AfdFlags.RECEIVE_EXPEDITED | AfdFlags.LOCAL_CLOSE, info.Handles[0].Events);
            assertEquals(0, info.Handles[0].Status);

            // AFD answers through the same structs; the state reads it back.
            info.Handles[0].Events = AfdFlags.RECEIVE_EXPEDITED | AfdFlags.RECEIVE;
            info.write();
            iosb.Status = WinErrors.STATUS_SUCCESS;
            iosb.write();
            assertEquals(EventSink.READABLE | EventSink.PRIORITY, s.complete());
        } finally {
            s.free();
        }
    }

    @Test
    void entryBufferReadsRecordsWrittenThroughTheStruct() {
        EntryBuffer buffer = new EntryBuffer();
        try {
            OverlappedEntry e = new OverlappedEntry(new Pointer(buffer.entries + 3L * Layout.ENTRY_SIZE));
            e.lpCompletionKey = 0x1122334455667788L;
            e.lpOverlapped = new Pointer(0xCAFEBABE0000L);
            e.Internal = WinErrors.STATUS_CANCELLED;
            e.dwNumberOfBytesTransferred = 0x7654321;
            e.write();
            new Pointer(buffer.removed).setInt(0, 4);
            assertEquals(4, buffer.removedCount());
            assertEquals(0x1122334455667788L, buffer.key(3));
            assertEquals(0xCAFEBABE0000L, buffer.overlapped(3));
            assertEquals(0x7654321, buffer.bytes(3));
        } finally {
            buffer.free();
        }
    }

    @Test
    void afdOpenRequestNamesTheDeviceThroughObjectAttributes() {
        try (AfdOpenRequest r = new AfdOpenRequest()) {
            ObjectAttributes oa = new ObjectAttributes(new Pointer(r.address(AfdOpenRequest.ATTRIBUTES)));
            oa.read();
            assertEquals(48, oa.Length);
            assertEquals(null, oa.RootDirectory);
            assertEquals(0, oa.Attributes);
            assertEquals(null, oa.SecurityDescriptor);
            assertEquals(null, oa.SecurityQualityOfService);
            assertEquals(r.address(AfdOpenRequest.NAME), Pointer.nativeValue(oa.ObjectName));
            UnicodeString name = new UnicodeString(oa.ObjectName);
            name.read();
            assertEquals(34, name.Length, "17 UTF-16 units, no NUL");
            assertEquals(36, name.MaximumLength);
            byte[] chars = name.Buffer.getByteArray(0, name.Length);
            assertEquals("\\Device\\Afd\\Jpoll", new String(chars, StandardCharsets.UTF_16LE));
            assertEquals(0, name.Buffer.getShort(name.Length), "NUL-terminated all the same");
            assertEquals(0, r.handle());
        }
    }

    /** An AfdPort whose every call is a test failure unless overridden. */
    abstract static class RecordingPort implements AfdPort {
        @Override
        public long openHelper() {
            throw new AssertionError("openHelper");
        }

        @Override
        public void closeHelper(long helper) {
            throw new AssertionError("closeHelper");
        }

        @Override
        public long baseSocket(long socket) {
            throw new AssertionError("baseSocket");
        }

        @Override
        public SocketAddresses addresses(long socket) {
            return SocketAddresses.UNKNOWN;
        }

        @Override
        public int cancel(long helper, long iosb, long cancelIosb) {
            throw new AssertionError("cancel");
        }

        @Override
        public boolean dequeue(long entries, int max, long removed, int millis) {
            throw new AssertionError("dequeue");
        }

        @Override
        public void post(int bytes, long key) {
            throw new AssertionError("post");
        }

        @Override
        public WaitPort waits() {
            throw new AssertionError("waits");
        }

        @Override
        public void close() {
            throw new AssertionError("close");
        }
    }
}
