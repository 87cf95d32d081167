/**
 * Child JVMs for isolation: launching a JVM with the parent's java binary and classpath
 * ({@link dev.unicorn.process.ChildJvm}), supervising a set of them with heartbeats, respawn
 * with back-off, replacement and graceful stop ({@link dev.unicorn.process.Supervisor}), and,
 * on the child side, exiting when the parent dies ({@link dev.unicorn.process.ParentWatch}).
 * JDK only; used by the dirty arbiter and meant for the {@code process} worker model.
 */
package dev.unicorn.process;
