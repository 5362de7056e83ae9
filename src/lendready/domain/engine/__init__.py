"""The assessment engine: the safe condition language, the questionnaire, metrics, rules and assess().

It imports no Qt and no reportlab (a test enforces it).
"""
