package dev.unicorn.servlet;

import jakarta.servlet.Registration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** What servlet and filter registrations share: a name, a class name, init parameters and async support. */
abstract class RegistrationBase implements Registration.Dynamic {
    final AppContext context;
    private final String name;
    private final String className;
    private final Map<String, String> initParameters = new LinkedHashMap<>();
    private volatile boolean asyncSupported;

    RegistrationBase(AppContext context, String name, String className) {
        this.context = context;
        this.name = name;
        this.className = className;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getClassName() {
        return className;
    }

    @Override
    public boolean setInitParameter(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        context.checkConfigurable();
        if (initParameters.containsKey(name)) {
            return false;
        }
        initParameters.put(name, value);
        return true;
    }

    @Override
    public String getInitParameter(String name) {
        return initParameters.get(name);
    }

    @Override
    public Set<String> setInitParameters(Map<String, String> parameters) {
        context.checkConfigurable();
        Set<String> conflicts = new HashSet<>();
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            Objects.requireNonNull(e.getKey(), "name");
            Objects.requireNonNull(e.getValue(), "value");
            if (initParameters.containsKey(e.getKey())) {
                conflicts.add(e.getKey());
            }
        }
        if (conflicts.isEmpty()) {
            initParameters.putAll(parameters);
        }
        return conflicts;
    }

    @Override
    public Map<String, String> getInitParameters() {
        return Collections.unmodifiableMap(initParameters);
    }

    /** For {@code ServletConfig}/{@code FilterConfig}. */
    public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(initParameters.keySet());
    }

    @Override
    public void setAsyncSupported(boolean supported) {
        context.checkConfigurable();
        this.asyncSupported = supported;
    }

    boolean isAsyncSupported() {
        return asyncSupported;
    }
}
