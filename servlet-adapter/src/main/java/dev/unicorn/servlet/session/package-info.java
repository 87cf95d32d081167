/**
 * In-memory HTTP sessions for the Servlet adapter: {@link dev.unicorn.servlet.session.SessionStore}
 * holds one context's sessions, their cookie configuration, tracking modes (cookies only) and
 * listeners; the owner drives expiry, so the package starts no thread.
 */
package dev.unicorn.servlet.session;
