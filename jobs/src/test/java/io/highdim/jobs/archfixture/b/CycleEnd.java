package io.highdim.jobs.archfixture.b;

import io.highdim.jobs.archfixture.a.CycleStart;

/** With {@link CycleStart}: a cycle between two packages, for ArchitectureRulesTest to find (test sources only). */
public final class CycleEnd {
    public CycleStart back;
}
