package io.jpoll.examples;

/** What a connection waits for once it has done all that readiness allowed. */
enum Next {
    /** Everything read is answered; more input is needed. */
    READ,
    /** Output is pending and the peer is not taking it: wait until it can be written. */
    WRITE,
    /** The connection is done: close it. */
    CLOSE
}
