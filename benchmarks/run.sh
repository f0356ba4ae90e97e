#!/usr/bin/env bash
# Builds and runs every jpoll benchmark side by side with the JDK Selector, Netty native epoll and
# a C loop, then writes RESULTS.md and dispatch.png. See benchmarks/README.md.
#
#   benchmarks/run.sh            full run (about 25 minutes): results in benchmarks/results/
#   benchmarks/run.sh --quick    smoke run (under 3 minutes): results in benchmarks/results/quick/
#
# Exits non-zero only when something is broken (build, a benchmark that throws, the report);
# a missed target is reported in RESULTS.md, never an exit status.
# JAVA_HOME picks the JDK that runs the benchmarks (default: java on PATH).
# BENCH_NOTE describes the machine's load for the report header.
set -euo pipefail

mode=full
for arg in "$@"; do
    case "$arg" in
        --quick) mode=quick ;;
        -h | --help)
            sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "run.sh: unknown argument '$arg' (use --quick or nothing)" >&2
            exit 2
            ;;
    esac
done

bench_dir="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$bench_dir")"
if [[ $mode == quick ]]; then
    results="$bench_dir/results/quick"
else
    results="$bench_dir/results"
fi
mkdir -p "$results"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
started=$(date +%s)

log() { echo "[run.sh $(($(date +%s) - started))s] $*"; }

# --- open-file limit: the idle-scale benchmark wants up to 100k registrations --------------------
ulimit -Hn 110000 2>/dev/null || true # only works with CAP_SYS_RESOURCE
ulimit -n "$(ulimit -Hn)"
fd_limit=$(ulimit -n)
idle_sizes=()
idle_skipped=()
if [[ $mode == quick ]]; then
    candidates=(1000)
else
    candidates=(1000 10000 100000)
fi
for n in "${candidates[@]}"; do
    # n idle sockets + 16 socket pairs + the JVM's own files (jars, epoll fds, ...)
    if ((n + 32 + 300 <= fd_limit)); then
        idle_sizes+=("$n")
    else
        idle_skipped+=("$n")
    fi
done
if ((${#idle_sizes[@]} == 0)); then
    echo "run.sh: the open-file limit ($fd_limit) is below what the smallest idle-scale size needs" >&2
    exit 1
fi
idle_note="Sizes run: $(IFS=,; echo "${idle_sizes[*]}")."
if ((${#idle_skipped[@]} > 0)); then
    idle_note+=" Skipped: $(IFS=,; echo "${idle_skipped[*]}"), beyond the open-file limit of $fd_limit (the hard limit, which run.sh cannot raise without CAP_SYS_RESOURCE)."
fi
log "mode $mode; open-file limit $fd_limit; idle sizes ${idle_sizes[*]}${idle_skipped:+ (skipping ${idle_skipped[*]})}"

# --- build ------------------------------------------------------------------------------------------
log "building the benchmarks jar"
# Tests, Javadoc and source jars of the modules it depends on are CI's business, not the benchmarks'.
(cd "$root" && ./mvnw -B -q -pl benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true)
jar="$bench_dir/target/benchmarks.jar"
log "compiling the C dispatch loop"
gcc -O2 -Wall -Wextra -Werror -o "$bench_dir/target/dispatch" "$bench_dir/src/main/c/dispatch.c"

jvm_flags=(--enable-native-access=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED)

# --- what the report header says about the machine -------------------------------------------------
load_note="${BENCH_NOTE:-load average at start: $(cut -d' ' -f1-3 /proc/loadavg)}"
if [[ $mode == quick ]]; then
    c_args=(--runs 3 --millis 100 --ready 1,64)
else
    c_args=(--runs 10 --millis 300 --ready 1,16,64)
fi
{
    echo "mode=$mode"
    echo "date=$(date -u '+%Y-%m-%d %H:%M')"
    echo "cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
    echo "cores=$(nproc)"
    echo "memory=$(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
    echo "kernel=Linux $(uname -r)"
    echo "note=$load_note"
    echo "gcc=$(gcc --version | head -1)"
    echo "cRuns=${c_args[1]} timed runs of ${c_args[3]} ms after one warm-up run, in two sessions (before and after JMH); the faster session's median counts"
    echo "fdLimit=$fd_limit"
    echo "idleNote=$idle_note"
} >"$results/env.properties"

# --- the C loop ---------------------------------------------------------------------------------------
# Run once before and once after JMH; the report takes the faster session per configuration, so a
# burst of load from elsewhere on the machine cannot make jpoll look closer to C than it is.
rm -f "$results/c-dispatch.jsonl"
log "running the C dispatch loop (session 1 of 2)"
"$bench_dir/target/dispatch" "${c_args[@]}" >"$results/c-dispatch-before.jsonl"

# --- heap per registration -------------------------------------------------------------------------
footprint_count=10000
if [[ $mode == quick ]] || ((footprint_count + 300 > fd_limit)); then
    footprint_count=1000
fi
log "measuring heap bytes per registration ($footprint_count registrations)"
"$java_bin" "${jvm_flags[@]}" -cp "$jar" io.jpoll.bench.footprint.Footprint "$footprint_count" "$results/footprint.json"

# --- exact allocation per operation --------------------------------------------------------------
alloc_ops=20000
[[ $mode == quick ]] && alloc_ops=2000
log "counting allocation per operation ($alloc_ops operations per round)"
"$java_bin" "${jvm_flags[@]}" -cp "$jar" io.jpoll.bench.alloc.AllocationCheck "$alloc_ops" "$results/alloc.json"

# --- JMH ----------------------------------------------------------------------------------------------
jmh_args=(-rf json -rff "$results/jmh.json" -prof gc -foe true -p "idle=$(IFS=,; echo "${idle_sizes[*]}")")
if [[ $mode == quick ]]; then
    # One fork, short iterations, the extreme sizes only: proves every benchmark runs.
    jmh_args+=(-f 1 -wi 1 -w 200ms -i 2 -r 200ms -p ready=1,64 -p connections=1,256 -p size=4096)
else
    jmh_args+=(-f 2 -wi 3 -w 1s -i 5 -r 1s)
fi
log "running JMH: ${jmh_args[*]}"
# No flags for the JMH host: each fork gets exactly jvm_flags from the benchmarks' @Fork annotations.
"$java_bin" -jar "$jar" "${jmh_args[@]}" >"$results/jmh.log" 2>&1 || {
    tail -50 "$results/jmh.log" >&2
    echo "run.sh: JMH failed; the full log is $results/jmh.log" >&2
    exit 1
}
grep -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark\.[A-Za-z]+ )' "$results/jmh.log" || true

log "running the C dispatch loop (session 2 of 2)"
"$bench_dir/target/dispatch" "${c_args[@]}" >"$results/c-dispatch-after.jsonl"

echo "loadEnd=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$results/env.properties"

# --- report -----------------------------------------------------------------------------------------
log "writing the report"
"$java_bin" -cp "$jar" io.jpoll.bench.report.Report "$results" "$bench_dir/PROFILE.md"
log "done: $results/RESULTS.md"
