package io.highdim.jobs.cli;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;

/**
 * What a running {@code serve --runs} lends a pipeline command: its open catalogue, its Spark (started with the
 * server), its Hadoop settings, and the client's output stream. The command closes and stops none of them.
 */
record Hosted(CatalogueDatabase database, CompletableFuture<SparkContext> spark, Configuration hadoop,
              PrintStream out) {
}
