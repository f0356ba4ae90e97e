#!/usr/bin/env bash
# Builds and runs every jpoll benchmark side by side with the JDK Selector, Netty native epoll and
# a C loop, then writes RESULTS.md and dispatch.png. See benchmarks/README.md.
#
#   benchmarks/run.sh            full run (about 35 minutes): results in benchmarks/results/
#   benchmarks/run.sh --short    one fork, fewer iterations, echo with 64 B only (about 20 minutes)
#   benchmarks/run.sh --quick    smoke run (under 4 minutes): results in benchmarks/results/quick/
#
# Exits non-zero only when something is broken (build, a benchmark that throws, the report);
# a missed target is reported in RESULTS.md, never an exit status.
# JAVA_HOME picks the JDK that runs the benchmarks (default: java on PATH).
# BENCH_NOTE describes the machine's load for the report header; BENCH_OUT overrides the results
# directory (for example benchmarks/results/jdk17 for a second JDK's run).
set -euo pipefail

mode=full
for arg in "$@"; do
    case "$arg" in
        --quick) mode=quick ;;
        --short) mode=short ;;
        -h | --help)
            sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "run.sh: unknown argument '$arg' (use --quick, --short or nothing)" >&2
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
results="${BENCH_OUT:-$results}"
mkdir -p "$results"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# jpoll's epoll backend binds through java.lang.foreign on JDK 22+, through JNA on any JDK: every
# jpoll benchmark runs once per binding this JDK has (a JMH parameter, so each gets its own fork).
java_feature=$("$java_bin" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
if ((java_feature >= 22)); then
    bindings=(ffm jna)
else
    bindings=(jna)
fi
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
log "mode $mode; JDK $java_feature, bindings ${bindings[*]}; open-file limit $fd_limit; idle sizes ${idle_sizes[*]}${idle_skipped:+ (skipping ${idle_skipped[*]})}"

# --- build ------------------------------------------------------------------------------------------
log "building the benchmarks jar"
# Tests, Javadoc and source jars of the modules it depends on are CI's business, not the benchmarks'.
(cd "$root" && ./mvnw -B -q -pl benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true)
jar="$bench_dir/target/benchmarks.jar"
log "compiling the C dispatch loop"
gcc -O2 -Wall -Wextra -Werror -o "$bench_dir/target/dispatch" "$bench_dir/src/main/c/dispatch.c"
gcc -O2 -Wall -Wextra -Werror -o "$bench_dir/target/ops" "$bench_dir/src/main/c/ops.c"

jvm_flags=(--enable-native-access=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED)

# --- what the report header says about the machine -------------------------------------------------
load_note="${BENCH_NOTE:-load average at start: $(cut -d' ' -f1-3 /proc/loadavg)}"
if [[ $mode == quick ]]; then
    c_args=(--runs 3 --millis 100 --ready 64)
elif [[ $mode == short ]]; then
    c_args=(--runs 6 --millis 300 --ready 1,16,64)
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
    echo "javaFeature=$java_feature"
    echo "bindings=${bindings[*]}"
    echo "idleNote=$idle_note"
} >"$results/env.properties"

# --- the C loop ---------------------------------------------------------------------------------------
# Run once before and once after JMH; the report takes the faster session per configuration, so a
# burst of load from elsewhere on the machine cannot make jpoll look closer to C than it is.
rm -f "$results/c-dispatch.jsonl"
log "running the C dispatch loop (session 1 of 2)"
"$bench_dir/target/dispatch" "${c_args[@]}" >"$results/c-dispatch-before.jsonl"
"$bench_dir/target/ops" "${c_args[@]:0:4}" >"$results/c-ops-before.jsonl"

# --- heap per registration -------------------------------------------------------------------------
footprint_count=10000
if [[ $mode == quick ]] || ((footprint_count + 300 > fd_limit)); then
    footprint_count=1000
fi
log "measuring heap bytes per registration ($footprint_count registrations)"
"$java_bin" "${jvm_flags[@]}" -cp "$jar" io.jpoll.bench.footprint.Footprint "$footprint_count" "$results/footprint.json"

# --- exact allocation per operation --------------------------------------------------------------
# Exact counts: a per-operation allocation shows at any count, so shorter runs count fewer (the wake
# round trips dominate this step's time on a loaded machine).
alloc_ops=20000
[[ $mode == short ]] && alloc_ops=5000
[[ $mode == quick ]] && alloc_ops=2000
rm -f "$results/alloc.json"
for binding in "${bindings[@]}"; do
    log "counting allocation per operation on the $binding binding ($alloc_ops operations per round)"
    "$java_bin" "${jvm_flags[@]}" -cp "$jar" io.jpoll.bench.alloc.AllocationCheck "$alloc_ops" \
        "$results/alloc-$binding.json" "$binding"
done

# --- JMH ----------------------------------------------------------------------------------------------
# Echo runs apart from the rest (below), in alternating runs of one server each.
jmh_args=(-rf json -rff "$results/jmh.json" -prof gc -foe true -e 'EchoBenchmark'
    -p "idle=$(IFS=,; echo "${idle_sizes[*]}")" -p "binding=$(IFS=,; echo "${bindings[*]}")")
if [[ $mode == quick ]]; then
    # One fork, short iterations, the extreme sizes only: proves every benchmark runs.
    jmh_args+=(-f 1 -wi 1 -w 200ms -i 2 -r 200ms -p ready=64)
    echo_runs=2
    echo_args=(-f 1 -wi 1 -w 200ms -i 2 -r 200ms -p connections=1,256 -p size=4096)
elif [[ $mode == short ]]; then
    jmh_args+=(-f 1 -wi 2 -w 1s -i 4 -r 1s)
    echo_runs=5
    echo_args=(-f 1 -wi 1 -w 1s -i 2 -r 1s -p size=64)
else
    jmh_args+=(-f 2 -wi 3 -w 1s -i 5 -r 1s)
    echo_runs=5
    echo_args=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
fi
run_jmh() { # <log file> <jmh arguments...>
    local log_file=$1
    shift
    # No flags for the JMH host: each fork gets exactly jvm_flags from the benchmarks' @Fork annotations.
    "$java_bin" -jar "$jar" "$@" >>"$log_file" 2>&1 || {
        tail -50 "$log_file" >&2
        echo "run.sh: JMH failed; the full log is $log_file" >&2
        exit 1
    }
}
log "running JMH: ${jmh_args[*]}"
: >"$results/jmh.log"
run_jmh "$results/jmh.log" "${jmh_args[@]}"
grep -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark\.[A-Za-z]+ )' "$results/jmh.log" || true

# --- echo: alternating runs ---------------------------------------------------------------------
# Echo is the noisiest benchmark on a shared machine, and load drifts over minutes: so each run
# measures every server once, one server per JMH fork, and the order rotates run by run (run 1:
# jpoll, selector, netty; run 2: selector, netty, jpoll; ...). The report compares the servers
# run by run and takes the median of the per-run ratios.
servers=(jpoll selector netty)
rm -rf "$results/echo"
mkdir -p "$results/echo"
: >"$results/echo.log"
echo "echoRuns=$echo_runs" >>"$results/env.properties"
echo "echoIterations=${echo_args[*]}" >>"$results/env.properties"
for ((run = 1; run <= echo_runs; run++)); do
    for ((i = 0; i < ${#servers[@]}; i++)); do
        server=${servers[(i + run - 1) % ${#servers[@]}]}
        log "echo run $run of $echo_runs: $server"
        run_jmh "$results/echo.log" EchoBenchmark -rf json -rff "$results/echo/run$run-$server.json" -foe true \
            -p "server=$server" "${echo_args[@]}"
    done
done

log "running the C dispatch loop (session 2 of 2)"
"$bench_dir/target/dispatch" "${c_args[@]}" >"$results/c-dispatch-after.jsonl"
"$bench_dir/target/ops" "${c_args[@]:0:4}" >"$results/c-ops-after.jsonl"

echo "loadEnd=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$results/env.properties"

# --- report -----------------------------------------------------------------------------------------
log "writing the report"
"$java_bin" -cp "$jar" io.jpoll.bench.report.Report "$results" "$bench_dir/PROFILE.md"
log "done: $results/RESULTS.md"
