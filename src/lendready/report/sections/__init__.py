"""The sections of the report, one module each, shared by the briefing, the handout and the session pack.

Each module exposes a public function taking a
:class:`~lendready.report.context.BriefingContext` (or, for the handout's parts,
a :class:`~lendready.report.handout_case.HandoutCase`) and returning flowables.
The briefing and the handout decide which sections they print, in what order.
"""
