# shellcheck shell=bash
# Java 17 for highdim, in one place; sourced (never run) by scripts/* and .ci/run:
#
#   java17_pin     finds a Java 17 and exports JAVA_HOME and PATH (its bin/ first). An explicit JAVA_HOME is kept
#                  if it is a Java 17; otherwise (a note on stderr) the search goes on: Debian's OpenJDK 17
#                  (/usr/lib/jvm/java-17-openjdk-*), the java on PATH, any other /usr/lib/jvm/* (/Library/Java on
#                  macOS). None of them Java 17: an error on stderr and status 1.
#   java17_opens   prints the JVM options Spark 3.5 needs on Java 17 (the --add-opens list): the value of
#                  spark.driver.extraJavaOptions in conf/spark-defaults.conf, their one home (the pom reads the same).
#   conf_value KEY FILE
#                  prints KEY's value in a Java properties file, read as java.util.Properties (and so Spark and
#                  properties-maven-plugin) reads it: '#'/'!' comment lines, "key value", "key=value" or
#                  "key: value", a line ending in '\' goes on on the next one (its leading blanks dropped); no other
#                  escapes. The last of repeated keys wins. Status 1 if KEY is missing.
#
# Spark 3.5.9 needs Java 17: Hadoop 3.3.4 fails on newer JDKs, and Spark 3.5 does not support them.

_JAVA17_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
_JAVA17_WHO=${0##*/}

# The feature version (17, 21, 25...) of the Java whose home is $1; fails if $1/bin/java is missing.
_java17_feature() {
  local home=$1 v=
  [[ -x $home/bin/java ]] || return 1
  if [[ -f $home/release ]]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$home/release" | head -1)
  fi
  if [[ -z $v ]]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.* version "\([0-9][0-9]*\).*/\1/p' | head -1)
  fi
  [[ -n $v ]] || return 1
  echo "$v"
}

java17_pin() {
  local explicit=${JAVA_HOME:-} home='' d v onpath=''
  local candidates=()
  [[ -n $explicit ]] && candidates+=("$explicit")
  candidates+=(/usr/lib/jvm/java-17-openjdk-*)
  if onpath=$(command -v java 2>/dev/null); then
    onpath=$(readlink -f "$onpath")
    candidates+=("${onpath%/bin/java}")
  fi
  candidates+=(/usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home)
  for d in "${candidates[@]}"; do
    if [[ -d $d ]] && v=$(_java17_feature "$d") && [[ $v == 17 ]]; then home=$(cd "$d" && pwd); break; fi
  done
  if [[ -z $home ]]; then
    {
      echo "$_JAVA17_WHO: error: Java 17 is required (Spark 3.5.9 and Hadoop 3.3.4 fail on newer JDKs); none found."
      [[ -z $explicit ]] || echo "  JAVA_HOME=$explicit is $(_java17_describe "$explicit")"
      [[ -z $onpath ]] || echo "  java on PATH ($onpath) is $(_java17_describe "${onpath%/bin/java}")"
      echo "  searched: \$JAVA_HOME, /usr/lib/jvm/java-17-openjdk-*, java on PATH, /usr/lib/jvm/*"
      echo "  install one (Debian: apt-get install openjdk-17-jdk-headless) or set JAVA_HOME to a Java 17"
    } >&2
    return 1
  fi
  if [[ -n $explicit && $home != "$(cd "$explicit" 2>/dev/null && pwd)" ]]; then
    echo "$_JAVA17_WHO: note: ignoring JAVA_HOME=$explicit ($(_java17_describe "$explicit")); using $home" >&2
  fi
  export JAVA_HOME=$home
  export PATH="$home/bin:$PATH"
}

_java17_describe() {
  local v
  if v=$(_java17_feature "$1"); then echo "Java $v"; else echo "not a Java home (no bin/java)"; fi
}

conf_value() {
  local key=$1 file=$2
  [[ -r $file ]] || { echo "$_JAVA17_WHO: error: cannot read $file" >&2; return 1; }
  awk -v want="$key" '
    function take(line,    k, rest) {
      match(line, /^[^ \t\f=:]*/)
      k = substr(line, 1, RLENGTH); rest = substr(line, RLENGTH + 1)
      sub(/^[ \t\f]*/, "", rest)
      if (rest ~ /^[=:]/) { rest = substr(rest, 2); sub(/^[ \t\f]*/, "", rest) }
      sub(/[ \t\f]+$/, "", rest)
      if (k == want) { value = rest; found = 1 }
    }
    {
      sub(/\r$/, "")
      line = $0
      sub(/^[ \t\f]+/, "", line)
      if (!cont && (line == "" || line ~ /^[#!]/)) next
      match(line, /\\+$/)
      more = RSTART > 0 && RLENGTH % 2 == 1
      if (more) line = substr(line, 1, length(line) - 1)
      logical = cont ? logical line : line
      cont = more
      if (!cont) { take(logical); logical = "" }
    }
    END {
      if (cont) take(logical)
      if (!found) exit 1
      print value
    }' "$file"
}

java17_opens() {
  local file=$_JAVA17_ROOT/conf/spark-defaults.conf v
  if ! v=$(conf_value spark.driver.extraJavaOptions "$file") || [[ -z $v ]]; then
    echo "$_JAVA17_WHO: error: no spark.driver.extraJavaOptions (the Java 17 --add-opens list) in $file" >&2
    return 1
  fi
  echo "$v"
}
