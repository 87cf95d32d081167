/**
 * The uWSGI binary protocol (nginx uwsgi_pass) for Unicorn: a sans-I/O packet codec mapping uWSGI variables onto the common exchange model. Filled by the uWSGI issue.
 */
package dev.unicorn.uwsgi;
