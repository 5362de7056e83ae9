"""Answer widgets: one input per answer type, wrapped in a QuestionWidget with label, help and note."""

from lendready.ui.widgets.answers import AnswerInput, make_input
from lendready.ui.widgets.question import AnswerEditor, QuestionWidget

__all__ = ["AnswerEditor", "AnswerInput", "QuestionWidget", "make_input"]
