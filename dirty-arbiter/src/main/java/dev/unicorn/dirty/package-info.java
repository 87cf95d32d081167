/**
 * Dirty arbiters for Unicorn: pools of child JVMs for heavy or blocking work, supervised like gunicorn's dirty workers, with a client API for HTTP workers. Filled by the dirty arbiters issue.
 */
package dev.unicorn.dirty;
