/**
 * A Jakarta Servlet 6.1 container on top of Unicorn's blocking {@code HttpApp}:
 * {@link dev.unicorn.servlet.ServletApp} is one web application (its {@code ServletContext},
 * servlets, filters, listeners, initializers, error pages), served on every blocking worker
 * model. Sessions and multipart parsing plug in through {@link dev.unicorn.servlet.SessionSupport}
 * and {@link dev.unicorn.servlet.MultipartSupport} (implemented in the {@code session} and
 * {@code multipart} subpackages). See {@code docs/servlet.md}.
 */
package dev.unicorn.servlet;
