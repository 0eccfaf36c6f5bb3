#!/bin/sh
# Puts the ZCS installer tarball at DEST, verified against SHA256 with `sha256sum -c`
# before anything uses it. `url`: downloads it (curl, else wget); `file`: takes a copy
# uploaded by Pulumi (moved, so it is not kept twice). A checksum mismatch deletes the
# download and fails: nothing is extracted or installed. Safe to run again.
# Usage: zimbra-fetch.sh url URL SHA256 DEST
#        zimbra-fetch.sh file UPLOADED SHA256 DEST
#        zimbra-fetch.sh --remove DEST [UPLOAD_DIR]
set -eu
mode=${1:?usage: zimbra-fetch.sh url|file|--remove ...}
if [ "$mode" = --remove ]; then
  dest=${2:?dest}
  rm -f "$dest" "$dest.part"
  [ -z "${3:-}" ] || rm -rf "$3"
  echo "installer: $dest removed"
  exit 0
fi
source=${2:?source}
sha=${3:?sha256}
dest=${4:?dest}

verify() { printf '%s  %s\n' "$sha" "$1" | sha256sum -c --status -; }

if [ -f "$dest" ] && verify "$dest"; then
  [ "$mode" != file ] || rm -f "$source"
  echo "installer: $dest present, sha256 $sha verified"
  exit 0
fi
mkdir -p "$(dirname "$dest")"
chmod 0700 "$(dirname "$dest")"
part=$dest.part
rm -f "$part"
trap 'rm -f "$part"' EXIT
case $mode in
  url)
    if command -v curl >/dev/null 2>&1; then
      curl -fsSL --retry 3 -o "$part" "$source"
    else
      wget -q -O "$part" "$source"
    fi
    ;;
  file)
    [ -f "$source" ] || { echo "installer: uploaded file $source is missing" >&2; exit 1; }
    mv -f "$source" "$part"
    ;;
  *) echo "installer: unknown mode $mode" >&2; exit 2 ;;
esac
if ! verify "$part"; then
  actual=$(sha256sum "$part" | cut -d' ' -f1)
  echo "installer: CHECKSUM MISMATCH for $source: expected $sha, got $actual. The file was deleted; nothing was installed." >&2
  exit 1
fi
chmod 0600 "$part"
mv -f "$part" "$dest"
trap - EXIT
echo "installer: $dest written, sha256 $sha verified"
