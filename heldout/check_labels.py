#!/usr/bin/env python3
"""Sanity checks for the held-out set (run from the repository root or from heldout/).

- labels.tsv has the header `case  req  status  evidence` and exactly 12 x 34 = 408 data rows;
- every case folder under cases/ appears, and each case has each of the 34 requirement IDs once;
- statuses are met / partial / missing; `missing` rows have an empty quote, the others do not;
- every quote appears verbatim in that case's documents. A quote may join several fragments with
  " ... "; each fragment must appear. Runs of whitespace (line wrapping) are treated as one space.

Prints the label distribution and word counts. Exit status 1 on any problem.
"""
import csv, os, re, sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
LABELS = os.path.join(HERE, "labels.tsv")

IDS = """CB-DEFINITION CB-FORMS CB-HATE CB-STAFF-TARGETS AUP-AUDIENCES AUP-OUTSIDE-CONDUCT
CB-REPORTING-ROUTE CB-DESIGNATED-PERSON CB-PROMPT-RESPONSE CB-CONCERNS-CHANNEL CB-NO-RETALIATION
CB-EVIDENCE CB-BLOCKING CB-PERPETRATOR-MEETING CB-TAKEDOWN CB-POLICE CB-LEGAL-BASIS CB-MOBILE-ABUSE
CB-DUTY-OF-CARE CB-STAFF-SUPPORT CB-EXTERNAL-HELP SM-SERVICE-USER-CONTACT SM-PERSONAL-DETAILS
SM-ACCOUNT-SEPARATION SM-PRIVACY-SETTINGS SM-ONLINE-REPUTATION SM-CONDUCT SEC-DEVICE-LOCK
SEC-PASSWORDS SEC-SAFE-NETWORKS CS-STALKING CS-FOOTPRINT DOC-REVIEW-DATE DOC-OWNER""".split()
STATUSES = {"met", "partial", "missing"}


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def main():
    problems = []
    cases = sorted(d for d in os.listdir(CASES) if os.path.isdir(os.path.join(CASES, d)))
    texts, words = {}, {}
    for c in cases:
        parts = []
        for fn in sorted(os.listdir(os.path.join(CASES, c))):
            parts.append(open(os.path.join(CASES, c, fn), encoding="utf-8").read())
        texts[c] = norm("\n".join(parts))
        words[c] = sum(len(p.split()) for p in parts)
        if not 1 <= len(parts) <= 3:
            problems.append(f"{c}: {len(parts)} documents (want 1-3)")

    with open(LABELS, encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    if rows[0] != ["case", "req", "status", "evidence"]:
        problems.append(f"bad header {rows[0]}")
    data = rows[1:]
    if len(data) != 408:
        problems.append(f"{len(data)} data rows, want 408")

    seen = defaultdict(Counter)
    dist, per_case = Counter(), defaultdict(Counter)
    for i, r in enumerate(data, start=2):
        if len(r) != 4:
            problems.append(f"line {i}: {len(r)} columns")
            continue
        case, req, status, quote = r
        seen[case][req] += 1
        dist[status] += 1
        per_case[case][status] += 1
        if case not in texts:
            problems.append(f"line {i}: unknown case {case}")
            continue
        if req not in IDS:
            problems.append(f"line {i}: unknown requirement {req}")
        if status not in STATUSES:
            problems.append(f"line {i}: bad status {status}")
        if status == "missing" and quote:
            problems.append(f"line {i}: missing with a quote")
        if status != "missing" and not quote:
            problems.append(f"line {i}: {status} without a quote")
        for frag in (f for f in quote.split(" ... ") if f.strip()):
            if norm(frag) not in texts[case]:
                problems.append(f"line {i}: {case} {req}: quote not found: {frag[:70]!r}")

    for c in cases:
        for req in IDS:
            if seen[c][req] != 1:
                problems.append(f"{c} {req}: {seen[c][req]} rows")
    for c in seen:
        if c not in cases:
            problems.append(f"labels name a case with no folder: {c}")

    total = sum(dist.values()) or 1
    print("case".ljust(32), "words  met partial missing")
    for c in cases:
        pc = per_case[c]
        print(c.ljust(32), str(words[c]).rjust(5), str(pc["met"]).rjust(4),
              str(pc["partial"]).rjust(7), str(pc["missing"]).rjust(7))
    print(f"total words {sum(words.values())}; " + ", ".join(
        f"{s} {dist[s]} ({100 * dist[s] / total:.0f}%)" for s in ("met", "partial", "missing")))
    for p in problems:
        print("PROBLEM:", p)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
