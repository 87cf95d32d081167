package dev.unicorn.servlet.session;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionActivationListener;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionStoreTest {
    private final ServletContext context = TestContext.withPath("/app");
    private final TestContext.Clock clock = new TestContext.Clock();
    private final SessionStore store = new SessionStore(context, clock, 10);
    private final List<String> events = new CopyOnWriteArrayList<>();

    /** Records every session event as one line. */
    private final class Recorder implements HttpSessionListener, HttpSessionAttributeListener, HttpSessionIdListener {
        private final String label;

        Recorder(String label) {
            this.label = label;
        }

        @Override
        public void sessionCreated(HttpSessionEvent se) {
            events.add(label + " created");
        }

        @Override
        public void sessionDestroyed(HttpSessionEvent se) {
            events.add(label + " destroyed " + Collections.list(se.getSession().getAttributeNames()));
        }

        @Override
        public void sessionIdChanged(HttpSessionEvent se, String oldSessionId) {
            events.add(label + " idChanged " + oldSessionId + " -> " + se.getSession().getId());
        }

        @Override
        public void attributeAdded(HttpSessionBindingEvent e) {
            events.add(label + " added " + e.getName() + "=" + e.getValue());
        }

        @Override
        public void attributeReplaced(HttpSessionBindingEvent e) {
            events.add(label + " replaced " + e.getName() + "=" + e.getValue());
        }

        @Override
        public void attributeRemoved(HttpSessionBindingEvent e) {
            events.add(label + " removed " + e.getName() + "=" + e.getValue());
        }
    }

    /** A value that records its binding callbacks. */
    private final class Bound implements HttpSessionBindingListener {
        private final String label;

        Bound(String label) {
            this.label = label;
        }

        @Override
        public void valueBound(HttpSessionBindingEvent e) {
            events.add(label + " bound as " + e.getName());
        }

        @Override
        public void valueUnbound(HttpSessionBindingEvent e) {
            events.add(label + " unbound from " + e.getName());
        }

        @Override
        public String toString() {
            return label;
        }
    }

    @Test
    void aCreatedSessionIsNewWithCreationTimeAndTheDefaultInterval() {
        HttpSession s = store.create();
        assertThat(s.isNew()).isTrue();
        assertThat(s.getCreationTime()).isEqualTo(clock.millis());
        assertThat(s.getLastAccessedTime()).isEqualTo(clock.millis());
        assertThat(s.getMaxInactiveInterval()).isEqualTo(1800);
        assertThat(s.getServletContext()).isSameAs(context);
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void newSessionsTakeTheConfiguredDefaultInterval() {
        store.setDefaultMaxInactiveInterval(60);
        assertThat(store.create().getMaxInactiveInterval()).isEqualTo(60);
    }

    @Test
    void sessionIdsAreThirtyTwoUrlSafeCharactersAndNeverRepeat() {
        SessionStore big = new SessionStore(context, clock, 5000);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            String id = big.create().getId();
            assertThat(id).matches("[A-Za-z0-9_-]{32}");
            seen.add(id);
        }
        assertThat(seen).hasSize(5000);
    }

    @Test
    void accessingASessionAgainMakesItNotNewAndUpdatesTheLastAccessedTime() {
        HttpSession s = store.create();
        store.release(s);
        clock.advanceSeconds(5);
        HttpSession again = store.access(s.getId());
        assertThat(again).isSameAs(s);
        assertThat(again.isNew()).isFalse();
        assertThat(again.getLastAccessedTime()).isEqualTo(clock.millis());
        assertThat(again.getCreationTime()).isEqualTo(clock.millis() - 5000);
    }

    @Test
    void accessOfAnUnknownOrMissingIdFindsNothing() {
        store.create();
        assertThat(store.access("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).isNull();
        assertThat(store.access(null)).isNull();
        assertThat(store.isValid(null)).isFalse();
    }

    @Test
    void anIdleSessionExpiresOnceItsMaxInactiveIntervalHasPassed() {
        store.addListener(new Recorder("L"));
        HttpSession s = store.create();
        s.setMaxInactiveInterval(10);
        store.release(s);
        clock.advanceMillis(9_999);
        assertThat(store.expire()).isZero();
        assertThat(store.isValid(s.getId())).isTrue();
        clock.advanceMillis(1);
        assertThat(store.expire()).isEqualTo(1);
        assertThat(store.access(s.getId())).isNull();
        assertThat(store.size()).isZero();
        assertThat(events).containsExactly("L created", "L destroyed []");
        assertThatThrownBy(s::getCreationTime).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void aSessionWithAZeroOrNegativeIntervalNeverExpires(int interval) {
        HttpSession s = store.create();
        s.setMaxInactiveInterval(interval);
        store.release(s);
        clock.advanceSeconds(365L * 24 * 3600);
        assertThat(store.expire()).isZero();
        assertThat(store.access(s.getId())).isSameAs(s);
    }

    @Test
    void aSessionInUseByARequestNeverExpiresAndItsIdleTimeStartsWhenTheRequestEnds() {
        HttpSession s = store.create();
        s.setMaxInactiveInterval(10);
        clock.advanceSeconds(60);
        assertThat(store.expire()).isZero();
        store.release(s);
        clock.advanceSeconds(9);
        assertThat(store.expire()).isZero();
        clock.advanceSeconds(1);
        assertThat(store.expire()).isEqualTo(1);
    }

    @Test
    void accessOfAnExpiredSessionDestroysItWithoutWaitingForTheSweeper() {
        store.addListener(new Recorder("L"));
        HttpSession s = store.create();
        s.setMaxInactiveInterval(1);
        store.release(s);
        clock.advanceSeconds(1);
        assertThat(store.access(s.getId())).isNull();
        assertThat(store.size()).isZero();
        assertThat(events).containsExactly("L created", "L destroyed []");
    }

    @Test
    void everyMethodOfAnInvalidatedSessionThatTheSpecGuardsThrowsIllegalStateException() {
        HttpSession s = store.create();
        s.invalidate();
        List<Consumer<HttpSession>> calls = List.of(HttpSession::getCreationTime, HttpSession::getLastAccessedTime,
                x -> x.getAttribute("a"), HttpSession::getAttributeNames, x -> x.setAttribute("a", "b"),
                x -> x.removeAttribute("a"), HttpSession::isNew, HttpSession::invalidate);
        for (Consumer<HttpSession> call : calls) {
            assertThatThrownBy(() -> call.accept(s)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(s.getId());
        }
        assertThat(s.getServletContext()).isSameAs(context);
        assertThat(s.getMaxInactiveInterval()).isEqualTo(1800);
    }

    @Test
    void anInvalidatedSessionLeavesTheStore() {
        HttpSession s = store.create();
        s.invalidate();
        assertThat(store.size()).isZero();
        assertThat(store.isValid(s.getId())).isFalse();
        assertThat(store.access(s.getId())).isNull();
    }

    @Test
    void changeSessionIdKeepsTheAttributesAndTellsTheIdListeners() {
        store.addListener(new Recorder("L"));
        HttpSession s = store.create();
        s.setAttribute("user", "ada");
        String oldId = s.getId();
        String newId = store.changeSessionId(s);
        assertThat(newId).isNotEqualTo(oldId).matches("[A-Za-z0-9_-]{32}");
        assertThat(s.getId()).isEqualTo(newId);
        assertThat(s.getAttribute("user")).isEqualTo("ada");
        assertThat(store.access(oldId)).isNull();
        assertThat(store.access(newId)).isSameAs(s);
        assertThat(store.size()).isEqualTo(1);
        assertThat(events).containsExactly("L created", "L added user=ada", "L idChanged " + oldId + " -> " + newId);
    }

    @Test
    void changeSessionIdOfAnInvalidatedSessionThrowsIllegalStateException() {
        HttpSession s = store.create();
        s.invalidate();
        assertThatThrownBy(() -> store.changeSessionId(s)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sessionListenersHearCreationInDeclarationOrderAndDestructionInReverseOrder() {
        store.addListener(new Recorder("first"));
        store.addListener(new Recorder("second"));
        HttpSession s = store.create();
        s.invalidate();
        assertThat(events).containsExactly("first created", "second created", "second destroyed []",
                "first destroyed []");
    }

    @Test
    void destructionListenersStillReadTheAttributesWhichAreUnboundAfterwards() {
        store.addListener(new Recorder("L"));
        HttpSession s = store.create();
        s.setAttribute("cart", new Bound("cart"));
        events.clear();
        s.invalidate();
        assertThat(events).containsExactly("L destroyed [cart]", "cart unbound from cart", "L removed cart=cart");
    }

    @Test
    void expiryUnbindsTheAttributesLikeInvalidation() {
        HttpSession s = store.create();
        s.setMaxInactiveInterval(1);
        s.setAttribute("cart", new Bound("cart"));
        store.release(s);
        events.clear();
        clock.advanceSeconds(2);
        store.expire();
        assertThat(events).containsExactly("cart unbound from cart");
    }

    @Test
    void attributeListenersHearAddedReplacedWithTheOldValueAndRemoved() {
        store.addListener(new Recorder("L"));
        HttpSession s = store.create();
        s.setAttribute("a", "1");
        s.setAttribute("a", "2");
        s.removeAttribute("a");
        s.removeAttribute("a");
        assertThat(events).containsExactly("L created", "L added a=1", "L replaced a=1", "L removed a=2");
        assertThat(s.getAttribute("a")).isNull();
    }

    @Test
    void replacingAValueBindsTheNewOneThenUnbindsTheOldOneThenTellsTheListeners() {
        store.addListener(new Recorder("L"));
        HttpSession s = store.create();
        s.setAttribute("x", new Bound("old"));
        events.clear();
        s.setAttribute("x", new Bound("new"));
        assertThat(events).containsExactly("new bound as x", "old unbound from x", "L replaced x=old");
        assertThat(s.getAttribute("x")).hasToString("new");
    }

    @Test
    void settingTheSameObjectAgainBindsNothingButIsAReplacement() {
        store.addListener(new Recorder("L"));
        HttpSession s = store.create();
        Bound value = new Bound("v");
        s.setAttribute("x", value);
        events.clear();
        s.setAttribute("x", value);
        assertThat(events).containsExactly("L replaced x=v");
    }

    @Test
    void settingAnAttributeToNullRemovesIt() {
        store.addListener(new Recorder("L"));
        HttpSession s = store.create();
        s.setAttribute("x", new Bound("v"));
        events.clear();
        s.setAttribute("x", null);
        assertThat(events).containsExactly("v unbound from x", "L removed x=v");
        assertThat(Collections.list(s.getAttributeNames())).isEmpty();
    }

    @Test
    void aNullAttributeNameIsRefused() {
        HttpSession s = store.create();
        assertThatThrownBy(() -> s.setAttribute(null, "v")).isInstanceOf(IllegalArgumentException.class);
        assertThat(s.getAttribute(null)).isNull();
    }

    @Test
    void aListenerThatThrowsIsLoggedAndTheOthersStillRun() {
        store.addListener(new HttpSessionListener() {
            @Override
            public void sessionCreated(HttpSessionEvent se) {
                throw new IllegalStateException("listener bug (expected by the test)");
            }
        });
        store.addListener(new Recorder("L"));
        HttpSession s = store.create();
        assertThat(events).containsExactly("L created");
        assertThat(store.access(s.getId())).isSameAs(s);
    }

    @Test
    void atTheLimitANewSessionIsRefusedWhenNoSessionIsDueToExpire() {
        SessionStore small = new SessionStore(context, clock, 2);
        HttpSession a = small.create();
        HttpSession b = small.create();
        assertThatThrownBy(small::create).isInstanceOf(SessionLimitException.class)
                .isInstanceOf(IllegalStateException.class).hasMessage("Session limit reached: 2 live sessions");
        assertThat(small.size()).isEqualTo(2);
        assertThat(small.access(a.getId())).isSameAs(a);
        assertThat(small.access(b.getId())).isSameAs(b);
    }

    @Test
    void atTheLimitIdleExpiredSessionsAreExpiredToMakeRoom() {
        SessionStore small = new SessionStore(context, clock, 2);
        HttpSession idle = small.create();
        idle.setMaxInactiveInterval(1);
        small.release(idle);
        small.create();
        clock.advanceSeconds(1);
        HttpSession third = small.create();
        assertThat(small.size()).isEqualTo(2);
        assertThat(small.isValid(idle.getId())).isFalse();
        assertThat(small.isValid(third.getId())).isTrue();
    }

    @Test
    void atTheLimitTheStoreSweepsAtMostOnceASecond() {
        SessionStore small = new SessionStore(context, clock, 1);
        HttpSession idle = small.create();
        idle.setMaxInactiveInterval(1);
        small.release(idle);
        clock.advanceMillis(500);
        assertThatThrownBy(small::create).isInstanceOf(SessionLimitException.class);
        clock.advanceMillis(500);
        assertThatThrownBy(small::create).as("due, but swept 0.5 s ago").isInstanceOf(SessionLimitException.class);
        clock.advanceMillis(500);
        assertThat(small.create()).isNotNull();
        assertThat(small.isValid(idle.getId())).isFalse();
    }

    @Test
    void concurrentCreationNeverExceedsTheLimit() throws Exception {
        SessionStore small = new SessionStore(context, clock, 50);
        AtomicInteger created = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().name("create-" + t).start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 25; i++) {
                    try {
                        small.create();
                        created.incrementAndGet();
                    } catch (SessionLimitException e) {
                        refused.incrementAndGet();
                    }
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(created.get()).isEqualTo(50);
        assertThat(refused.get()).isEqualTo(150);
        assertThat(small.size()).isEqualTo(50);
    }

    @Test
    void anInvalidatedSessionFreesItsPlaceUnderTheLimit() {
        SessionStore small = new SessionStore(context, clock, 1);
        small.create().invalidate();
        assertThat(small.create()).isNotNull();
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> new SessionStore(context, clock, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closingTheStoreInvalidatesEverySessionEvenInUseAndRefusesNewOnes() {
        store.addListener(new Recorder("L"));
        HttpSession inUse = store.create();
        HttpSession idle = store.create();
        store.release(idle);
        events.clear();
        store.close();
        assertThat(events).containsExactly("L destroyed []", "L destroyed []");
        assertThat(store.size()).isZero();
        assertThatThrownBy(inUse::isNew).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(store::create).isInstanceOf(IllegalStateException.class)
                .hasMessage("The session store is closed");
    }

    @Test
    void activationListenersAreNeverCalledBecauseSessionsNeverLeaveMemory() {
        List<String> calls = new ArrayList<>();
        HttpSessionActivationListener value = new HttpSessionActivationListener() {
            @Override
            public void sessionWillPassivate(HttpSessionEvent se) {
                calls.add("passivate");
            }

            @Override
            public void sessionDidActivate(HttpSessionEvent se) {
                calls.add("activate");
            }
        };
        HttpSession s = store.create();
        s.setAttribute("v", value);
        store.changeSessionId(s);
        store.release(s);
        store.close();
        assertThat(calls).isEmpty();
    }

    @Test
    void addingSomethingOtherThanASessionListenerIsRefused() {
        assertThatThrownBy(() -> store.addListener(new java.util.EventListener() { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a session listener");
    }

    @Test
    void theAccessorRunsTheActionOnTheSessionAndCountsAsAnAccess() {
        HttpSession s = store.create();
        s.setMaxInactiveInterval(10);
        store.release(s);
        clock.advanceSeconds(8);
        List<Object> seen = new ArrayList<>();
        s.getAccessor().access(x -> seen.add(x.getAttribute("missing") == null ? "ran" : "?"));
        assertThat(seen).containsExactly("ran");
        assertThat(s.getLastAccessedTime()).isEqualTo(clock.millis());
        clock.advanceSeconds(8);
        assertThat(store.expire()).isZero();
        assertThat(s.isNew()).isTrue();
    }

    @Test
    void theAccessorOfAnInvalidatedSessionThrowsIllegalStateException() {
        HttpSession s = store.create();
        HttpSession.Accessor accessor = s.getAccessor();
        s.invalidate();
        assertThatThrownBy(() -> accessor.access(x -> { })).isInstanceOf(IllegalStateException.class);
    }
}
