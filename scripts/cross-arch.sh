#!/usr/bin/env bash
# Runs jpoll for real on another 64-bit Linux architecture: Debian's own JDK for that
# architecture, under qemu-user. Builds on the host, then runs the examples' doctor, the api and
# epoll module tests and the integration suite's default group (all but the "stress" tag) on the
# emulated JVM, and prints what passed per part. Exits non-zero when anything failed.
#
# The target's JRE and the libraries it needs are downloaded as .debs through a private apt
# state under the cache directory (the host's dpkg architectures and package lists stay as they
# are) and unpacked into a sysroot with dpkg-deb -x, never installed: a multiarch `apt-get install`
# of a foreign JRE conflicts with the host's own packages. Maintainers run this by hand; CI does not.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/cross-arch.sh [options] aarch64|s390x|ppc64el|riscv64

Runs doctor, the api and epoll tests and the integration default group on Debian's JDK for the
architecture, under qemu-user. Needs a Debian host (apt, dpkg-deb, readelf); installs
qemu-user-static when it is missing (through sudo unless root).

options:
  --suite NAME   Debian suite to take the target's packages from (default: the host's Debian
                 release, else bookworm). riscv64 is a release architecture from trixie on.
  --jdk N        OpenJDK feature version to run (default: the first of 17 21 25 the suite has)
  --no-build     reuse the host build already in the working tree
  --only PARTS   comma-separated subset of doctor,api,epoll,integration
  -h, --help     this text

environment:
  JPOLL_CROSS_CACHE      where sysroots, downloads and logs go
                         (default: ${XDG_CACHE_HOME:-$HOME/.cache}/jpoll-cross)
  JPOLL_CROSS_MIRROR     Debian mirror (default: http://deb.debian.org/debian)
  JPOLL_CROSS_JAVA_OPTS  extra flags for every emulated JVM
EOF
}

die() {
    printf 'cross-arch: %s\n' "$1" >&2
    exit "${2:-1}"
}

say() {
    printf '[cross-arch] %s\n' "$*"
}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

elapsed() {
    printf '%dm%02ds' $(($1 / 60)) $(($1 % 60))
}

REPO=$(cd "$(dirname "$0")/.." && pwd)
SUITE=
JDK_VERSIONS="17 21 25"
BUILD=1
PARTS=doctor,api,epoll,integration
ARCH=
while [ $# -gt 0 ]; do
    case $1 in
        --suite) [ $# -ge 2 ] || die "--suite needs a name" 2; SUITE=$2; shift 2 ;;
        --jdk) [ $# -ge 2 ] || die "--jdk needs a version" 2; JDK_VERSIONS=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --only) [ $# -ge 2 ] || die "--only needs a list" 2; PARTS=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        -*) usage >&2; die "unknown option $1" 2 ;;
        *) [ -z "$ARCH" ] || die "one architecture at a time" 2; ARCH=$1; shift ;;
    esac
done
[ -n "$ARCH" ] || { usage >&2; exit 2; }
for part in ${PARTS//,/ }; do
    case $part in doctor|api|epoll|integration) ;; *) die "unknown part '$part' in --only" 2 ;; esac
done
wants() { [[ ",$PARTS," == *",$1,"* ]]; }

# Debian's architecture name, qemu's, the multiarch triplet, and what the JVM reports as os.arch.
case $ARCH in
    aarch64|arm64) DEB_ARCH=arm64 QEMU_ARCH=aarch64 TRIPLET=aarch64-linux-gnu JAVA_ARCH=aarch64 ;;
    s390x) DEB_ARCH=s390x QEMU_ARCH=s390x TRIPLET=s390x-linux-gnu JAVA_ARCH=s390x ;;
    ppc64el|ppc64le) DEB_ARCH=ppc64el QEMU_ARCH=ppc64le TRIPLET=powerpc64le-linux-gnu JAVA_ARCH=ppc64le ;;
    riscv64) DEB_ARCH=riscv64 QEMU_ARCH=riscv64 TRIPLET=riscv64-linux-gnu JAVA_ARCH=riscv64 ;;
    *) usage >&2; die "unsupported architecture '$ARCH'" 2 ;;
esac

if [ -z "$SUITE" ]; then
    # shellcheck disable=SC1091
    SUITE=$( (. /etc/os-release 2>/dev/null && [ "${ID:-}" = debian ] && echo "${VERSION_CODENAME:-}") || true)
    SUITE=${SUITE:-bookworm}
fi
MIRROR=${JPOLL_CROSS_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
CACHE_ROOT=${JPOLL_CROSS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jpoll-cross}
ARCH_DIR=$CACHE_ROOT/$DEB_ARCH/$SUITE
SYSROOT=$ARCH_DIR/sysroot
case $SYSROOT in *"'"*) die "the cache path must not contain a single quote: $SYSROOT" ;; esac

for tool in apt-get apt-cache dpkg-deb readelf; do
    command -v "$tool" >/dev/null || die "$tool is missing: this script needs a Debian host (apt, dpkg, binutils)"
done
[ -r "$KEYRING" ] || die "$KEYRING is missing: install debian-archive-keyring"
[ "$(uname -m)" != "$QEMU_ARCH" ] || die "this host is $QEMU_ARCH already: run ./mvnw verify natively"

START=$SECONDS

# --- qemu-user ---------------------------------------------------------------------------------
QEMU=$(command -v "qemu-$QEMU_ARCH-static" || true)
if [ -z "$QEMU" ]; then
    say "installing qemu-user-static"
    as_root apt-get install -y -q qemu-user-static \
        || { as_root apt-get update -q && as_root apt-get install -y -q qemu-user-static; }
    QEMU=$(command -v "qemu-$QEMU_ARCH-static") || die "qemu-user-static has no qemu-$QEMU_ARCH-static"
fi

# --- the target's packages, through a private apt state ----------------------------------------
APT_DIR=$ARCH_DIR/apt
mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/sources.list.d" \
    "$APT_DIR/preferences.d" "$ARCH_DIR/debs"
: > "$APT_DIR/status"
printf 'deb [arch=%s signed-by=%s] %s %s main\n' "$DEB_ARCH" "$KEYRING" "$MIRROR" "$SUITE" > "$APT_DIR/sources.list"
APT_OPTS=(-o "Dir::Etc::SourceList=$APT_DIR/sources.list" -o "Dir::Etc::SourceParts=$APT_DIR/sources.list.d"
    -o "Dir::Etc::Preferences=$APT_DIR/preferences" -o "Dir::Etc::PreferencesParts=$APT_DIR/preferences.d"
    -o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::State::status=$APT_DIR/status" -o "Dir::Cache=$APT_DIR/cache"
    -o "APT::Architecture=$DEB_ARCH" -o "APT::Architectures::=$DEB_ARCH" -o Debug::NoLocking=1)
if [ "$(id -u)" = 0 ]; then
    APT_OPTS+=(-o APT::Sandbox::User=root) # the cache may sit where apt's _apt user cannot write
fi
say "package lists: $MIRROR $SUITE main, $DEB_ARCH"
apt-get "${APT_OPTS[@]}" -qq update || die "apt-get update failed for $MIRROR $SUITE ($DEB_ARCH)"

# version_arch of a package's candidate, the part of the .deb name apt-get download gives it
# (package_version_arch.deb, an epoch's colon as %3a); empty when the suite has no such package.
candidate() {
    apt-cache "${APT_OPTS[@]}" show --no-all-versions "$1" 2>/dev/null \
        | awk '/^Version:/ {v=$2} /^Architecture:/ {a=$2} END {if (v != "") {sub(/:/, "%3a", v); print v "_" a}}'
}

JDK=
for v in $JDK_VERSIONS; do
    if [ -n "$(candidate "openjdk-$v-jre-headless")" ]; then
        JDK=$v
        break
    fi
done
if [ -z "$JDK" ]; then
    hint=
    [ "$DEB_ARCH" != riscv64 ] || hint=" riscv64 is a Debian release architecture from Debian 13 (trixie) on: try --suite trixie."
    # shellcheck disable=SC2086 # one name per version
    names=$(printf 'openjdk-%s-jre-headless ' $JDK_VERSIONS)
    die "Debian $SUITE has no OpenJDK for $DEB_ARCH (looked for ${names% } in $MIRROR $SUITE main).$hint" 3
fi

# The JRE, and the packages of every library its launcher, libjvm and core libraries link
# (checked below, so a JRE that needs more says which library is missing).
PACKAGES=("openjdk-$JDK-jre-headless" libc6 libgcc-s1 libstdc++6 zlib1g)
DEBS=()
for p in "${PACKAGES[@]}"; do
    f=$(candidate "$p")
    [ -n "$f" ] || die "Debian $SUITE has no $p for $DEB_ARCH"
    DEBS+=("${p}_$f.deb")
done
missing=()
for i in "${!PACKAGES[@]}"; do
    [ -s "$ARCH_DIR/debs/${DEBS[$i]}" ] || missing+=("${PACKAGES[$i]}")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "downloading ${missing[*]}"
    (cd "$ARCH_DIR/debs" && apt-get "${APT_OPTS[@]}" -qq download "${missing[@]}") \
        || die "apt-get download failed for ${missing[*]} ($DEB_ARCH, $SUITE)"
fi

# --- the sysroot --------------------------------------------------------------------------------
STAMP=$(printf '%s\n' "${DEBS[@]}")
if [ ! -f "$SYSROOT/.jpoll-cross" ] || [ "$(cat "$SYSROOT/.jpoll-cross")" != "$STAMP" ]; then
    say "unpacking ${#DEBS[@]} packages into $SYSROOT"
    rm -rf "$SYSROOT"
    mkdir -p "$SYSROOT"
    for d in "${DEBS[@]}"; do
        dpkg-deb -x "$ARCH_DIR/debs/$d" "$SYSROOT"
    done
    # Absolute links (jvm.cfg -> /etc/java-N-openjdk/..., ld.so's) would resolve on the host, not
    # here: qemu's -L prefix maps the paths the guest asks for, not the targets of links.
    while IFS= read -r -d '' link; do
        target=$(readlink "$link")
        if [[ $target == /* ]]; then
            ln -sfnr "$SYSROOT$target" "$link"
        fi
    done < <(find "$SYSROOT" -type l -print0)
    # Merged-/usr suites ship libraries only under usr/; the ELF interpreter path still says /lib.
    for d in lib lib64 bin sbin; do
        if [ ! -e "$SYSROOT/$d" ] && [ ! -L "$SYSROOT/$d" ] && [ -d "$SYSROOT/usr/$d" ]; then
            ln -s "usr/$d" "$SYSROOT/$d"
        fi
    done
    printf '%s\n' "$STAMP" > "$SYSROOT/.jpoll-cross"
fi

JAVA_HOME_GUEST=$SYSROOT/usr/lib/jvm/java-$JDK-openjdk-$DEB_ARCH
[ -d "$JAVA_HOME_GUEST/bin" ] || die "no JRE at $JAVA_HOME_GUEST after unpacking openjdk-$JDK-jre-headless"
# The guest executables the JVM itself execs become host scripts that run them under qemu: the
# host kernel cannot run them (no binfmt_misc needed, none assumed). bin/java, so a child JVM a
# test starts (ExhaustionTest) is emulated too; lib/jspawnhelper, through which the JVM's
# ProcessBuilder starts every child by default.
wrap_guest() {
    local exe=$JAVA_HOME_GUEST/$1
    [ -e "$exe.guest" ] || mv "$exe" "$exe.guest"
    cat > "$exe" <<EOF
#!/bin/sh
# Written by jpoll's scripts/cross-arch.sh: this sysroot's $JAVA_ARCH $1, run by qemu-user.
exec '$QEMU' -L '$SYSROOT' '$exe.guest' "\$@"
EOF
    chmod +x "$exe"
}
wrap_guest bin/java
[ ! -e "$JAVA_HOME_GUEST/lib/jspawnhelper" ] || wrap_guest lib/jspawnhelper
JAVA=$JAVA_HOME_GUEST/bin/java

# Every library the launcher, libjvm and the core JDK libraries need must be in the sysroot.
find_lib() {
    local dir
    for dir in "$SYSROOT/lib/$TRIPLET" "$SYSROOT/usr/lib/$TRIPLET" "$SYSROOT/lib" "$SYSROOT/usr/lib" \
        "$JAVA_HOME_GUEST/lib" "$JAVA_HOME_GUEST/lib/server"; do
        if [ -e "$dir/$1" ]; then
            echo "$dir/$1"
            return 0
        fi
    done
    return 1
}
queue=("$JAVA_HOME_GUEST/bin/java.guest" "$JAVA_HOME_GUEST/lib/libjli.so" "$JAVA_HOME_GUEST/lib/server/libjvm.so")
for n in java jimage zip nio net verify extnet management management_ext jsig prefs syslookup; do
    [ ! -f "$JAVA_HOME_GUEST/lib/lib$n.so" ] || queue+=("$JAVA_HOME_GUEST/lib/lib$n.so")
done
declare -A seen=()
unresolved=()
while [ ${#queue[@]} -gt 0 ]; do
    obj=${queue[0]}
    queue=("${queue[@]:1}")
    for so in $(readelf -d "$obj" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        [ -z "${seen[$so]:-}" ] || continue
        seen[$so]=1
        if path=$(find_lib "$so"); then
            queue+=("$(readlink -f "$path")")
        else
            unresolved+=("$so (needed by ${obj#"$SYSROOT"})")
        fi
    done
done
if [ ${#unresolved[@]} -gt 0 ]; then
    die "the $DEB_ARCH JRE needs libraries the sysroot lacks; add their packages to PACKAGES: ${unresolved[*]}"
fi

GUEST_ARCH=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *os\.arch = //p')
[ "$GUEST_ARCH" = "$JAVA_ARCH" ] || die "the emulated JVM did not start (os.arch '$GUEST_ARCH'); try: $JAVA -version"
GUEST_VERSION=$("$JAVA" -version 2>&1 | sed -n '2p')
say "guest JVM: $GUEST_VERSION, os.arch $GUEST_ARCH ($(basename "$QEMU"): $("$QEMU" --version | head -1))"
SETUP_SECONDS=$((SECONDS - START))

# --- the host build -----------------------------------------------------------------------------
CLASSPATH_FILE=target/cross-arch.classpath
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
if [ "$BUILD" = 1 ]; then
    say "building on the host"
    t=$SECONDS
    (cd "$REPO" && ./mvnw -B -q package "$DEPENDENCY_PLUGIN:build-classpath" \
        -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
        -Dmdep.outputFile="$CLASSPATH_FILE" -Dmdep.includeScope=test \
        -pl api,epoll,integration-tests,examples -am) || die "the host build failed"
    BUILD_SECONDS=$((SECONDS - t))
else
    BUILD_SECONDS=0
fi
for m in api epoll integration-tests; do
    if [ ! -f "$REPO/$m/$CLASSPATH_FILE" ] || [ ! -d "$REPO/$m/target/test-classes" ]; then
        die "no host build of $m (run without --no-build)"
    fi
done
[ -f "$REPO/examples/target/jpoll-examples.jar" ] || die "no examples/target/jpoll-examples.jar (run without --no-build)"

# The JUnit console launcher of the JUnit Platform version the tests were built against.
PLATFORM_VERSION=$(tr ':' '\n' < "$REPO/api/$CLASSPATH_FILE" \
    | sed -n 's|.*/junit-platform-engine/\([^/]*\)/.*|\1|p' | head -1)
[ -n "$PLATFORM_VERSION" ] || die "cannot tell the JUnit Platform version from api/$CLASSPATH_FILE"
LAUNCHER=$CACHE_ROOT/junit-platform-console-standalone-$PLATFORM_VERSION.jar
if [ ! -s "$LAUNCHER" ]; then
    say "fetching junit-platform-console-standalone $PLATFORM_VERSION"
    (cd "$REPO" && ./mvnw -B -q -N "$DEPENDENCY_PLUGIN:copy" \
        -Dartifact="org.junit.platform:junit-platform-console-standalone:$PLATFORM_VERSION" \
        -DoutputDirectory="$CACHE_ROOT") || die "could not fetch the JUnit console launcher"
fi

# --- the runs -----------------------------------------------------------------------------------
RUN_DIR=$ARCH_DIR/runs/$(date +%Y%m%d-%H%M%S)
mkdir -p "$RUN_DIR"
say "logs: $RUN_DIR"
# The flags the poms give every test JVM (argLine): native access for JNA, and sun.nio.ch so
# Source.of(channel) reads a channel's fd the supported way.
# shellcheck disable=SC2206
JVM_FLAGS=(${JPOLL_CROSS_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED)
# Surefire's default includes, top-level classes only.
TEST_CLASSES='^(.+\.)?(Test[^.$]*|[^.$]*Tests?|[^.$]*TestCase)$'
SUMMARY=()
FAILED=0

# doctor, with qemu logging the guest's system calls: which epoll wait the guest really made tells
# whether jpoll used epoll_pwait2 or, where qemu lacks it (ENOSYS), its epoll_wait fallback.
run_doctor() {
    local t=$SECONDS rc=0 log=$RUN_DIR/doctor.log trace=$RUN_DIR/doctor.strace
    say "doctor"
    # shellcheck disable=SC2086
    (cd "$REPO/examples" && "$QEMU" -d strace -D "$trace" -L "$SYSROOT" "$JAVA.guest" ${JPOLL_CROSS_JAVA_OPTS:-} \
        -jar target/jpoll-examples.jar doctor) > "$log" 2>&1 || rc=$?
    sed 's/^/    /' "$log"
    # 441 is epoll_pwait2 on every architecture here; qemu without it logs "Unknown syscall 441".
    local pwait2 others
    pwait2=$(grep -a -c -E ' (epoll_pwait2\(|Unknown syscall 441$)' "$trace" || true)
    others=$(grep -a -c -E ' epoll_(p?wait)\(' "$trace" || true)
    say "doctor's waits under qemu: epoll_pwait2 (441) $pwait2 call(s), epoll_wait/epoll_pwait $others"
    local verdict=passed
    [ "$rc" = 0 ] || { verdict="FAILED (exit $rc)"; FAILED=1; }
    SUMMARY+=("$(printf '%-12s %-52s %s' doctor "$verdict" "$(elapsed $((SECONDS - t)))")")
}

# run_tests NAME MODULE [launcher options...]
run_tests() {
    local name=$1 module=$2
    shift 2
    local dir=$REPO/$module t=$SECONDS rc=0 log=$RUN_DIR/$name.log
    local cp
    cp="$dir/target/test-classes:$dir/target/classes:$(cat "$dir/$CLASSPATH_FILE"):$LAUNCHER"
    say "$name tests ($module), log $log"
    (cd "$dir" && "$JAVA" "${JVM_FLAGS[@]}" -cp "$cp" org.junit.platform.console.ConsoleLauncher execute \
        --scan-class-path="$dir/target/test-classes" --include-classname="$TEST_CLASSES" \
        --disable-banner --disable-ansi-colors --details=tree --details-theme=ascii \
        --fail-if-no-tests --reports-dir="$RUN_DIR/$name-reports" "$@") > "$log" 2>&1 || rc=$?
    local found ok skipped aborted failed cfailed
    read -r found ok skipped aborted failed cfailed < <(awk '
        /tests found/ {f=$2} /tests successful/ {o=$2} /tests skipped/ {s=$2}
        /tests aborted/ {a=$2} /tests failed/ {x=$2} /containers failed/ {c=$2}
        END {print f+0, o+0, s+0, a+0, x+0, c+0}' "$log")
    local verdict
    verdict=$(printf '%d tests: %d passed, %d failed, %d skipped' "$found" "$ok" "$((failed + cfailed))" "$((skipped + aborted))")
    if [ "$rc" != 0 ] || [ "$failed" != 0 ] || [ "$cfailed" != 0 ] || [ "$found" = 0 ]; then
        verdict="$verdict  FAILED (exit $rc)"
        FAILED=1
    fi
    SUMMARY+=("$(printf '%-12s %-52s %s' "$name" "$verdict" "$(elapsed $((SECONDS - t)))")")
    # Which tests failed, were aborted (assumptions) or skipped, with the reason the tree gives.
    grep -E '\[(X|A|S)\]' "$log" | sed 's/^[ |+`'"'"'-]*/    /' || true
}

! wants doctor || run_doctor
! wants api || run_tests api api
! wants epoll || run_tests epoll epoll
! wants integration || run_tests integration integration-tests --exclude-tag=stress

echo
say "$JAVA_ARCH on $GUEST_VERSION, Debian $SUITE, $(basename "$QEMU") $("$QEMU" --version | head -1 | sed 's/.*version //')"
for line in "${SUMMARY[@]}"; do
    echo "    $line"
done
say "setup $(elapsed "$SETUP_SECONDS"), host build $(elapsed "$BUILD_SECONDS"), total $(elapsed $((SECONDS - START)))"
say "logs: $RUN_DIR"
exit "$FAILED"
