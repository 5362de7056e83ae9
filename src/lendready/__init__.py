"""lendready: a lending-readiness advisor for mutuals.

The version lives here as a plain constant (not importlib.metadata) because the
command-line JSON path is measured against bare interpreter start-up and reading
package metadata costs more than the whole assessment.
"""

__version__ = "0.1.0"
