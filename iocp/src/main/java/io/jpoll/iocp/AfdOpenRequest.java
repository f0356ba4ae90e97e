package io.jpoll.iocp;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.nio.charset.StandardCharsets;

/**
 * The arguments of the NtCreateFile call that opens an AFD helper handle, laid out in one native
 * block: the handle it returns, an IO_STATUS_BLOCK, the UNICODE_STRING of the device name, the
 * OBJECT_ATTRIBUTES naming it, and the name's UTF-16 characters.
 *
 * <p>Opening {@code \Device\Afd} with a name below it and no extended attributes gives a handle
 * that talks to the AFD driver without being a socket; IOCTL_AFD_POLL on it can watch any socket.
 * The last part of the name is free; it only shows up in handle listings.
 */
final class AfdOpenRequest implements AutoCloseable {
    static final String DEVICE = "\\Device\\Afd\\Jpoll";

    static final int HANDLE = 0;
    static final int IOSB = 8;
    static final int NAME = IOSB + Layout.IOSB_SIZE;
    static final int ATTRIBUTES = NAME + Layout.USTRING_SIZE;
    static final int CHARS = ATTRIBUTES + Layout.OBJATTR_SIZE;

    private final Memory memory;

    AfdOpenRequest() {
        byte[] chars = DEVICE.getBytes(StandardCharsets.UTF_16LE);
        memory = new Memory(CHARS + chars.length + 2L);
        memory.clear();
        memory.write(CHARS, chars, 0, chars.length);
        long base = Pointer.nativeValue(memory);
        memory.setShort(NAME + Layout.USTRING_LENGTH, (short) chars.length);
        memory.setShort(NAME + Layout.USTRING_MAXIMUM_LENGTH, (short) (chars.length + 2));
        memory.setLong(NAME + Layout.USTRING_BUFFER, base + CHARS);
        memory.setInt(ATTRIBUTES + Layout.OBJATTR_LENGTH, Layout.OBJATTR_SIZE);
        memory.setLong(ATTRIBUTES + Layout.OBJATTR_OBJECT_NAME, base + NAME);
        // RootDirectory, Attributes, SecurityDescriptor and SecurityQualityOfService stay zero.
    }

    long address(int offset) {
        return Pointer.nativeValue(memory) + offset;
    }

    /** The handle NtCreateFile wrote. */
    long handle() {
        return memory.getLong(HANDLE);
    }

    @Override
    public void close() {
        memory.close();
    }
}
