/**
 * Dirty arbiters: heavy or stateful work in a supervised pool of child JVMs, called from
 * request handlers ({@code docs/dirty.md}). Implement {@link dev.unicorn.dirty.DirtyApp}, name
 * it in the {@code dirtyApps} setting, call it through a {@link dev.unicorn.dirty.DirtyClient}
 * from {@link dev.unicorn.dirty.DirtyPool} (the server's), {@link dev.unicorn.dirty.DirtyArbiter}
 * (child JVMs) or {@link dev.unicorn.dirty.InProcessDirty} (this JVM).
 */
package dev.unicorn.dirty;
