package dev.unicorn.http2.hpack;

/**
 * A header block could not be decoded. {@link #headerListTooLarge()} tells the two outcomes
 * apart: a malformed block breaks the shared compression context, so the connection must end
 * with COMPRESSION_ERROR (RFC 9113 §4.3); a block that decoded correctly but whose header list
 * exceeds the limit leaves the context intact, so only its stream needs refusing.
 */
public final class HpackException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean headerListTooLarge;

    private HpackException(String message, boolean headerListTooLarge) {
        super(message, null, false, false);
        this.headerListTooLarge = headerListTooLarge;
    }

    static HpackException compression(String message) {
        return new HpackException(message, false);
    }

    static HpackException headerListTooLarge(long size, int limit) {
        return new HpackException("header list of " + size + " octets exceeds " + limit, true);
    }

    /**
     * True if the block was well formed and the decoder state is intact, but the decoded list
     * exceeded the maximum header list size; false for a compression error.
     */
    public boolean headerListTooLarge() {
        return headerListTooLarge;
    }
}
