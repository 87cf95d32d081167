package dev.unicorn.http2;

import dev.unicorn.http2.frame.SettingId;

/**
 * The limits of one {@link Http2Connection}: what it advertises in SETTINGS and the budgets
 * that bound a misbehaving peer. Every limit is enforced by the codec itself. The defaults
 * ({@link #defaults()}) suit a public server.
 *
 * @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS; a stream beyond it is refused
 *     with RST_STREAM REFUSED_STREAM (RFC 9113 §5.1.2)
 * @param initialWindowSize SETTINGS_INITIAL_WINDOW_SIZE: the request body octets a stream may
 *     send before the application consumes any
 * @param connectionWindowSize the connection's receive window (raised from 65,535 by a
 *     WINDOW_UPDATE right after SETTINGS): the request body octets of all streams together
 *     that may wait unconsumed
 * @param maxFrameSize SETTINGS_MAX_FRAME_SIZE: the largest frame payload accepted
 * @param maxHeaderListSize SETTINGS_MAX_HEADER_LIST_SIZE: the largest decoded field section
 *     (32 + name + value per field); a larger request is answered 431
 * @param headerTableSize SETTINGS_HEADER_TABLE_SIZE: the HPACK decoder's dynamic table
 * @param maxHeaderBlockSize the largest encoded field block (HEADERS + CONTINUATION); beyond
 *     it the connection ends with ENHANCE_YOUR_CALM, as the block cannot be decoded
 * @param maxContinuationFrames the CONTINUATION frames one field block may span
 * @param resetBudget streams the peer may reset (RST_STREAM) or make us reset (stream errors)
 *     beyond the streams that completed normally; each normal completion earns one back;
 *     exceeding it ends the connection with ENHANCE_YOUR_CALM (rapid reset, CVE-2023-44487;
 *     "MadeYouReset", CVE-2025-8671)
 * @param controlFrameBudget PING and SETTINGS frames the peer may send beyond its useful
 *     frames (a request, a non-empty DATA frame), each of which earns one back; exceeding it
 *     ends the connection with ENHANCE_YOUR_CALM (CVE-2019-9512, CVE-2019-9515)
 * @param emptyFrameBudget frames with no effect (empty DATA without END_STREAM, PRIORITY,
 *     unknown types, WINDOW_UPDATE beyond two per DATA frame we sent) the peer may send beyond
 *     its useful frames; exceeding it ends the connection with ENHANCE_YOUR_CALM
 *     (CVE-2019-9518)
 */
public record Http2Options(
        int maxConcurrentStreams,
        int initialWindowSize,
        int connectionWindowSize,
        int maxFrameSize,
        int maxHeaderListSize,
        int headerTableSize,
        int maxHeaderBlockSize,
        int maxContinuationFrames,
        int resetBudget,
        int controlFrameBudget,
        int emptyFrameBudget) {

    /** Validates every limit. */
    public Http2Options {
        positive("maxConcurrentStreams", maxConcurrentStreams);
        positive("initialWindowSize", initialWindowSize);
        if (connectionWindowSize < SettingId.DEFAULT_WINDOW) {
            throw new IllegalArgumentException("connectionWindowSize must be at least 65535: " + connectionWindowSize);
        }
        if (maxFrameSize < SettingId.MIN_MAX_FRAME_SIZE || maxFrameSize > SettingId.MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be within 16384..16777215: " + maxFrameSize);
        }
        positive("maxHeaderListSize", maxHeaderListSize);
        if (headerTableSize < 0) {
            throw new IllegalArgumentException("headerTableSize must not be negative: " + headerTableSize);
        }
        positive("maxHeaderBlockSize", maxHeaderBlockSize);
        positive("maxContinuationFrames", maxContinuationFrames);
        positive("resetBudget", resetBudget);
        positive("controlFrameBudget", controlFrameBudget);
        positive("emptyFrameBudget", emptyFrameBudget);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /**
     * 100 streams, 64 KiB stream and 1 MiB connection windows, 16 KiB frames, 64 KiB header
     * lists, a 4 KiB table, 128 KiB field blocks in at most 32 CONTINUATION frames, and budgets
     * of 200 resets, 100 control frames and 100 empty frames.
     */
    public static Http2Options defaults() {
        return new Http2Options(100, 65_535, 1 << 20, 16_384, 65_536, 4096, 131_072, 32, 200, 100, 100);
    }

    /** A copy with another {@code maxConcurrentStreams}. */
    public Http2Options withMaxConcurrentStreams(int v) {
        return new Http2Options(v, initialWindowSize, connectionWindowSize, maxFrameSize, maxHeaderListSize,
                headerTableSize, maxHeaderBlockSize, maxContinuationFrames, resetBudget, controlFrameBudget, emptyFrameBudget);
    }

    /** A copy with another {@code initialWindowSize}. */
    public Http2Options withInitialWindowSize(int v) {
        return new Http2Options(maxConcurrentStreams, v, connectionWindowSize, maxFrameSize, maxHeaderListSize,
                headerTableSize, maxHeaderBlockSize, maxContinuationFrames, resetBudget, controlFrameBudget, emptyFrameBudget);
    }

    /** A copy with another {@code connectionWindowSize}. */
    public Http2Options withConnectionWindowSize(int v) {
        return new Http2Options(maxConcurrentStreams, initialWindowSize, v, maxFrameSize, maxHeaderListSize,
                headerTableSize, maxHeaderBlockSize, maxContinuationFrames, resetBudget, controlFrameBudget, emptyFrameBudget);
    }

    /** A copy with another {@code maxHeaderListSize}. */
    public Http2Options withMaxHeaderListSize(int v) {
        return new Http2Options(maxConcurrentStreams, initialWindowSize, connectionWindowSize, maxFrameSize, v,
                headerTableSize, maxHeaderBlockSize, maxContinuationFrames, resetBudget, controlFrameBudget, emptyFrameBudget);
    }

    /** A copy with other {@code resetBudget}, {@code controlFrameBudget} and {@code emptyFrameBudget}. */
    public Http2Options withBudgets(int resets, int controlFrames, int emptyFrames) {
        return new Http2Options(maxConcurrentStreams, initialWindowSize, connectionWindowSize, maxFrameSize,
                maxHeaderListSize, headerTableSize, maxHeaderBlockSize, maxContinuationFrames, resets, controlFrames, emptyFrames);
    }
}
