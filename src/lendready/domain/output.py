"""The whole ``lendready assess --format json`` document: the assessment plus what-ifs.

The assessment itself (band, areas, metrics, findings) comes from ``assess``;
the stress scenarios, the proposals that would move the band and the loan
sizing are added here, each computed by re-running the same engine. One
function builds it, so the command line and the app cannot disagree.
"""

from __future__ import annotations

import json
from typing import Any

from lendready.domain.assessment import Assessment
from lendready.domain.case_file import Case
from lendready.domain.knowledge import Knowledge


def assessment_document(
    case: Case, knowledge: Knowledge, assessment: Assessment, *, trace: bool = False
) -> dict[str, Any]:
    from lendready.domain.improve import extended_output

    document = assessment.to_dict()
    document.update(extended_output(case, knowledge, assessment))
    if trace:
        document["trace"] = assessment.to_dict(trace=True)["trace"]
    return document


def assessment_json(case: Case, knowledge: Knowledge, assessment: Assessment, *, trace: bool = False) -> str:
    document = assessment_document(case, knowledge, assessment, trace=trace)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
