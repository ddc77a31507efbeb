#!/usr/bin/env bash
# packaging/build-deb.sh - build the Debian package and check what is in it.
#
#   packaging/build-deb.sh [BUILD_DIR]      (default: build-deb, in the source tree)
#   JOBS=N to limit the build's parallelism (default: all cores).
#
# Configures a Release build without tests, builds it, runs `cpack -G DEB`,
# then checks with `dpkg-deb -c` that the package lists both programs, the
# .desktop file, the AppStream metainfo and the icons, and validates the
# desktop file and the metainfo. Progress goes to stderr; stdout is only the
# package's path, so `deb=$(packaging/build-deb.sh)` works.
# Needs: cmake, ninja, dpkg-dev, desktop-file-utils, appstream, librsvg2-bin.
set -euo pipefail

src="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$src/build-deb}"
jobs="${JOBS:-$(nproc)}"

for tool in cmake ninja cpack dpkg-deb dpkg-shlibdeps desktop-file-validate appstreamcli; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build-deb: $tool is missing (see .ci/deps)" >&2; exit 1; }
done

desktop-file-validate "$src/packaging/linux/h2scope.desktop" >&2
appstreamcli validate --no-net "$src/packaging/linux/io.github.h2scope.metainfo.xml" >&2

cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DH2SCOPE_BUILD_TESTS=OFF >&2
cmake --build "$build" -j "$jobs" >&2
rm -f "$build"/h2scope_*.deb
(cd "$build" && cpack -G DEB) >&2

deb=$(ls "$build"/h2scope_*.deb)
listing=$(dpkg-deb -c "$deb")
missing=0
for path in \
  ./usr/bin/h2scope \
  ./usr/bin/h2scope-certs \
  ./usr/share/applications/h2scope.desktop \
  ./usr/share/metainfo/io.github.h2scope.metainfo.xml \
  ./usr/share/icons/hicolor/scalable/apps/h2scope.svg \
  ./usr/share/icons/hicolor/48x48/apps/h2scope.png \
  ./usr/share/icons/hicolor/256x256/apps/h2scope.png \
  ./usr/share/h2scope/demo/index.html; do
  if ! grep -q " $path\$" <<<"$listing"; then
    echo "build-deb: $path is not in $deb" >&2
    missing=1
  fi
done
[ "$missing" -eq 0 ] || { echo "$listing" >&2; exit 1; }
echo "build-deb: $(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version), depends: $(dpkg-deb -f "$deb" Depends)" >&2
echo "$deb"
