/**
 * A Jakarta Servlet 6.1 container on top of Unicorn's HttpApp: request and response wrappers, async and non-blocking I/O, multipart, sessions. Filled by the Servlet adapter issue.
 */
package dev.unicorn.servlet;
