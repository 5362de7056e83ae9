"""The domain layer: questionnaire, case files, metrics, rules and the assessment.

Nothing in this package may import Qt or reportlab (a test enforces it), so the
engine can run in the command line, in tests and behind any renderer.
"""
