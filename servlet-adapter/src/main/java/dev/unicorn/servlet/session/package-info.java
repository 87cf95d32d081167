/**
 * In-memory HTTP sessions for the Servlet adapter: {@link dev.unicorn.servlet.session.SessionStore}
 * holds one context's sessions, their cookie configuration, tracking modes (cookies only) and
 * listeners, and starts no thread: its owner drives expiry.
 * {@link dev.unicorn.servlet.session.InMemorySessions} is that owner in a {@code ServletApp}
 * (the default {@code SessionSupport}): it wires the store to the context and the requests and
 * expires idle sessions on one daemon thread between the context's start and stop.
 */
package dev.unicorn.servlet.session;
