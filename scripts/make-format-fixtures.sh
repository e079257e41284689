#!/usr/bin/env bash
# Regenerate tests/fixtures/formats/ from source.md: the same policy as .docx, .odt, .html and
# .pdf, plus the hand-made and bad files the format tests need. The outputs are committed, so
# `cargo test` needs none of these tools; run this only after changing source.md or the
# hand-made fixtures in make-special-fixtures.py.
#
# Usage: scripts/make-format-fixtures.sh     (installs pandoc, LibreOffice Writer and qpdf
#                                             with apt-get when they are missing)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/tests/fixtures/formats"
title="Staff Social Media and Cyberbullying Policy"

need=()
command -v pandoc >/dev/null || need+=(pandoc)
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
command -v qpdf >/dev/null || need+=(qpdf)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" fonts-dejavu-core
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$dir"
pandoc source.md -f markdown -t docx -o source.docx
pandoc source.md -f markdown -t odt -o source.odt
pandoc source.md -f markdown -t html5 -s --metadata pagetitle="$title" -o "$work/plain.html"

# The PDF is what an office suite exports: LibreOffice prints the .docx.
cp source.docx "$work/source.docx"
HOME="$work" soffice --headless --convert-to pdf --outdir "$work" "$work/source.docx" >/dev/null
cp "$work/source.pdf" source.pdf

mkdir -p bad
# A password is needed to open it: the reader must say so, not audit an empty document.
qpdf --encrypt open-sesame owner-secret 256 -- source.pdf bad/encrypted.pdf

python3 "$root/scripts/make-special-fixtures.py" "$dir" "$work/plain.html"
echo "fixtures written to $dir"
