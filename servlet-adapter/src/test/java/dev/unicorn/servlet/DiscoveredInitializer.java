package dev.unicorn.servlet;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.annotation.HandlesTypes;
import jakarta.servlet.http.HttpServlet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Declared in this module's test {@code META-INF/services}: found by
 * {@link ServletApp#discoverInitializers()}; records the classes its {@link HandlesTypes} got.
 */
@HandlesTypes(HttpServlet.class)
public class DiscoveredInitializer implements ServletContainerInitializer {
    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext ctx) {
        List<String> names = new ArrayList<>();
        if (classes != null) {
            for (Class<?> c : classes) {
                names.add(c.getSimpleName());
            }
        }
        names.sort(null);
        ctx.setAttribute("discovered", names);
    }
}
