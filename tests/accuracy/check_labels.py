#!/usr/bin/env python3
"""Sanity checks for the accuracy set: labels.tsv must have exactly one row per
case folder x requirement ID (from tests/requirement-ids.txt), a valid status,
evidence for every met/partial row (none for missing), and every evidence fragment
(fragments are joined with " ... ") must occur in that case's documents. Line
breaks in hard-wrapped files are allowed to fall inside a fragment. For .html files
the fragments must occur in the visible text (markup, <head>, <script> and <style>
removed, entities decoded), not in the raw source.

    python3 tests/accuracy/check_labels.py
"""
import csv, os, re, sys
from collections import Counter, defaultdict
from html.parser import HTMLParser

HERE = os.path.dirname(os.path.abspath(__file__))
IDS = [l.strip() for l in open(os.path.join(HERE, "..", "requirement-ids.txt")) if l.strip()]
CASES_DIR = os.path.join(HERE, "cases")


BLOCK = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
         "table", "tr", "td", "th", "caption", "thead", "tbody", "br", "header", "footer",
         "nav", "main", "article", "section", "aside", "form", "label", "button", "blockquote"}
HIDDEN = {"head", "script", "style", "title", "template"}


class Visible(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
        elif tag in BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.out.append(data)


def visible_text(raw):
    p = Visible()
    p.feed(raw)
    p.close()
    return "".join(p.out)


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def main():
    cases = sorted(d for d in os.listdir(CASES_DIR) if os.path.isdir(os.path.join(CASES_DIR, d)))
    texts = {}
    for c in cases:
        parts = []
        for root, _, files in os.walk(os.path.join(CASES_DIR, c)):
            for f in sorted(files):
                raw = open(os.path.join(root, f), encoding="utf-8").read()
                parts.append(visible_text(raw) if f.lower().endswith((".html", ".htm")) else raw)
        texts[c] = "\n".join(parts)
    rows = list(csv.reader(open(os.path.join(HERE, "labels.tsv"), encoding="utf-8"), delimiter="\t"))
    errors = []
    if rows[0] != ["case", "req", "status", "evidence"]:
        errors.append(f"bad header {rows[0]}")
    data = rows[1:]
    expected = len(cases) * len(IDS)
    if len(data) != expected:
        errors.append(f"{len(data)} data rows, expected {expected}")
    seen = Counter((r[0], r[1]) for r in data if len(r) >= 2)
    for c in cases:
        for i in IDS:
            if seen[(c, i)] != 1:
                errors.append(f"{c} {i}: {seen[(c, i)]} rows")
    for (c, i) in seen:
        if c not in texts or i not in IDS:
            errors.append(f"unknown case/requirement {c} {i}")
    verbatim = wrapped = 0
    for r in data:
        if len(r) != 4:
            errors.append(f"row has {len(r)} fields: {r}")
            continue
        c, req, st, ev = r
        if st not in ("met", "partial", "missing"):
            errors.append(f"{c} {req}: bad status {st!r}")
        if st == "missing" and ev:
            errors.append(f"{c} {req}: missing but has evidence")
        if st != "missing" and not ev:
            errors.append(f"{c} {req}: {st} without evidence")
        if c not in texts:
            continue
        for frag in (f.strip() for f in ev.split("...")):
            if not frag:
                continue
            if frag in texts[c]:
                verbatim += 1
            elif norm(frag) in norm(texts[c]):
                wrapped += 1
            else:
                errors.append(f"{c} {req}: quote not in documents: {frag!r}")
    dist = Counter(r[2] for r in data if len(r) == 4)
    n = sum(dist.values()) or 1
    print(f"{len(cases)} cases, {len(data)} rows; quote fragments found: {verbatim} verbatim, {wrapped} across line breaks")
    print("labels: " + ", ".join(f"{k} {dist[k]} ({dist[k] / n:.0%})" for k in ("met", "partial", "missing")))
    per = defaultdict(Counter)
    for r in data:
        if len(r) == 4:
            per[r[0]][r[2]] += 1
    for c in cases:
        print(f"  {c:32s} words {len(texts[c].split()):5d}  met {per[c]['met']:2d}  partial {per[c]['partial']:2d}  missing {per[c]['missing']:2d}")
    if errors:
        print("ERRORS:", *errors, sep="\n  ")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
