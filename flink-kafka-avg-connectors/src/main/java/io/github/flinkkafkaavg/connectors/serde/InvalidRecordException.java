package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;

/**
 * Why a record cannot be averaged: it does not decode, a field is missing or of the wrong type, the value is not a
 * finite number, the record is too large, or a user function threw. The message is the reason written to the
 * dead-letter header, for the person who reads it: where, what was found, what was expected
 * ({@code field "$.reading.value" is null; expected a number}).
 */
@PublicEvolving
public class InvalidRecordException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * An invalid record with a reason.
     *
     * @param reason what is wrong, for the dead-letter header and the logs
     */
    public InvalidRecordException(String reason) {
        super(reason);
    }

    /**
     * An invalid record with a reason and the exception that revealed it.
     *
     * @param reason what is wrong
     * @param cause the exception a decoder or user function threw
     */
    public InvalidRecordException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
