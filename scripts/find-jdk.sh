# shellcheck shell=bash
# Finds a JDK 21 or newer for Skiff. Sourced by ./skiff and .ci/run; defines skiff_find_jdk,
# which sets SKIFF_JAVA_HOME, SKIFF_JAVA_VERSION (e.g. 25.0.3) and SKIFF_JAVA_MAJOR (25), or
# explains on stderr why it cannot. Reads each JDK's `release` file rather than running
# `java -version`, and forks nothing on that path, so that ./skiff starts without delay.

# shellcheck disable=SC2034 # SKIFF_JAVA_* are what the sourcing script reads.
SKIFF_MIN_JAVA=21

# Sets _skiff_version and _skiff_major for the JDK at $1; both empty if it is not a JDK.
_skiff_probe_jdk() {
  local home=$1 line
  _skiff_version=""
  _skiff_major=""
  [[ -x $home/bin/java && -x $home/bin/javac ]] || return 0
  if [[ -r $home/release ]]; then
    while IFS= read -r line; do
      if [[ $line =~ ^JAVA_VERSION=\"([^\"]+)\" ]]; then
        _skiff_version=${BASH_REMATCH[1]}
        break
      fi
    done <"$home/release"
  fi
  if [[ -z $_skiff_version ]]; then
    _skiff_version=$("$home/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
  fi
  _skiff_major=${_skiff_version#1.}
  _skiff_major=${_skiff_major%%[!0-9]*}
  return 0
}

skiff_find_jdk() {
  SKIFF_JAVA_HOME=""
  SKIFF_JAVA_VERSION=""
  SKIFF_JAVA_MAJOR=""
  if [[ -n ${JAVA_HOME:-} ]]; then
    _skiff_probe_jdk "$JAVA_HOME"
    if [[ -n $_skiff_major ]] && ((_skiff_major >= SKIFF_MIN_JAVA)); then
      SKIFF_JAVA_HOME=$JAVA_HOME
      SKIFF_JAVA_VERSION=$_skiff_version
      SKIFF_JAVA_MAJOR=$_skiff_major
      return 0
    fi
  fi
  local candidates=() home java_on_path
  for home in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [[ -d $home ]] && candidates+=("$home")
  done
  if java_on_path=$(command -v java 2>/dev/null); then
    java_on_path=$(readlink -f "$java_on_path" 2>/dev/null || echo "$java_on_path")
    candidates+=("$(dirname "$(dirname "$java_on_path")")")
  fi
  for home in "${candidates[@]}"; do
    _skiff_probe_jdk "$home"
    [[ -n $_skiff_major ]] || continue
    ((_skiff_major >= SKIFF_MIN_JAVA && _skiff_major > ${SKIFF_JAVA_MAJOR:-0})) || continue
    SKIFF_JAVA_HOME=$home
    SKIFF_JAVA_VERSION=$_skiff_version
    SKIFF_JAVA_MAJOR=$_skiff_major
  done
  if [[ -z $SKIFF_JAVA_HOME ]]; then
    echo "skiff: needs a JDK $SKIFF_MIN_JAVA or newer and found none" \
      "(JAVA_HOME=${JAVA_HOME:-unset}; looked in /usr/lib/jvm and on PATH)." \
      "Install one (e.g. apt-get install openjdk-21-jdk) or point JAVA_HOME at it." >&2
    return 1
  fi
  return 0
}
