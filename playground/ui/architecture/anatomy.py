"""The Anatomy page: module tree ↔ block diagram, and the numbers of the model."""

from __future__ import annotations

from PySide6.QtCore import Qt, QT_TRANSLATE_NOOP, Signal, Slot
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QSplitter, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from playground.core import format as fmt
from playground.ui.architecture.block_diagram import BlockDiagram
from playground.ui.architecture.stats import StatsPanel
from playground.ui.i18n import translate

PATH_ROLE = Qt.UserRole + 1
COLUMNS = [QT_TRANSLATE_NOOP("AnatomyView", "Module"), QT_TRANSLATE_NOOP("AnatomyView", "Parameters"), QT_TRANSLATE_NOOP("AnatomyView", "% of total"), QT_TRANSLATE_NOOP("AnatomyView", "Output shape"), QT_TRANSLATE_NOOP("AnatomyView", "Type")]


def _shape_text(shape) -> str:
    return " × ".join(str(s) for s in shape) if shape else "—"


class AnatomyView(QWidget):
    """`show_tree(tree, title)` fills the tree; `set_breakdown` draws the diagram."""

    source_changed = Signal(str)  # "model" | "config"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("anatomyView")
        self._items: dict[str, QTreeWidgetItem] = {}
        self.source_combo = QComboBox(objectName="anatomySource")
        self.source_combo.addItem(translate("AnatomyView", "the current model"), "model")
        self.source_combo.addItem(translate("AnatomyView", "the config builder's model (meta device, no weights)"), "config")
        self.source_combo.currentIndexChanged.connect(
            lambda _i: self.source_changed.emit(self.source_combo.currentData()))
        self.title = QLabel(translate("AnatomyView", "No model loaded."), objectName="anatomyTitle")
        self.title.setWordWrap(True)
        self.tree = QTreeWidget(objectName="moduleTree")
        self.tree.setHeaderLabels([translate("AnatomyView", c) for c in COLUMNS])
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.Interactive)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeToContents)
        self.tree.currentItemChanged.connect(self._on_tree_current_item_changed)
        self.diagram = BlockDiagram()
        self.diagram.part_clicked.connect(self._on_diagram_part_clicked)
        self.stats = StatsPanel("modelSummary")

        top = QHBoxLayout()
        top.addWidget(QLabel(translate("AnatomyView", "Inspect")))
        top.addWidget(self.source_combo)
        top.addStretch(1)
        split = QSplitter(Qt.Horizontal, objectName="anatomySplitter")
        split.addWidget(self.tree)
        split.addWidget(self.diagram)
        split.addWidget(self.stats)
        for index, stretch in enumerate((5, 4, 5)):
            split.setStretchFactor(index, stretch)
        split.setSizes([520, 400, 520])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(split, 1)

    # ------------------------------------------------------------------ content
    def source(self) -> str:
        return self.source_combo.currentData()

    def show_message(self, text: str) -> None:
        self.title.setText(text)

    def clear(self, message: str) -> None:
        self.tree.clear()
        self._items.clear()
        self.diagram.set_breakdown(None, translate("BlockDiagram", "No model"))
        self.stats.set_subject(None)
        self.title.setText(message)

    def show_tree(self, tree, title: str) -> None:
        """Fill `moduleTree` from a core `ModuleNode` tree (shapes, counts, % of the total)."""
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        self._items.clear()
        total = max(tree.params, 1)
        root = self._add(None, tree, total)
        self.tree.addTopLevelItem(root)
        root.setExpanded(True)
        for path in ("model", "transformer", "model.layers", "transformer.h", "model.layers.0", "transformer.h.0"):
            if path in self._items:
                self._items[path].setExpanded(True)
        self.tree.setUpdatesEnabled(True)
        self.tree.setColumnWidth(0, self.fontMetrics().horizontalAdvance("post_attention_layernorm") + 4 * 20 + 10)
        self.title.setText(title)

    def _add(self, parent: QTreeWidgetItem | None, node, total: int) -> QTreeWidgetItem:
        params = fmt.exact(node.params) if not node.tied_to else translate("AnatomyView", "0 (tied)")
        item = QTreeWidgetItem([node.name, params, f"{100 * node.params / total:.2f} %",
                                _shape_text(node.output_shape), node.type_name])
        item.setData(0, PATH_ROLE, node.path)
        item.setToolTip(0, node.path or node.type_name)
        for col in (1, 2):
            item.setTextAlignment(col, Qt.AlignRight | Qt.AlignVCenter)
        if node.tied_to:
            item.setToolTip(1, translate("AnatomyView", "This module's weight is the same tensor as {module}'s: counted "
                                         "once, there.").format(module=node.tied_to))
        self._items[node.path] = item
        if parent is not None:
            parent.addChild(item)
        for child in node.children:
            self._add(item, child, total)
        return item

    def item(self, path: str) -> QTreeWidgetItem | None:
        return self._items.get(path)

    def select_path(self, path: str) -> bool:
        item = self._items.get(path)
        if item is None:
            return False
        self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item)
        return True

    # ------------------------------------------------------------------ linking tree and diagram
    @Slot(object, object)
    def _on_tree_current_item_changed(self, current: QTreeWidgetItem | None, _previous) -> None:
        from playground.core.inspect.anatomy import diagram_part, layer_index

        if current is None:
            self.diagram.highlight(None)
            return
        path = current.data(0, PATH_ROLE)
        self.diagram.highlight(diagram_part(path), layer_index(path))

    @Slot(str)
    def _on_diagram_part_clicked(self, part: str) -> None:
        """Select the module of that part, in the layer already selected (or the first layer)."""
        from playground.core.inspect.anatomy import diagram_part, layer_index

        layer = self.diagram.highlighted_layer
        candidates = [p for p in self._items if diagram_part(p) == part]
        if layer is not None:
            candidates.sort(key=lambda p: (layer_index(p) != layer, p.count("."), p))
        else:
            candidates.sort(key=lambda p: (layer_index(p) or 0, p.count("."), p))
        if candidates:
            self.select_path(candidates[0])
        else:
            self.diagram.highlight(part, layer)
