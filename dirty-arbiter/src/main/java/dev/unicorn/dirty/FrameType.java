package dev.unicorn.dirty;

/**
 * The frame types of the dirty wire protocol and how many values each payload holds
 * ({@code docs/dirty.md} lists them byte by byte).
 */
enum FrameType {
    /** parent to worker: string app, string action, list args. */
    CALL(0x01, 3),
    /** reply with one value: worker to parent for a CALL, parent to worker for a STASH. */
    RESULT(0x02, 1),
    /** reply that failed: string kind, string exception type, string message, string stack. */
    ERROR(0x03, 4),
    /** worker to parent: one element of a streamed result. */
    CHUNK(0x04, 1),
    /** worker to parent: the stream is complete. */
    END(0x05, 0),
    /** parent to worker: stop the call (its reply, if any, is an ERROR of kind Cancelled or nothing). */
    CANCEL(0x06, 0),
    /** worker to parent, id 0: the worker is alive. */
    HEARTBEAT(0x07, 0),
    /** worker to parent, first frame, id 0: int workerId, string token, int pid. */
    HELLO(0x08, 3),
    /** worker to parent, id 0: every app is initialised; calls may come. */
    READY(0x09, 0),
    /** parent to worker, id 0: finish the calls in flight, accept no more, exit. */
    SHUTDOWN(0x0A, 0),
    /** parent to worker: the stream of call {@code id} may send int n more chunks. */
    CREDIT(0x0B, 1),
    /** worker to parent: int op, string table, key (string or null), value. */
    STASH(0x10, 4);

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    final int code;
    final int arity;

    FrameType(int code, int arity) {
        this.code = code;
        this.arity = arity;
    }

    /** The type with this code, or null. */
    static FrameType of(int code) {
        return BY_CODE[code & 0xFF];
    }
}
