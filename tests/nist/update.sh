#!/usr/bin/env bash
# The NIST CAVP vectors in this folder, taken byte for byte from Debian's python3-cryptography-vectors
# package (pyca/cryptography's test vectors, which keep NIST's SHAVS response files as NIST
# published them). Run from anywhere:
#
#   bash tests/nist/update.sh           fetch the package, check its own md5sums, copy the files here
#   bash tests/nist/update.sh --check   the same, but compare with the files here instead of copying
#
# Needs apt-get (Debian's archive) and dpkg-deb; the last step checks SHA256SUMS either way.
set -euo pipefail
cd "$(dirname "$0")"
version=38.0.4-1
files=(
  hashes/SHA1/SHA1ShortMsg.rsp hashes/SHA1/SHA1LongMsg.rsp hashes/SHA1/SHA1Monte.rsp
  hashes/SHA2/SHA256ShortMsg.rsp hashes/SHA2/SHA256LongMsg.rsp hashes/SHA2/SHA256Monte.rsp
  HMAC/rfc-2202-sha1.txt HMAC/rfc-4231-sha256.txt
)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download "python3-cryptography-vectors=$version" >/dev/null 2>&1 &&
  dpkg-deb -x ./*.deb root && dpkg-deb -e ./*.deb control)
prefix=usr/lib/python3/dist-packages/cryptography_vectors
status=0
for file in "${files[@]}"; do
  from="$tmp/root/$prefix/$file"
  expected=$(awk -v path="$prefix/$file" '$2 == path { print $1 }' "$tmp/control/md5sums")
  [ "$(md5sum <"$from" | cut -d' ' -f1)" = "$expected" ] || { echo "$file: not the package's" >&2; exit 1; }
  if [ "${1:-}" = --check ]; then
    cmp -s "$from" "$(basename "$file")" || { echo "$(basename "$file") differs" >&2; status=1; }
  else
    cp "$from" .
  fi
done
sha256sum --quiet -c SHA256SUMS
exit $status
