"""The app's Qt-free model: the open case, per-user settings and crash recovery.

The views call it; it imports no Qt, so tests drive it the way the GUI does.
"""
