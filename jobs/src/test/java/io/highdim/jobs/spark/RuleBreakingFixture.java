package io.highdim.jobs.spark;

import io.highdim.jobs.catalogue.CatalogueException;

/**
 * Breaks three of ArchitectureRulesTest's rules on purpose (test sources only, so the rules on main code never see it):
 * a {@code spark/} class that uses no Spark type, imports the catalogue and reads a test switch.
 */
public final class RuleBreakingFixture {
    private RuleBreakingFixture() {}

    public static boolean read(CatalogueException e) {
        return e != null || Boolean.getBoolean("highdim.test.somethingSwitchedOn");
    }
}
