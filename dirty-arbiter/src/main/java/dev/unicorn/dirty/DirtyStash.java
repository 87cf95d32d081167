package dev.unicorn.dirty;

import java.util.List;

/**
 * Named tables of shared key/value state held by the arbiter, reachable from request handlers
 * ({@link DirtyClient#stash()}) and from apps ({@link DirtyContext#stash()}). Keys are strings;
 * values are any value the protocol carries ({@link DirtyClient}). Each operation is atomic by
 * itself; a read-modify-write sequence is not. State lives in the arbiter's memory only.
 */
public interface DirtyStash {
    /** The value of {@code key} in {@code table}, or {@code defaultValue} if the table or the key does not exist. */
    Object get(String table, String key, Object defaultValue);

    /** Sets {@code key} to {@code value} in {@code table}, creating the table if needed. */
    void put(String table, String key, Object value);

    /** Removes {@code key}; true if it was there. */
    boolean delete(String table, String key);

    /** The keys of {@code table} in no particular order; empty if the table does not exist. */
    List<String> keys(String table);

    /** Creates {@code table} if it does not exist; true if it was created. */
    boolean ensure(String table);
}
