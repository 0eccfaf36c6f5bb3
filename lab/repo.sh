#!/usr/bin/env bash
# Builds, once, the lab's local apt repository (lab/.cache/repo/www): every .deb the nodes
# need for the cluster that the image does not already hold, resolved against the image's
# dpkg status. Served by up.sh inside the namespace as $LAB_APT_SOURCE.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_root
apt_deps dpkg-dev apt-utils debian-archive-keyring

status=$LAB_IMAGE_DIR/dpkg-status
[[ -f $status ]] || die "no image yet: run lab/image.sh first"
[[ -x $LAB_ROOT/node_modules/.bin/tsx ]] || (cd "$LAB_ROOT" && npm ci --no-audit --no-fund >/dev/null)
mapfile -t pkgs < <(cd "$LAB_ROOT" && npx tsx lab/repo-packages.ts 2>/dev/null)
((${#pkgs[@]})) || die "lab/repo-packages.ts printed no package"

mkdir -p "$LAB_REPO_DIR"
exec 9>"$LAB_CACHE/repo.lock"
flock 9
want=$({ cat "$0"; printf '%s\n' "${pkgs[@]}"; cat "$LAB_IMAGE_DIR/stamp"; } | sha256sum | cut -d' ' -f1)
if [[ -f $LAB_REPO_DIR/stamp && $(<"$LAB_REPO_DIR/stamp") == "$want" ]]; then
  log "repo: cached ($LAB_REPO_DIR/www)"
  exit 0
fi
log "repo: resolving ${#pkgs[*]} packages against the image"

# A private apt configuration: Debian's archive only, the image's dpkg status as "installed",
# nothing from the host's own apt setup.
a=$LAB_REPO_DIR/apt
debs=$LAB_REPO_DIR/debs # download cache, kept between builds
mkdir -p "$a/lists/partial" "$a/cache" "$a/empty" "$debs/partial"
cat >"$a/sources.list" <<EOF2
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $LAB_MIRROR $LAB_SUITE main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $LAB_MIRROR $LAB_SUITE-updates main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security $LAB_SUITE-security main
EOF2
cat >"$a/apt.conf" <<EOF2
Dir::Etc::main "/dev/null";
Dir::Etc::parts "$a/empty";
Dir::Etc::sourcelist "$a/sources.list";
Dir::Etc::sourceparts "$a/empty";
Dir::Etc::preferences "/dev/null";
Dir::Etc::preferencesparts "$a/empty";
Dir::State::lists "$a/lists";
Dir::State::status "$status";
Dir::State::extended_states "$a/extended_states";
Dir::Cache "$a/cache";
Dir::Cache::archives "$debs";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
APT::Install-Recommends "true";
Acquire::Languages "none";
EOF2
export APT_CONFIG=$a/apt.conf
apt-get -qq update

# What installing the list on a fresh node would add or upgrade (with Recommends, a superset).
mapfile -t files < <(apt-get -s install "${pkgs[@]}" |
  sed -nE 's/^Inst ([^ ]+) (\[[^]]*\] )?\(([^ ]+) .*\[([^]]+)\]\)$/\1_\3_\4.deb/p' | sed 's/:/%3a/')
((${#files[@]})) || die "apt resolved nothing"
apt-get -qq install --download-only -y "${pkgs[@]}" >/dev/null

# www is a symlink switched in one step: a running lab keeps serving a consistent repo.
www=$LAB_REPO_DIR/www
dir=www.${want:0:12}
rm -rf "${LAB_REPO_DIR:?}/$dir"
mkdir -p "$LAB_REPO_DIR/$dir"
for f in "${files[@]}"; do
  ln "$debs/$f" "$LAB_REPO_DIR/$dir/$f" || die "downloaded file missing: $f"
done
(
  cd "$LAB_REPO_DIR/$dir"
  dpkg-scanpackages --multiversion . /dev/null 2>/dev/null >Packages
  gzip -9k Packages
  apt-ftparchive release . >../Release.tmp
  mv ../Release.tmp Release
)
[[ -L $www || ! -e $www ]] || rm -rf "$www"
ln -sfn "$dir" "$www.new"
mv -T "$www.new" "$www"
find "$LAB_REPO_DIR" -maxdepth 1 -name 'www.*' ! -name "$dir" -exec rm -rf {} +
echo "$want" >"$LAB_REPO_DIR/stamp"
log "repo: built, ${#files[@]} packages, $(du -sh "$www/" | cut -f1)"
