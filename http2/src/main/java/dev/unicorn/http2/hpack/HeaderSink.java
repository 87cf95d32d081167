package dev.unicorn.http2.hpack;

/**
 * Receives the fields of a header block from {@link HpackDecoder}, one call per field, in
 * block order. Names and values are octets read as ISO-8859-1 chars. Fields taken from the
 * static or dynamic table are passed as the table's own strings, so repeating them allocates
 * nothing.
 */
@FunctionalInterface
public interface HeaderSink {
    /**
     * One decoded field.
     *
     * @param name the field name as sent (HPACK does not check its syntax)
     * @param value the field value as sent
     * @param sensitive true if the field was sent as never-indexed (RFC 7541 §6.2.3): an
     *     intermediary must forward it as never-indexed too
     */
    void header(String name, String value, boolean sensitive);
}
