/**
 * The domain model shared by the jobs, the catalogue and (later) the service and reports: what happened to each
 * image of a run and what was computed for it. Plain Java: no Spark, no SQL. Result records carry no image id;
 * the outcome they belong to does.
 */
package io.highdim.model;
