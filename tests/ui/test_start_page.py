"""The start page's sample list: a bold title and a wrapped summary per sample, drawn by its delegate."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyleOptionViewItem

from lendready.ui.start_page import TitledItemDelegate


def test_each_sample_item_carries_its_path(window):
    samples = window.start_page.samples
    assert [samples.item(i).data(Qt.ItemDataRole.UserRole) for i in range(samples.count())] == [
        str(s.path) for s in window.samples
    ]


@pytest.mark.parametrize("height", [200, 2000])
def test_the_items_wrap_to_the_viewport(window, qtbot, height):
    """Without and with a vertical scroll bar, each item is as wide as the viewport: nothing to scroll across."""
    samples = window.start_page.samples
    samples.setFixedHeight(height)
    qtbot.waitUntil(lambda: samples.verticalScrollBar().isVisible() == (height == 200))
    first = samples.model().index(0, 0)
    qtbot.waitUntil(lambda: samples.visualRect(first).width() == samples.viewport().width())
    assert not samples.horizontalScrollBar().isVisible()


def test_each_sample_shows_its_title_and_its_summary_wrapped_to_the_list(window, qtbot):
    samples = window.start_page.samples
    delegate = window.start_page.delegate
    first = samples.model().index(0, 0)
    option = QStyleOptionViewItem()
    option.initFrom(samples)
    wide = delegate.sizeHint(option, first).height()
    samples.parentWidget().setFixedWidth(700)
    qtbot.waitUntil(lambda: delegate.sizeHint(option, first).height() > wide)
    title, rest = delegate.parts(first)
    assert title == window.samples[0].meta.title and rest == window.samples[0].meta.summary


def colours_in(image, rect) -> set[int]:
    return {image.pixel(x, y) for x in range(rect.left(), rect.right()) for y in range(rect.top(), rect.bottom())}


def test_a_selected_sample_is_written_in_the_highlighted_text_colour(window, qtbot):
    samples = window.start_page.samples
    samples.setCurrentRow(1)
    qtbot.waitUntil(lambda: samples.selectionModel().isSelected(samples.model().index(1, 0)))
    image = samples.viewport().grab().toImage()
    selected = samples.visualRect(samples.model().index(1, 0))
    other = samples.visualRect(samples.model().index(2, 0))
    palette = samples.palette()
    highlighted = QColor(palette.color(palette.ColorRole.HighlightedText)).rgb()
    text = QColor(palette.color(palette.ColorRole.Text)).rgb()
    assert highlighted in colours_in(image, selected)
    assert text in colours_in(image, other) and text not in colours_in(image, selected)


def test_a_checkable_list_keeps_its_text_clear_of_the_check_boxes(qtbot):
    """The session-pack checklist: the check box is drawn by the style, the text beside it."""
    view = QListWidget()
    view.resize(500, 300)
    view.setItemDelegate(TitledItemDelegate(view))
    item = QListWidgetItem("Title\nA summary long enough to wrap once the list is narrow enough for it.")
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked)
    view.addItem(item)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = view.visualRect(view.model().index(0, 0))
    text_rect = view.itemDelegate()._text_rect(option, view.model().index(0, 0))
    assert text_rect.left() > option.rect.left() + 10  # moved right of the check box


def test_the_menus_have_their_shortcuts(window):
    """The menus' shortcuts, standard keys and written ones alike."""
    keys = {a.text(): a.shortcut() for a in window.findChildren(type(window.save_action))}
    assert keys["&Save"] == QKeySequence(QKeySequence.StandardKey.Save)
    assert keys["&Close case"] == QKeySequence("Ctrl+W")
    assert keys["Start an &exercise on this case"] == QKeySequence("Ctrl+T")
