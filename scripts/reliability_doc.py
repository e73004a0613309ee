"""Writes docs/reliability.md: the template's prose with the fault cases' table filled in.

Usage: reliability_doc.py CASES.tsv TEMPLATE.md OUTPUT.md SECONDS EXIT_CODE
CASES.tsv holds one line per case (id, group, case, result, seconds, what it showed), written by
the tests (FaultCaseLog). The template's {{CASES}} becomes the table, {{SUMMARY}} one line.
"""

import sys
from datetime import UTC, datetime
from pathlib import Path


def main(cases_file: str, template: str, output: str, seconds: str, status: str) -> None:
    rows = []
    path = Path(cases_file)
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) == 6:
                rows.append(fields)
    order = {"S3": 0, "warehouse": 1, "process": 2, "concurrency": 3, "disk": 4, "secrets": 5}
    rows.sort(key=lambda r: (order.get(r[1], 9), r[0]))
    table = ["| id | fault | result | time (s) | what the case showed |", "|---|---|---|---|---|"]
    for case_id, _group, title, result, secs, note in rows:
        shown = note.replace("|", "/")
        table.append(f"| {case_id} | {title} | {result} | {secs} | {shown} |")
    passed = sum(1 for r in rows if r[3] == "passed")
    summary = (
        f"Last run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {passed} of {len(rows)} cases passed,"
        f" {seconds} s in all (Maven exit {status})."
    )
    text = Path(template).read_text(encoding="utf-8")
    text = text.replace("{{SUMMARY}}", summary).replace("{{CASES}}", "\n".join(table))
    Path(output).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:6])
