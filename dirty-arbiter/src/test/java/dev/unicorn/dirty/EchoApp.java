package dev.unicorn.dirty;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

/** A test app: every action the tests need, hosted by every worker. */
public final class EchoApp implements DirtyApp {
    /** Streams of the {@code ticks} action closed so far in this JVM (in-process tests read it). */
    static final AtomicInteger CLOSED_STREAMS = new AtomicInteger();
    /** Elements the {@code produce} action has produced in this JVM (in-process tests read it). */
    static final java.util.concurrent.atomic.AtomicLong PRODUCED = new java.util.concurrent.atomic.AtomicLong();

    private DirtyContext context;
    private final AtomicInteger inits = new AtomicInteger();

    @Override
    public void init(DirtyContext context) {
        this.context = context;
        inits.incrementAndGet();
        context.stash().put("boot", "worker-" + context.workerId(), ProcessHandle.current().pid());
    }

    @Override
    public Object handle(String action, List<Object> args) throws Exception {
        return switch (action) {
            case "echo" -> args;
            case "add" -> (Long) args.get(0) + (Long) args.get(1);
            case "whoami" -> List.of((long) context.workerId(), ProcessHandle.current().pid());
            case "inits" -> (long) inits.get();
            case "sleep" -> {
                Thread.sleep((Long) args.get(0));
                yield args.get(1);
            }
            case "halt" -> {
                Runtime.getRuntime().halt(1);
                yield null;
            }
            case "fail" -> throw new IllegalStateException("boom: " + args.get(0));
            case "count" -> LongStream.range(0, (Long) args.get(0)).boxed();
            case "produce" -> LongStream.range(0, (Long) args.get(0)).peek(i -> PRODUCED.incrementAndGet()).boxed();
            case "ticks" -> new CloseableTicks((Long) args.get(0), context.stash(), (String) args.get(1));
            case "slowWhoami" -> {
                Thread.sleep(200);
                yield (long) context.workerId();
            }
            case "failMidStream" -> List.of(1L, 2L).stream().map(i -> {
                if (i == 2L) {
                    throw new IllegalArgumentException("second element");
                }
                return i;
            });
            case "stashGet" -> context.stash().get((String) args.get(0), (String) args.get(1), args.get(2));
            case "stashPut" -> {
                context.stash().put((String) args.get(0), (String) args.get(1), args.get(2));
                yield true;
            }
            case "object" -> new Object();
            default -> throw new IllegalArgumentException("unknown action " + action);
        };
    }

    private static final class CloseableTicks implements Iterator<Object>, AutoCloseable {
        private final long period;
        private final DirtyStash stash;
        private final String name;
        private long n;

        /** An endless, slow stream that records its closing in the stash table "streams" under {@code name}. */
        CloseableTicks(long period, DirtyStash stash, String name) {
            this.period = period;
            this.stash = stash;
            this.name = name;
        }

        @Override
        public boolean hasNext() {
            return true;
        }

        @Override
        public Object next() {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
            return n++;
        }

        @Override
        public void close() {
            CLOSED_STREAMS.incrementAndGet();
            stash.put("streams", name, "closed after " + n);
        }
    }
}
