package io.jpoll;

import java.io.IOException;

/** An operation on a {@link Poll} (or its registry) after the Poll was closed. */
public class ClosedPollException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception; its message is the operation followed by {@code : the Poll is closed}.
     *
     * @param operation the call that found the Poll closed, e.g. {@code Poll.poll}
     */
    public ClosedPollException(String operation) {
        super(operation + ": the Poll is closed");
    }
}
