package dev.unicorn;

import dev.unicorn.management.ServerMXBean;
import dev.unicorn.workers.Arbiter;
import dev.unicorn.workers.ServerStats;
import dev.unicorn.workers.WorkerStats;
import java.lang.management.ManagementFactory;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.LoggerFactory;

/** The {@link ServerMXBean} of one server, over its arbiter; registers and unregisters itself. */
final class ServerManagement implements ServerMXBean {
    private final Arbiter arbiter;
    private ObjectName registeredAs;

    /** @param arbiter the server's arbiter */
    ServerManagement(Arbiter arbiter) {
        this.arbiter = arbiter;
    }

    /**
     * Registers as {@code dev.unicorn:type=Server,name=<name>} in the platform MBean server.
     * If another server of that name is registered already, logs a warning and stays
     * unregistered (give servers in one JVM distinct {@code name}s).
     */
    void register(String name) {
        try {
            ObjectName on = ObjectName.getInstance("dev.unicorn:type=Server,name=" + ObjectName.quote(name));
            MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
            mbs.registerMBean(this, on);
            registeredAs = on;
        } catch (InstanceAlreadyExistsException e) {
            LoggerFactory.getLogger("unicorn.error").warn(
                    "JMX: a server named {} is registered already; this one is not (set a distinct name)", name);
        } catch (JMException e) {
            LoggerFactory.getLogger("unicorn.error").warn("JMX registration failed: {}", e.toString());
        }
    }

    /** Unregisters, if registered. */
    void unregister() {
        if (registeredAs != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(registeredAs);
            } catch (JMException ignored) {
                // already gone
            }
            registeredAs = null;
        }
    }

    @Override
    public int getTargetWorkers() {
        return arbiter.targetWorkers();
    }

    @Override
    public int getWorkerCount() {
        return arbiter.stats().workers().size();
    }

    @Override
    public String[] getWorkers() {
        return arbiter.stats().workers().stream().map(ServerManagement::line).toArray(String[]::new);
    }

    private static String line(WorkerStats w) {
        return "worker " + w.id() + " " + w.model().toString().toLowerCase(java.util.Locale.ROOT) + " " + w.state()
                + " age=" + w.age().toSeconds() + "s requests=" + w.requests() + " inFlight=" + w.inFlight()
                + " connections=" + w.connections() + " heartbeat=" + w.lastHeartbeat().toMillis() + "ms";
    }

    @Override
    public long getUptimeSeconds() {
        return arbiter.stats().uptime().toSeconds();
    }

    @Override
    public long getSpawned() {
        return arbiter.stats().spawned();
    }

    @Override
    public long getAborted() {
        return arbiter.stats().aborted();
    }

    @Override
    public long getRecycled() {
        return arbiter.stats().recycled();
    }

    @Override
    public long getReloads() {
        return arbiter.stats().reloads();
    }

    @Override
    public int getAbandonedThreads() {
        ServerStats s = arbiter.stats();
        return s.abandonedThreads();
    }

    @Override
    public void scale(int workers) {
        arbiter.scale(workers);
    }

    @Override
    public void addWorkers(int n) {
        arbiter.scale(arbiter.targetWorkers() + Math.max(0, n));
    }

    @Override
    public void removeWorkers(int n) {
        arbiter.scale(Math.max(1, arbiter.targetWorkers() - Math.max(0, n)));
    }

    @Override
    public void reload() {
        arbiter.reload();
    }

    @Override
    public void shutdown(boolean graceful) {
        if (graceful) {
            arbiter.stopGracefully();
        } else {
            arbiter.stopQuickly();
        }
    }
}
