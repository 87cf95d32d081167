package dev.unicorn.http2.hpack;

/**
 * The HPACK dynamic table (RFC 7541 §2.3.2, §4): a FIFO of fields held in a ring buffer, the
 * newest at index 0. Its size is the sum of 32 + name length + value length over its entries
 * (§4.1; names and values are octets, one char each); adding evicts the oldest entries until
 * the new one fits (§4.4), and an entry larger than the capacity empties the table.
 */
final class DynamicTable {
    private String[] names = new String[16];
    private String[] values = new String[16];
    private int[] hashes = new int[16];
    /** Slot of the newest entry. */
    private int head;
    private int count;
    private int size;
    private int capacity;

    DynamicTable(int capacity) {
        this.capacity = capacity;
    }

    static int entrySize(CharSequence name, CharSequence value) {
        return 32 + name.length() + value.length();
    }

    int length() {
        return count;
    }

    int size() {
        return size;
    }

    int capacity() {
        return capacity;
    }

    /** Name of entry {@code i}, 0 being the newest. */
    String name(int i) {
        return names[slot(i)];
    }

    String value(int i) {
        return values[slot(i)];
    }

    private int slot(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(i);
        }
        return (head - i) & (names.length - 1);
    }

    /** Index (0 = newest) of the entry {@code (name, value)}, or -1; with {@code value} null, of the newest named {@code name}. */
    int indexOf(String name, String value) {
        int h = value == null ? 0 : fieldHash(name, value);
        int mask = names.length - 1;
        for (int i = 0; i < count; i++) {
            int s = (head - i) & mask;
            if (value == null) {
                if (names[s].equals(name)) {
                    return i;
                }
            } else if (hashes[s] == h && names[s].equals(name) && values[s].equals(value)) {
                return i;
            }
        }
        return -1;
    }

    private static int fieldHash(String name, String value) {
        return name.hashCode() * 31 + value.hashCode();
    }

    void add(String name, String value) {
        int entry = entrySize(name, value);
        if (entry > capacity) {
            clear(); // RFC 7541 §4.4: not an error; the table ends up empty
            return;
        }
        evictTo(capacity - entry);
        if (count == names.length) {
            grow();
        }
        head = (head + 1) & (names.length - 1);
        names[head] = name;
        values[head] = value;
        hashes[head] = fieldHash(name, value);
        count++;
        size += entry;
    }

    void setCapacity(int capacity) {
        this.capacity = capacity;
        evictTo(capacity);
    }

    private void evictTo(int target) {
        int mask = names.length - 1;
        while (size > target) {
            int s = (head - count + 1) & mask;
            size -= entrySize(names[s], values[s]);
            names[s] = null;
            values[s] = null;
            count--;
        }
    }

    private void clear() {
        evictTo(0);
    }

    private void grow() {
        int n = names.length;
        String[] nn = new String[n * 2];
        String[] nv = new String[n * 2];
        int[] nh = new int[n * 2];
        for (int i = 0; i < count; i++) { // oldest first, so the newest ends at count-1
            int s = (head - count + 1 + i) & (n - 1);
            nn[i] = names[s];
            nv[i] = values[s];
            nh[i] = hashes[s];
        }
        names = nn;
        values = nv;
        hashes = nh;
        head = count - 1;
    }
}
