package dev.unicorn.dirty;

import dev.unicorn.process.ParentWatch;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main class of a dirty worker JVM, launched by {@link DirtyArbiter}. Arguments: socket
 * path, worker id, threads, heartbeat interval (ms), graceful timeout (ms), maximum payload,
 * then the app class names; the connection token comes in the environment
 * ({@value #TOKEN_ENV}), not on the command line where {@code ps} would show it.
 *
 * <p>Life: watch the parent (exit when it dies), connect, HELLO, create and {@code init} the
 * apps (a failure is sent as a Boot ERROR and exits with status 3), READY, then serve frames
 * until SHUTDOWN (drain, close the apps, exit 0) or the end of the connection (exit at once).
 */
final class DirtyWorkerMain {
    static final String TOKEN_ENV = "UNICORN_DIRTY_TOKEN";
    /** Exit status when an app fails to initialise (gunicorn's WORKER_BOOT_ERROR). */
    static final int BOOT_ERROR = 3;
    /** Exit status when the parent is gone. */
    static final int ORPHANED = 70;

    private static final Logger LOG = LoggerFactory.getLogger("unicorn.error");

    private DirtyWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        ParentWatch.start(ORPHANED, Duration.ofMillis(500),
                () -> System.err.println("dirty worker " + ProcessHandle.current().pid() + ": parent gone, exiting"));
        String socket = args[0];
        int workerId = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        long heartbeatMillis = Long.parseLong(args[3]);
        long gracefulMillis = Long.parseLong(args[4]);
        int maxPayload = Integer.parseInt(args[5]);
        List<String> appNames = List.of(args).subList(6, args.length);

        SocketChannel sc = SocketChannel.open(StandardProtocolFamily.UNIX);
        sc.connect(UnixDomainSocketAddress.of(socket));
        FrameChannel channel = new FrameChannel(sc, maxPayload);
        channel.write(Frame.of(FrameType.HELLO, 0, (long) workerId, System.getenv(TOKEN_ENV),
                ProcessHandle.current().pid()));
        new DirtyWorkerMain.Worker(channel, workerId, threads, heartbeatMillis, gracefulMillis, appNames).run();
    }

    /** The worker's state once connected. */
    private static final class Worker implements AppHost.Sink {
        private final FrameChannel channel;
        private final int workerId;
        private final int threads;
        private final long heartbeatMillis;
        private final long gracefulMillis;
        private final List<String> appNames;
        private final RemoteStash stash;
        private final CountDownLatch shutdown = new CountDownLatch(1);
        private volatile AppHost host;

        Worker(FrameChannel channel, int workerId, int threads, long heartbeatMillis, long gracefulMillis,
               List<String> appNames) {
            this.channel = channel;
            this.workerId = workerId;
            this.threads = threads;
            this.heartbeatMillis = heartbeatMillis;
            this.gracefulMillis = gracefulMillis;
            this.appNames = appNames;
            this.stash = new RemoteStash(channel);
        }

        void run() throws InterruptedException {
            Thread reader = new Thread(this::readLoop, "dirty-w" + workerId + "-reader");
            reader.setDaemon(true);
            reader.start(); // before init: an app's init may use the stash
            // heartbeats from the start: an init that takes minutes (a model to load) is not a dead worker
            Thread heartbeat = new Thread(() -> {
                try {
                    while (true) {
                        Thread.sleep(heartbeatMillis);
                        channel.write(Frame.of(FrameType.HEARTBEAT, 0));
                    }
                } catch (InterruptedException | IOException e) {
                    // shutting down, or the connection is gone (the reader exits)
                }
            }, "dirty-w" + workerId + "-heartbeat");
            heartbeat.setDaemon(true);
            heartbeat.start();
            Map<String, DirtyApp> apps = new LinkedHashMap<>();
            DirtyContext context = new DirtyContext() {
                @Override
                public int workerId() {
                    return workerId;
                }

                @Override
                public DirtyStash stash() {
                    return stash;
                }
            };
            try {
                for (String name : appNames) {
                    DirtyApp app = new DirtyAppSpec(name, 0).newInstance();
                    apps.put(name, app);
                    app.init(context);
                }
            } catch (Throwable t) {
                LOG.error("dirty worker {}: an app failed to initialise", workerId, t);
                Failure f = Failure.of(t);
                channel.writeQuietly(new Failure(Failure.BOOT, f.type(), f.message(), f.stack()).toFrame(0));
                AppHost.closeApps(apps);
                System.exit(BOOT_ERROR);
            }
            host = new AppHost(apps, threads, "dirty-w" + workerId, this);
            channel.writeQuietly(Frame.of(FrameType.READY, 0));
            shutdown.await();
            host.shutdown(gracefulMillis);
            heartbeat.interrupt();
            channel.close();
            System.exit(0);
        }

        private void readLoop() {
            try {
                Frame f;
                while ((f = channel.read()) != null) {
                    switch (f.type()) {
                        case CALL -> {
                            AppHost h = host;
                            if (h == null) {
                                error(f.id(), new Failure(Failure.STOPPING, "", "worker is not ready", ""));
                            } else {
                                h.call(f.id(), f.string(0), f.string(1), f.list(2));
                            }
                        }
                        case CANCEL -> {
                            AppHost h = host;
                            if (h != null) {
                                h.cancel(f.id());
                            }
                        }
                        case CREDIT -> {
                            AppHost h = host;
                            if (h != null) {
                                h.credit(f.id(), f.integer(0));
                            }
                        }
                        case RESULT, ERROR -> stash.reply(f);
                        case SHUTDOWN -> shutdown.countDown();
                        default -> throw new DirtyProtocolException("a worker does not accept " + f.type() + " frames");
                    }
                }
            } catch (IOException | DirtyProtocolException e) {
                if (shutdown.getCount() > 0) { // after SHUTDOWN the worker closes the connection itself
                    LOG.error("dirty worker {}: connection to the arbiter failed: {}", workerId, e.toString());
                }
            }
            // the arbiter is gone or broke the protocol: nothing can reach the results any more
            stash.failAll();
            if (shutdown.getCount() > 0) {
                Runtime.getRuntime().halt(ORPHANED);
            }
        }

        @Override
        public void result(long id, Object value) {
            send(Frame.of(FrameType.RESULT, id, value), id);
        }

        @Override
        public void chunk(long id, Object value) {
            send(Frame.of(FrameType.CHUNK, id, value), id);
        }

        @Override
        public void end(long id) {
            send(Frame.of(FrameType.END, id), id);
        }

        @Override
        public void error(long id, Failure failure) {
            send(failure.toFrame(id), id);
        }

        private void send(Frame frame, long id) {
            try {
                channel.write(frame);
            } catch (DirtyProtocolException e) {
                // too large for a frame: the caller gets an error instead of waiting forever
                channel.writeQuietly(Failure.of(e).toFrame(id));
            } catch (IOException e) {
                // the reader sees the broken connection and ends the worker
            }
        }
    }
}
