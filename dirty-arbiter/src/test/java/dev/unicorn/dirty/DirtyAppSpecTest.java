package dev.unicorn.dirty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DirtyAppSpecTest {
    private static final List<DirtyAppSpec> SPECS = DirtyAppSpec.parseAll(List.of("a.Light", "a.Heavy:2", "a.Single:1"));

    @Test
    void parsesANameAndAnOptionalLimit() {
        assertThat(DirtyAppSpec.parse("com.example.Resize")).isEqualTo(new DirtyAppSpec("com.example.Resize", 0));
        assertThat(DirtyAppSpec.parse("com.example.Resize:3")).isEqualTo(new DirtyAppSpec("com.example.Resize", 3));
    }

    @Test
    void refusesGunicornsModuleColonClassForm() {
        assertThatThrownBy(() -> DirtyAppSpec.parse("pkg.mod:Class:2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid dirty app");
    }

    @Test
    void eachSlotHostsTheUnlimitedAppsAndTheLimitedAppsWhoseLimitExceedsIt() {
        // gunicorn's documented example: 4 workers, Light unlimited, Heavy 2, Single 1
        assertThat(DirtyAppSpec.appsForSlot(SPECS, 0)).containsExactly("a.Light", "a.Heavy", "a.Single");
        assertThat(DirtyAppSpec.appsForSlot(SPECS, 1)).containsExactly("a.Light", "a.Heavy");
        assertThat(DirtyAppSpec.appsForSlot(SPECS, 2)).containsExactly("a.Light");
        assertThat(DirtyAppSpec.appsForSlot(SPECS, 3)).containsExactly("a.Light");
    }

    @Test
    void removingTheHighestSlotsNeverRemovesTheLastHostOfAnApp() {
        for (int workers = 4; workers >= 1; workers--) {
            for (DirtyAppSpec spec : SPECS) {
                int hosts = 0;
                for (int slot = 0; slot < workers; slot++) {
                    if (DirtyAppSpec.appsForSlot(SPECS, slot).contains(spec.name())) {
                        hosts++;
                    }
                }
                int wanted = spec.workers() == 0 ? workers : Math.min(spec.workers(), workers);
                assertThat(hosts).as("%s with %d workers", spec.name(), workers).isEqualTo(wanted);
            }
        }
    }

    @Test
    void slotsThatWouldHostNothingAreNotWanted() {
        List<DirtyAppSpec> limited = DirtyAppSpec.parseAll(List.of("a.A:2", "a.B:4", "a.C:1"));
        assertThat(DirtyAppSpec.usefulSlots(limited, 9)).isEqualTo(4); // gunicorn's celery example spawns 4 of 9
        assertThat(DirtyAppSpec.usefulSlots(limited, 3)).isEqualTo(3);
        assertThat(DirtyAppSpec.usefulSlots(SPECS, 9)).isEqualTo(9);
    }

    @Test
    void anInstanceIsCreatedFromTheClassName() throws Exception {
        assertThat(new DirtyAppSpec(EchoApp.class.getName(), 0).newInstance()).isInstanceOf(EchoApp.class);
        assertThatThrownBy(() -> new DirtyAppSpec(String.class.getName(), 0).newInstance())
                .isInstanceOf(ClassCastException.class)
                .hasMessage("java.lang.String does not implement dev.unicorn.dirty.DirtyApp");
    }
}
