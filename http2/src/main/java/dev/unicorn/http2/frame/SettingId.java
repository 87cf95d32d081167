package dev.unicorn.http2.frame;

/** The SETTINGS parameters (RFC 9113 §6.5.2, RFC 8441 §3) and their limits. */
public final class SettingId {
    private SettingId() {
    }

    public static final int HEADER_TABLE_SIZE = 0x1;
    public static final int ENABLE_PUSH = 0x2;
    public static final int MAX_CONCURRENT_STREAMS = 0x3;
    public static final int INITIAL_WINDOW_SIZE = 0x4;
    public static final int MAX_FRAME_SIZE = 0x5;
    public static final int MAX_HEADER_LIST_SIZE = 0x6;
    public static final int ENABLE_CONNECT_PROTOCOL = 0x8;

    /** The smallest and largest SETTINGS_MAX_FRAME_SIZE (§6.5.2). */
    public static final int MIN_MAX_FRAME_SIZE = 1 << 14;
    public static final int MAX_MAX_FRAME_SIZE = (1 << 24) - 1;
    /** The largest flow-control window (§6.9.1). */
    public static final int MAX_WINDOW = Integer.MAX_VALUE;
    /** The initial window of every stream and of the connection (§6.9.2). */
    public static final int DEFAULT_WINDOW = 65_535;
}
