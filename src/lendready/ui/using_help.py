"""Help → Using lendready: how the app works, with every keyboard shortcut.

The shortcut table is read from the window's own menus when the page is shown,
so it lists exactly the actions and keys the app has and cannot go stale; the
keys that belong to no menu (a question's help, the presentation's clicker keys)
are listed beside it. The prose is short on purpose: what each part does and
what protects the work.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar

from lendready.ui.widgets.style import html_text

USING_TOPIC = "using"
USING_TITLE = "Using lendready"

# Keys handled by widgets rather than menu actions (see question.py and exercise_view.py).
OTHER_KEYS = (
    ("A question", "Show or hide the question's help", "F1"),
    ("A question", "Send the answer typed in a box (pausing in typing sends it too)", "Enter"),
    ("A question", "Next or previous box", "Tab / Shift+Tab"),
    ("Presentation", "Next (on a myth card, the first press shows the answer)", "Space, → or Page Down"),
    ("Presentation", "Back", "← or Page Up"),
    ("Presentation", "Choose a row, then predict its rating", "↑ ↓, then 1 / 2 / 3 (or G / A / R, by the buttons' colours)"),
    ("Presentation", "Answer a myth card", "T / F"),
    ("Presentation", "Leave the presentation", "Esc"),
)

PROSE = (
    ("Sections and answers",
     "The sections are listed on the left with how many of their questions are answered. An answer is "
     "kept when you press Enter, leave the box, or stop typing for a moment; the section list, the "
     "explainer and the title bar follow at once. Questions that do not apply to this organisation are "
     "hidden, and an answer that breaks a rule is shown with what is wrong and set aside until corrected."),
    ("The explainer",
     "On the right, the explainer shows how a lender would read the case: the readiness band, each risk "
     "area's rating, the key figures and every finding with what was seen, why it matters and what to do. "
     "After each change a “What changed” line at the top names the band, the areas and the findings that "
     "moved, and marks them below; the place you were reading stays where it was. Each piece of evidence is "
     "a link to its question."),
    ("Stress tests and what-ifs",
     "The second tab shows how the case stands up to lower receipts, late payers, higher rates and costs, "
     "how large a loan it can carry, and the smallest changes that would move the band. “Try this” opens a "
     "what-if: a copy shown over the case, with a bar above the questions listing each changed answer "
     "(from → to) and both bands. Edit it further if you like. “Back to the case” returns to the case "
     "exactly as you left it; “Apply these changes” puts the changed answers into the case. Save always "
     "saves the case, never the what-if, and nothing asks you to save a case you did not close."),
    ("Exercises and presentation",
     "Teach → Start an exercise hides the explainer: the room reads the story and the figures, predicts "
     "each area's rating and the band, then the app reveals them area by area and gives a score. Present "
     "full screen shows the same exercise in large type for a projector, driven by the keys below."),
    ("Export",
     "File → Export briefing asks which briefing you want (the credit committee's paper, the founder's "
     "action plan or the trainer's handout), says what each holds, and shows the file it will write, "
     "which you can change or browse for. The PDF is written in the background; Cancel stops it and "
     "leaves no file."),
    ("Saving and recovery",
     "Saving replaces the file in one step, so a failed save never leaves half a file, and a file someone "
     "else saved meanwhile is never replaced without asking. While there are unsaved changes, a private "
     "recovery copy is written every 30 seconds and when you move to another section; if lendready does "
     "not close properly, it offers the work back at the next start, with the date and time it was kept."),
)


class Shortcut(NamedTuple):
    where: str
    what: str
    keys: str


def _plain(text: str) -> str:
    """A menu's text as read: mnemonic ampersands gone ("&&" is a literal one), the trailing "…" kept."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def menu_shortcuts(bar: QMenuBar) -> list[Shortcut]:
    """Every menu action with a keyboard shortcut, as (menu path, action, keys), in menu order."""
    out: list[Shortcut] = []
    # Menus found as the bar's children, not through QAction.menu(), whose wrapper PySide6 6.8 drops.
    menus = {m.menuAction(): m for m in bar.findChildren(QMenu)}

    def walk(actions: list[QAction], path: str) -> None:
        for action in actions:
            menu = menus.get(action)
            if menu is not None:
                walk(menu.actions(), f"{path} → {_plain(menu.title())}" if path else _plain(menu.title()))
                continue
            if action.isSeparator():
                continue
            keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
            if keys:
                out.append(Shortcut(path, _plain(action.text()), keys))

    walk(bar.actions(), "")
    return out


def using_html(bar: QMenuBar) -> str:
    parts = [f"<h2>{USING_TITLE}</h2>"]
    for heading, text in PROSE:
        parts.append(f"<h3>{html_text(heading)}</h3><p>{html_text(text)}</p>")
    parts.append("<h3>Keyboard shortcuts</h3><table cellpadding='3'>")
    parts.append("<tr><th align='left'>Keys</th><th align='left'>What</th><th align='left'>Where</th></tr>")
    for s in [*menu_shortcuts(bar), *(Shortcut(w, what, k) for w, what, k in OTHER_KEYS)]:
        parts.append(f"<tr><td><b>{html_text(s.keys)}</b></td><td>{html_text(s.what)}</td>"
                     f"<td>{html_text(s.where)}</td></tr>")
    parts.append("</table>")
    return "".join(parts)
