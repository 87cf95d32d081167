/**
 * The uWSGI binary protocol, as nginx's {@code uwsgi_pass} speaks it: {@link dev.unicorn.uwsgi.UwsgiParser},
 * a sans-I/O packet codec that maps each packet's variables onto the same request head as an
 * HTTP/1.1 request (core's {@code Http1Event}s), its {@link dev.unicorn.uwsgi.UwsgiOptions}, and
 * {@link dev.unicorn.uwsgi.UwsgiProtocol}, with which a worker serves a uWSGI connection on core's
 * blocking or non-blocking HTTP/1.x connection. The rules, the mapping table and the integration
 * plan are in {@code docs/uwsgi.md}.
 */
package dev.unicorn.uwsgi;
