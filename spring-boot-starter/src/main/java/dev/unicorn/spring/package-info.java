/**
 * The Spring Boot 4 starter for Unicorn: a ServletWebServerFactory and auto-configuration mapping server.* properties onto Unicorn settings. Filled by the Spring Boot starter issue.
 */
package dev.unicorn.spring;
