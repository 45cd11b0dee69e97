package io.highdim.jobs.archfixture.a;

import io.highdim.jobs.archfixture.b.CycleEnd;

/** With {@link CycleEnd}: a cycle between two packages, for ArchitectureRulesTest to find (test sources only). */
public final class CycleStart {
    public CycleEnd next;
}
