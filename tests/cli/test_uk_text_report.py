"""`lendready assess CASE --format text` reads the UK way: 'Apr 2027' months, whole pounds, one minus sign."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import SAMPLES

MONTH_NAMES = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"


def text_report(sample: str) -> str:
    out = subprocess.run([sys.executable, "-m", "lendready", "assess", str(SAMPLES / f"{sample}.lendready"),
                          "--format", "text", "--as-of", "2026-12-01"], capture_output=True, text=True, check=True)
    return out.stdout


def key_figures(report: str) -> dict[str, str]:
    block = report.split("\nKey figures\n", 1)[1].split("\n\n", 1)[0]
    return {line[2:44].strip(): line[46:].strip() for line in block.splitlines() if line.startswith("  ")}


def test_vale_months_read_apr_2027_and_key_amounts_are_whole_pounds():
    report = text_report("vale")
    figures = key_figures(report)
    # The sample's forecast runs Jan 2027 to Dec 2027; its lowest month is April.
    assert figures["Lowest forecast cash"] == "£1,420,335 in Apr 2027"
    assert figures["New loan's repayments in its first year"] == "£208,995"
    assert figures["Lowest forecast cash if receipts fall"] == "£700,005"
    assert not re.search(r"\b20\d\d-\d\d\b", report.replace("2026-12-01", ""))  # no ISO month anywhere
    assert re.search(rf"lowest cash £[\d,]+ in (?:{MONTH_NAMES}) 2027", report)
    assert "Assessed as at 01/12/2026" in report


def test_no_pence_on_key_or_stress_amounts():
    report = text_report("vale")
    amounts = re.findall(r"£[\d,]+(?:\.\d+)?", report)
    assert amounts, report
    assert not [a for a in amounts if "." in a]


def test_negatives_carry_only_the_minus_sign():
    report = text_report("vale")
    negatives = re.findall(r"(.)£[\d,]+", report)
    assert "\u2212" in negatives  # receipts 20% lower take the cash below zero
    assert "-" not in negatives
    assert not re.search(r"(?<![\w.])-\d", report)  # no hyphen-minus before a figure either
