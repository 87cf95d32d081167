package dev.unicorn.dirty;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stash seen by apps in a child JVM: each operation is a STASH frame to the arbiter and
 * waits for its RESULT or ERROR (matched by request id, so many app threads may use it at once).
 */
final class RemoteStash implements DirtyStash {
    private static final long TIMEOUT_SECONDS = 30;

    private final FrameChannel channel;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Object>> waiting = new ConcurrentHashMap<>();

    RemoteStash(FrameChannel channel) {
        this.channel = channel;
    }

    /** Delivers a RESULT or ERROR frame from the arbiter; false if no operation waits for its id. */
    boolean reply(Frame frame) {
        CompletableFuture<Object> f = waiting.remove(frame.id());
        if (f == null) {
            return false;
        }
        if (frame.type() == FrameType.RESULT) {
            f.complete(frame.value(0));
        } else {
            f.completeExceptionally(Failure.from(frame).toException());
        }
        return true;
    }

    /** The connection is gone: every waiting operation fails. */
    void failAll() {
        for (Long id : new ArrayList<>(waiting.keySet())) {
            CompletableFuture<Object> f = waiting.remove(id);
            if (f != null) {
                f.completeExceptionally(new DirtyException("the connection to the arbiter is closed"));
            }
        }
    }

    @Override
    public Object get(String table, String key, Object defaultValue) {
        List<?> found = (List<?>) op(StashTables.GET, table, key, null);
        return found.isEmpty() ? defaultValue : found.get(0);
    }

    @Override
    public void put(String table, String key, Object value) {
        op(StashTables.PUT, table, key, value);
    }

    @Override
    public boolean delete(String table, String key) {
        return (Boolean) op(StashTables.DELETE, table, key, null);
    }

    @Override
    public List<String> keys(String table) {
        List<String> keys = new ArrayList<>();
        for (Object k : (List<?>) op(StashTables.KEYS, table, null, null)) {
            keys.add((String) k);
        }
        return List.copyOf(keys);
    }

    @Override
    public boolean ensure(String table) {
        return (Boolean) op(StashTables.ENSURE, table, null, null);
    }

    private Object op(int op, String table, String key, Object value) {
        long id = ids.incrementAndGet();
        CompletableFuture<Object> f = new CompletableFuture<>();
        waiting.put(id, f);
        try {
            channel.write(Frame.of(FrameType.STASH, id, (long) op, table, key, value));
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new DirtyException("the connection to the arbiter is closed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DirtyException("interrupted during a stash operation");
        } catch (TimeoutException e) {
            throw new DirtyTimeoutException("no stash reply from the arbiter within " + TIMEOUT_SECONDS + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof DirtyException d ? d : new DirtyException("stash operation failed", e.getCause());
        } finally {
            waiting.remove(id);
        }
    }
}
