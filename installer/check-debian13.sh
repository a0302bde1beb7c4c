#!/usr/bin/env bash
# Builds Salvage in a Debian 13 (trixie) root and runs the whole test suite there: libpqxx 7, Qt 6.8,
# KF6 SyntaxHighlighting, PostgreSQL 17 — the versions Debian 12 does not have. On demand and before a
# release (it takes longer than CI may); CI itself builds on Debian 12.
#
#   installer/check-debian13.sh [ctest arguments…]      as root; the root is reused when present
#
# SALVAGE_TRIXIE_ROOT  where the root lives (default /var/tmp/salvage-trixie; delete it to start afresh)
# The root is made with mmdebstrap from the mirror this machine's apt uses. The working tree is mounted
# read-only at /salvage; the build goes to /build inside the root, through the root's own ccache (the
# host's compiler differs, so sharing its cache would not hit). Mounts are undone on exit.
set -euo pipefail

repo=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
root=${SALVAGE_TRIXIE_ROOT:-/var/tmp/salvage-trixie}
started=$(date +%s)

[ "$(id -u)" -eq 0 ] || { echo "check-debian13: run as root (it makes a chroot and mounts into it)" >&2; exit 1; }

say() { echo "check-debian13: $*"; }

# The first URI apt uses for the given suite, from one-line or deb822 sources.
mirror_for() {
    local suite=$1
    {
        cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
            | sed -E 's/\[[^]]*\]//' | awk -v s="$suite" '$1 == "deb" && $3 == s { print $2 }'
        cat /etc/apt/sources.list.d/*.sources 2>/dev/null \
            | awk -v s="$suite" 'BEGIN { RS = ""; FS = "\n" }
                { uri = ""; hit = 0
                  for (n = 1; n <= NF; n++) {
                      if ($n ~ /^URIs:/) { split($n, u, /[ \t]+/); uri = u[2] }
                      if ($n ~ /^Suites:/) { k = split($n, w, /[ \t]+/); for (j = 2; j <= k; j++) if (w[j] == s) hit = 1 }
                  }
                  if (hit && uri != "") print uri }'
    } | head -n 1
}

make_root() {
    local codename mirror security
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
    mirror=$(mirror_for "$codename")
    mirror=${mirror:-http://deb.debian.org/debian}
    security=$(mirror_for "$codename-security")
    command -v mmdebstrap >/dev/null || apt-get install -y -q --no-install-recommends mmdebstrap
    say "making a trixie root in $root from $mirror"
    local sources=("deb $mirror trixie main" "deb $mirror trixie-updates main")
    [ -n "$security" ] && sources+=("deb $security trixie-security main")
    rm -rf "$root.new"
    mmdebstrap --variant=apt --include=ca-certificates trixie "$root.new" "${sources[@]}"
    mv "$root.new" "$root"
}

mounted=()
unmount_all() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount -R "${mounted[i]}" 2>/dev/null || umount -lR "${mounted[i]}" || true
    done
}
trap unmount_all EXIT

mount_into_root() {
    local target
    for target in proc sys dev salvage; do
        mkdir -p "$root/$target"
        mountpoint -q "$root/$target" && umount -R "$root/$target"
    done
    mount -t proc proc "$root/proc" && mounted+=("$root/proc")
    mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys" && mounted+=("$root/sys")
    # /dev/shm comes along: PostgreSQL's shared memory lives there.
    mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev" && mounted+=("$root/dev")
    mount --bind "$repo" "$root/salvage" && mounted+=("$root/salvage")
    mount -o remount,bind,ro "$root/salvage"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    # Services installed in the root (the packaged PostgreSQL cluster) must not start.
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
    chmod +x "$root/usr/sbin/policy-rc.d"
}

in_root() {
    chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 CCACHE_DIR=/var/cache/ccache QT_QPA_PLATFORM=offscreen "$@"
}

[ -x "$root/usr/bin/apt-get" ] || make_root
mount_into_root

say "installing dependencies (installer/install-deps.sh)"
in_root bash /salvage/installer/install-deps.sh
in_root dpkg-query -W -f='check-debian13: ${Package} ${Version}\n' libpqxx-dev qt6-base-dev \
    libkf6syntaxhighlighting-dev postgresql libqscintilla2-qt6-dev libpg-query-dev g++
installed=$(date +%s)

# The CI preset's settings (warnings are errors, no debug info), plus ccache: the root is kept.
say "configuring and building in $root/build"
in_root cmake -S /salvage -B /build -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g0" \
    -DSALVAGE_WERROR=ON -DSALVAGE_USE_CCACHE=ON >/dev/null
grep -q '^KF6SyntaxHighlighting_FOUND:INTERNAL=1\|^KF6SyntaxHighlighting_DIR:PATH=/' "$root/build/CMakeCache.txt" \
    || { say "KF6 SyntaxHighlighting was not found in the root" >&2; exit 1; }
in_root cmake --build /build --parallel "$(nproc)"
built=$(date +%s)

say "running the whole test suite"
status=0
in_root ctest --test-dir /build --output-on-failure --parallel "$(nproc)" "$@" || status=$?
finished=$(date +%s)
say "dependencies $((installed - started)) s, build $((built - installed)) s, tests $((finished - built)) s," \
    "total $((finished - started)) s"
exit $status
