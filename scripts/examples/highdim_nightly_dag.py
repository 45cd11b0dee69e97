"""Airflow DAG: nightly incremental reprocessing of a microscopy archive with highdim on a Spark cluster.

Documented, not run by the tests (Airflow is not installed here). Needs apache-airflow-providers-apache-spark and a
Spark connection "spark_cluster" pointing at the cluster's master. Each run reads only the images that are new or
changed since the catalogue's rows were computed (the rest print "status":"unchanged"), so a failed or killed night is
completed by the next try of the task: `retries` below is safe.

Exit codes of highdim (the task's outcome): 0 all ok or unchanged -> success; 3 the run completed but rejected some
inputs -> the task fails (Airflow sees a non-zero exit) and the alert names the run: the rejected files' reasons are
in the catalogue (`highdim show runs`, images.reason); 1 the run failed (database beyond the retry window, storage,
a bug) -> retried; 2 a usage error -> fix the DAG. With --deploy-mode cluster, spark-submit exits 0 even when the
driver failed: run the driver in client mode (as here) so the exit code reaches Airflow.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

ARCHIVE = "s3a://lab-archive/microscopy/"

with DAG(
    dag_id="highdim_nightly",
    schedule="30 2 * * *",
    start_date=datetime(2026, 12, 1),
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=15)},
) as dag:
    # --dry-run first: the log shows how many files are new, changed or unchanged before any pixel is read
    plan = SparkSubmitOperator(
        task_id="plan",
        conn_id="spark_cluster",
        application="/opt/highdim/highdim-jobs.jar",
        java_class="io.highdim.jobs.HighdimCli",
        deploy_mode="client",
        application_args=["run", "--dry-run", "--jdbc-url", "jdbc:postgresql://db:5432/highdim",
                          "--db-user", "highdim", "--db-password-file", "/etc/highdim/db-password", ARCHIVE],
        conf={"spark.driver.extraJavaOptions": "{{ var.value.highdim_java17_opens }}"},
    )
    reprocess = SparkSubmitOperator(
        task_id="reprocess",
        conn_id="spark_cluster",
        application="/opt/highdim/highdim-jobs.jar",
        java_class="io.highdim.jobs.HighdimCli",
        deploy_mode="client",
        application_args=["run", "--output", "s3a://lab-results/slices", "--jdbc-url",
                          "jdbc:postgresql://db:5432/highdim", "--db-user", "highdim",
                          "--db-password-file", "/etc/highdim/db-password", "--commit-retry-seconds", "300",
                          ARCHIVE],
        conf={"spark.driver.extraJavaOptions": "{{ var.value.highdim_java17_opens }}",
              "spark.executor.extraJavaOptions": "{{ var.value.highdim_java17_opens }}"},
        executor_cores=4,
        executor_memory="4g",
        driver_memory="1g",
    )
    plan >> reprocess
