#!/usr/bin/env bash
# Builds the Linux packages of a configured and built tree, installs the .deb and checks what a user
# gets: the installed semc from another directory (version, encode, fidelity decode with the default
# model found without configuration), the desktop file, the AppStream metainfo, the MIME type of
# .sem files, the icons; then uninstalls it and checks that every file it installed is gone.
#
#   scripts/package-check.sh [BUILD_DIR]      (default build/release; build it first)
#
# As root (CI machines are throw-away) the .deb is installed with apt-get and removed afterwards;
# otherwise, or with SEM_PACKAGE_CHECK_EXTRACT=1, it is unpacked with dpkg -x into a temporary root
# and the uninstall check is skipped.
# Needs: cpack, dpkg-dev (dpkg-shlibdeps), desktop-file-utils, appstream, shared-mime-info;
# xdg-utils and libfile-mimeinfo-perl (or gio) for the MIME query. Exit status 1 on any failure.
# shellcheck disable=SC2015  # `test && ok ... || fail ...`: ok and fail always succeed
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=$(pwd)
build_dir=$(cd "${1:-build/release}" 2>/dev/null && pwd) || { echo "package-check: no build folder ${1:-build/release}" >&2; exit 1; }
app_id=io.github.semcompress.SemCompress
sample_name=coco_000000107438.jpg
caption="A bike parked under a traffic light next to a blue sign."
start_time=$(date +%s)

failures=0
step() { echo; echo "== $*"; }
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
die() { echo "FAIL: $*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

for tool in cpack dpkg-deb desktop-file-validate appstreamcli update-mime-database; do
  have "$tool" || die "$tool is missing (scripts/install-deps.sh installs what scripts/debian-packages.txt lists)"
done
[ -f "$build_dir/CPackConfig.cmake" ] || die "$build_dir has no CPackConfig.cmake: configure it first (cmake --preset release)"
[ -x "$build_dir/bin/semc" ] || die "$build_dir/bin/semc is missing: build first (cmake --build --preset release)"

# The version the build was configured with: CPACK_PACKAGE_VERSION is <version>+git<hash>.
package_version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build_dir/CPackConfig.cmake")
version=${package_version%%+git*}
git_hash=${package_version##*+git}
[ -n "$version" ] && [ -n "$git_hash" ] && [ "$version" != "$package_version" ] \
  || die "cannot read the version from $build_dir/CPackConfig.cmake (got '$package_version')"
build_version_line=$("$build_dir/bin/semc" --version)
[ "$build_version_line" = "semc $version (git $git_hash)" ] \
  || die "the build's semc --version says '$build_version_line', CPack says $version+git$git_hash: reconfigure"

# --- Packages -------------------------------------------------------------------------------------
step "cpack -G DEB;TGZ in $build_dir (version $version, git $git_hash)"
rm -f "$build_dir"/semcompress_*.deb "$build_dir"/semcompress-*.tar.gz
(cd "$build_dir" && cpack -G "DEB;TGZ") || die "cpack failed"
shopt -s nullglob
debs=("$build_dir"/semcompress_*.deb)
tgzs=("$build_dir"/semcompress-*.tar.gz)
shopt -u nullglob
[ ${#debs[@]} -eq 1 ] || die "expected one semcompress_*.deb in $build_dir, found ${#debs[@]}"
[ ${#tgzs[@]} -eq 1 ] || die "expected one semcompress-*.tar.gz in $build_dir, found ${#tgzs[@]}"
deb=${debs[0]}
tgz=${tgzs[0]}
for f in "$deb" "$tgz"; do
  name=$(basename "$f")
  if [[ "$name" == *"$version"* && "$name" == *"$git_hash"* ]]; then
    ok "$name ($(du -h "$f" | cut -f1)) names version $version and git hash $git_hash"
  else
    fail "$name does not contain both the version $version and the git hash $git_hash"
  fi
done
[ "$(dpkg-deb -f "$deb" Version)" = "$package_version" ] && ok "Debian version $package_version" \
  || fail "the .deb's Version is '$(dpkg-deb -f "$deb" Version)', expected $package_version"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libqt6core6 libqt6gui6 libqt6widgets6 libqt6network6 libtorch libopencv-core; do
  [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib (dpkg-shlibdeps did not run?)"
done
tar_listing=$(tar -tzf "$tgz")
for path in bin/semc bin/semcompress bin/semc-train share/semcompress/models/default/model.safetensors \
            share/semcompress/models/default/ladder.json \
            share/semcompress/models/clip/bpe_simple_vocab_16e6.txt.gz share/semcompress/models/clip/LICENSE \
            "share/semcompress/samples/$sample_name" "share/applications/$app_id.desktop" \
            'lib.*/semcompress/libsemc_commands\.so'; do  # semc's commands module (a regex: the libdir varies)
  grep -q "/$path\$" <<<"$tar_listing" || fail "$(basename "$tgz") lacks $path"
done
# The developer benches (tools/semcompress-devbench, issue 19) are never packaged.
if grep -q "semcompress-devbench" <<<"$tar_listing"; then
  fail "$(basename "$tgz") holds the developer tool semcompress-devbench"
else
  ok "no developer tool in the package"
fi

# --- Install --------------------------------------------------------------------------------------
work=$(mktemp -d)
installed_with_apt=0
cleanup() {
  if [ "$installed_with_apt" = 1 ] && dpkg-query -W -f='${Status}' semcompress 2>/dev/null | grep -q "ok installed"; then
    echo "package-check: removing the semcompress package after a failure" >&2
    apt-get purge -y -qq semcompress >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$(id -u)" -eq 0 ] && have apt-get && [ "${SEM_PACKAGE_CHECK_EXTRACT:-0}" != 1 ]; then
  step "apt-get install -y $deb"
  if dpkg-query -W -f='${Status}' semcompress 2>/dev/null | grep -q "ok installed"; then
    echo "note: a semcompress package was installed before this check; it is replaced and removed"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0 "$deb" \
    || die "apt-get could not install $deb"
  installed_with_apt=1
  prefix=/usr
  mapfile -t package_files < <(dpkg -L semcompress | while read -r p; do [ -d "$p" ] || echo "$p"; done)
else
  step "dpkg -x $deb into a temporary root (not root or SEM_PACKAGE_CHECK_EXTRACT=1: the uninstall is not checked)"
  root="$work/root"
  dpkg -x "$deb" "$root" || die "dpkg -x failed"
  prefix="$root/usr"
  package_files=()
fi
echo "installed under $prefix; the package holds $(dpkg-deb -c "$deb" | grep -vc '^d') files"

# --- The installed programs, from another directory, without configuration ------------------------
run_dir="$work/run"
mkdir -p "$run_dir"
cd "$run_dir"
unset SEMCOMPRESS_MODEL
export QT_QPA_PLATFORM=offscreen
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config"  # no settings of the user's
mkdir -p "$HOME"

step "semc --version (installed, from $run_dir)"
installed_version_line=$("$prefix/bin/semc" --version) || die "installed semc --version failed"
echo "$installed_version_line"
[ "$installed_version_line" = "$build_version_line" ] && ok "same as the build's" \
  || fail "installed semc says '$installed_version_line', the build says '$build_version_line'"
if [ "$prefix" = /usr ]; then
  [ "$(command -v semc || true)" = /usr/bin/semc ] && ok "semc is on the PATH" \
    || fail "semc on the PATH is '$(command -v semc || true)', expected /usr/bin/semc"
fi

sample="$prefix/share/semcompress/samples/$sample_name"
[ -f "$sample" ] || die "the bundled sample $sample is not installed"
step "semc encode $sample -o sample.sem --hint 16 --caption ..."
"$prefix/bin/semc" encode "$sample" -o sample.sem --hint 16 --caption "$caption" \
  || die "installed semc encode failed"
info=$("$prefix/bin/semc" info sample.sem --json) || die "installed semc info failed"
# The image's own size: the top-level keys (indented by two spaces; edges and hint have their own).
width=$(sed -n 's/^  "width": \([0-9]*\),\{0,1\}$/\1/p' <<<"$info")
height=$(sed -n 's/^  "height": \([0-9]*\),\{0,1\}$/\1/p' <<<"$info")
[ -n "$width" ] && [ -n "$height" ] || die "semc info --json gave no width/height: $info"
ok "sample.sem: $(stat -c %s sample.sem) bytes for ${width}x${height} pixels"

step "semc decode sample.sem -o decoded.png --fidelity (default model, SEMCOMPRESS_MODEL unset)"
"$prefix/bin/semc" decode sample.sem -o decoded.png --fidelity \
  || die "installed semc decode failed (is the default model installed and found?)"
[ -f decoded.png ] || die "decode wrote no decoded.png"
# The PNG's IHDR: width and height as big-endian 32-bit numbers at bytes 16..23.
read -r w3 w2 w1 w0 h3 h2 h1 h0 < <(od -An -tu1 -j16 -N8 decoded.png)
png_width=$(( (w3 << 24) | (w2 << 16) | (w1 << 8) | w0 ))
png_height=$(( (h3 << 24) | (h2 << 16) | (h1 << 8) | h0 ))
[ "$(head -c 8 decoded.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "decoded.png is not a PNG"
[ "$png_width" = "$width" ] && [ "$png_height" = "$height" ] \
  && ok "decoded.png is ${png_width}x${png_height}, the sample's size" \
  || fail "decoded.png is ${png_width}x${png_height}, expected ${width}x${height}"

step "semc-train --help (installed torch-only trainer)"
"$prefix/bin/semc-train" --help | grep -q '^Usage: semc-train' && ok "semc-train runs and prints its usage" \
  || fail "the installed semc-train did not run (missing library?)"

step "semcompress sample.sem --screenshot window.png (installed desktop app, offscreen)"
gui_version=$("$prefix/bin/semcompress" --version) || die "installed semcompress --version failed"
[ "$gui_version" = "SemCompress $version" ] && ok "semcompress --version: $gui_version" \
  || fail "installed semcompress --version says '$gui_version', expected 'SemCompress $version'"
"$prefix/bin/semcompress" sample.sem --screenshot window.png || fail "the installed app could not open sample.sem"
[ -s window.png ] && ok "the app opened sample.sem and drew its window" || fail "the app wrote no window.png"

# --- Desktop integration --------------------------------------------------------------------------
step "desktop file, metainfo, MIME type, icons"
desktop="$prefix/share/applications/$app_id.desktop"
[ -f "$desktop" ] || die "$desktop is not installed"
desktop-file-validate "$desktop" && ok "desktop-file-validate $app_id.desktop" || fail "desktop-file-validate $desktop"
exec_name=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")
[ -x "$prefix/bin/$exec_name" ] && ok "Exec=$exec_name is installed" || fail "Exec=$exec_name is not in $prefix/bin"
grep -q '^MimeType=.*application/x-semcompress;' "$desktop" && ok "the app opens application/x-semcompress" \
  || fail "the desktop file does not list application/x-semcompress"

metainfo="$prefix/share/metainfo/$app_id.metainfo.xml"
[ -f "$metainfo" ] || die "$metainfo is not installed"
appstreamcli validate --no-net "$metainfo" && ok "appstreamcli validate --no-net $app_id.metainfo.xml" \
  || fail "appstreamcli validate --no-net $metainfo"
newest_release=$(grep -o '<release version="[^"]*"' "$metainfo" | head -1 | cut -d'"' -f2)
[ "$newest_release" = "$version" ] && ok "the newest AppStream release is $version" \
  || fail "the newest release in the metainfo is '$newest_release', the project version is $version"

mime_xml="$prefix/share/mime/packages/$app_id.xml"
[ -f "$mime_xml" ] || die "$mime_xml is not installed"
ok "MIME XML installed"
if [ "$prefix" != /usr ]; then
  # dpkg's shared-mime-info trigger did not run for a dpkg -x root: build its database here.
  update-mime-database "$prefix/share/mime" || fail "update-mime-database $prefix/share/mime"
  export XDG_DATA_DIRS="$prefix/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
fi
[ -f "$prefix/share/mime/application/x-semcompress.xml" ] && ok "the MIME database knows application/x-semcompress" \
  || fail "update-mime-database did not compile application/x-semcompress into $prefix/share/mime"
cp sample.sem no-extension  # detected by its magic bytes, not by its name
mime_query=""
if have xdg-mime && have mimetype; then
  mime_query="xdg-mime query filetype"  # xdg-mime's generic backend uses mimetype (File::MimeInfo)
elif have gio; then
  mime_query="gio_type"
fi
gio_type() { gio info -a standard::content-type "$1" | sed -n 's/^ *standard::content-type: //p'; }
if [ -n "$mime_query" ]; then
  for f in sample.sem no-extension; do
    got=$($mime_query "$f" 2>/dev/null || true)
    [ "$got" = application/x-semcompress ] && ok "$mime_query $f: $got" \
      || fail "$mime_query $f says '$got', expected application/x-semcompress"
  done
else
  echo "skipped: the MIME query (neither xdg-mime with mimetype nor gio is installed)"
fi

for size in 16x16 24x24 32x32 48x48 64x64 128x128 256x256 512x512; do
  [ -f "$prefix/share/icons/hicolor/$size/apps/$app_id.png" ] || fail "icon $size missing"
done
[ -f "$prefix/share/icons/hicolor/scalable/apps/$app_id.svg" ] || fail "scalable icon missing"
ok "icons 16..512 px and scalable"

# --- Uninstall ------------------------------------------------------------------------------------
cd "$source_dir"
if [ "$installed_with_apt" = 1 ]; then
  step "apt-get purge -y semcompress"
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -q -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0 semcompress \
    || die "apt-get purge semcompress failed"
  installed_with_apt=0
  left=0
  for f in "${package_files[@]}"; do
    if [ -e "$f" ] || [ -L "$f" ]; then echo "left behind: $f" >&2; left=$((left + 1)); fi
  done
  [ "$left" = 0 ] && ok "all ${#package_files[@]} installed files are gone" \
    || fail "$left of ${#package_files[@]} installed files are still there"
  [ ! -e /usr/share/semcompress ] && ok "/usr/share/semcompress is gone" || fail "/usr/share/semcompress is still there"
  [ -f /usr/share/mime/application/x-semcompress.xml ] \
    && fail "the MIME database still knows application/x-semcompress" || ok "MIME type unregistered"
fi

echo
if [ "$failures" -ne 0 ]; then
  echo "package-check: $failures check(s) FAILED" >&2
  exit 1
fi
echo "package-check: all checks passed in $(( $(date +%s) - start_time )) s ($(basename "$deb"), $(du -h "$deb" | cut -f1))"
