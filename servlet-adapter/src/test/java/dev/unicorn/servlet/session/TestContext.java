package dev.unicorn.servlet.session;

import jakarta.servlet.ServletContext;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.time.InstantSource;

/** Test fixtures: a ServletContext that only knows its context path, and a clock the test moves. */
final class TestContext {
    private TestContext() {
    }

    static ServletContext withPath(String contextPath) {
        return (ServletContext) Proxy.newProxyInstance(ServletContext.class.getClassLoader(),
                new Class<?>[] {ServletContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getContextPath" -> contextPath;
                    case "toString" -> "ServletContext(" + contextPath + ")";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A clock that stands still until the test advances it. */
    static final class Clock implements InstantSource {
        private Instant now = Instant.parse("2026-01-02T03:04:05Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advanceMillis(long millis) {
            now = now.plusMillis(millis);
        }

        void advanceSeconds(long seconds) {
            now = now.plusSeconds(seconds);
        }
    }
}
