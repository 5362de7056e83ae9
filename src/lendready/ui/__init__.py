"""The Qt desktop app. The only package (with report/) allowed to import PySide6."""
