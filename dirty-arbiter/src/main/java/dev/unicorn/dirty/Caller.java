package dev.unicorn.dirty;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** The {@link DirtyClient} of a {@link Dispatcher}, with its per-call timeout. */
final class Caller implements DirtyClient {
    private final Dispatcher dispatcher;
    private final Duration timeout;

    Caller(Dispatcher dispatcher, Duration timeout) {
        this.dispatcher = dispatcher;
        this.timeout = timeout;
    }

    @Override
    public CompletableFuture<Object> callAsync(String app, String action, Object... args) {
        return start(app, action, args, false).future;
    }

    @Override
    public DirtyStream stream(String app, String action, Object... args) {
        return start(app, action, args, true).new Stream();
    }

    @Override
    public DirtyClient withTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout " + timeout);
        }
        return new Caller(dispatcher, timeout);
    }

    @Override
    public DirtyStash stash() {
        return dispatcher.stash();
    }

    private PendingCall start(String app, String action, Object[] args, boolean streaming) {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(action, "action");
        List<Object> list = Arrays.asList(args.clone());
        WireFormat.check(list); // an argument the protocol cannot carry fails here, before anything is sent
        Duration limit = dispatcher.defaultTimeout(); // dirtyTimeout caps every call
        Duration t = timeout != null ? timeout : limit;
        if (!limit.isZero() && (t.isZero() || t.compareTo(limit) > 0)) {
            t = limit;
        }
        PendingCall call = new PendingCall(dispatcher, dispatcher.nextId(), app, action, list, streaming, t.toNanos());
        call.armTimer();
        dispatcher.dispatch(call);
        return call;
    }
}
