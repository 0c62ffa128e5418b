import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QPushButton, QScrollBar, QSpinBox, QTreeWidget

from playground.ui.architecture.attention_grid import AttentionGrid
from playground.ui.architecture.block_diagram import BlockDiagram
from playground.ui.architecture.config_builder import ConfigBuilder
from playground.ui.widgets.heatmap import HeatmapView
from playground.ui.architecture.logit_lens import LogitLensView
from playground.ui.architecture.stats import StatsPanel
from playground.core.format import token_label

SHORT_TEXT = "The capital of France is"


@pytest.fixture
def arch_tab(qtbot, loaded_window):
    tab = loaded_window.tab("architectureTab")
    loaded_window.show_tab("architectureTab")
    qtbot.waitUntil(lambda: tab.anatomy.tree.topLevelItemCount() > 0 and not tab.jobs.running("anatomy"),
                    timeout=120_000)
    return tab


@pytest.fixture
def captured(qtbot, arch_tab):
    """The tab after running SHORT_TEXT through the built-in model from the UI."""
    arch_tab.show_page("attention")
    arch_tab.findChild(QPlainTextEdit, "attentionInput").setPlainText(SHORT_TEXT)
    with qtbot.waitSignal(arch_tab.attention_captured, timeout=180_000) as blocker:
        qtbot.mouseClick(arch_tab.findChild(QPushButton, "runAttentionButton"), Qt.LeftButton)
    return arch_tab, blocker.args[0]


def test_module_tree_shows_the_builtin_model(arch_tab, builtin_session):
    tree = arch_tab.findChild(QTreeWidget, "moduleTree")
    root = tree.topLevelItem(0)
    header = tree.headerItem()
    assert [header.text(i) for i in range(5)] == ["Module", "Parameters", "% of total", "Output shape", "Type"]
    assert root.text(0) == "LlamaForCausalLM" and root.text(1) == "134,515,008" and root.text(2) == "100.00 %"
    attn = arch_tab.anatomy.item("model.layers.0.self_attn")
    assert attn.text(4) == "LlamaAttention" and attn.text(3) == "1 × 8 × 576" and attn.text(1) == "884,736"
    assert attn.text(2) == f"{100 * 884_736 / 134_515_008:.2f} %"
    assert arch_tab.anatomy.item("model.layers.0.self_attn.k_proj").text(3) == "1 × 8 × 192"  # 3 KV heads × 64
    assert arch_tab.anatomy.item("lm_head").text(1) == "0 (tied)"
    summary = arch_tab.findChild(StatsPanel, "modelSummary").text()
    assert "134,515,008" in summary and "equals sum(p.numel())" in summary
    assert "22.5 KiB per token" in summary  # 2·30·3·64·2 bytes of KV cache
    assert builtin_session.model.config._attn_implementation != "eager"


def test_clicking_a_module_highlights_the_diagram(qtbot, arch_tab):
    tree = arch_tab.findChild(QTreeWidget, "moduleTree")
    diagram = arch_tab.findChild(BlockDiagram, "blockDiagram")
    before = diagram.grab().toImage()
    item = arch_tab.anatomy.item("model.layers.2.self_attn")
    _click_item(qtbot, tree, item)
    assert tree.currentItem() is item
    assert (diagram.highlighted_part, diagram.highlighted_layer) == ("attn", 2)
    assert diagram.grab().toImage() != before, "the highlight is drawn"

    _click_item(qtbot, tree, arch_tab.anatomy.item("model.layers.2.mlp.up_proj"))
    assert diagram.highlighted_part == "mlp"

    # And the other way: clicking a box in the diagram selects its module in that layer.
    qtbot.mouseClick(diagram, Qt.LeftButton, pos=diagram.part_rect("attn_norm").center().toPoint())
    assert tree.currentItem() is arch_tab.anatomy.item("model.layers.2.input_layernorm")
    assert diagram.highlighted_part == "attn_norm"


def _click_item(qtbot, tree, item):
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)  # spans every column; click the name
    qtbot.mouseClick(tree.viewport(), Qt.LeftButton, pos=qtbot_point(rect.left() + 12, rect.center().y()))


def test_attention_grid_zoom_hover_and_average(qtbot, captured, builtin_session):
    tab, capture = captured
    assert builtin_session.model.config._attn_implementation != "eager", "eager mode was switched back"
    grid = tab.findChild(AttentionGrid, "attentionGrid")
    assert grid.shape() == (30, 9) and grid.cell_count() == 270
    n = capture.num_tokens
    np.testing.assert_allclose(capture.attentions.sum(-1), 1.0, atol=1e-4)
    assert np.all(capture.attentions[..., np.triu(np.ones((n, n), bool), 1)] == 0)

    qtbot.mouseClick(grid, Qt.LeftButton, pos=grid.cell_rect(4, 7).center())
    heatmap = tab.findChild(HeatmapView, "attentionHeatmap")
    np.testing.assert_array_equal(heatmap.data().values, capture.attentions[4, 7])
    assert "Layer 4, head 7" in heatmap.data().title
    assert heatmap.data().row_labels == tuple(token_label(t) for t in capture.tokens)

    heatmap.resize(600, 500)
    cell_center = heatmap._plot_rect(heatmap.rect().toRectF())
    x = cell_center.left() + cell_center.width() * (1.5 / n)  # column 1
    y = cell_center.top() + cell_center.height() * ((n - 0.5) / n)  # last row
    qtbot.mouseMove(heatmap, pos=qtbot_point(x, y))
    qtbot.waitUntil(lambda: heatmap.hover_text() != "", timeout=5000)
    assert heatmap.hover_text().endswith(f"{float(capture.attentions[4, 7, n - 1, 1]):.4f}")

    mode = tab.findChild(QComboBox, "attentionMode")
    mode.setCurrentIndex(mode.findData("average"))
    assert grid.shape() == (30, 1)
    np.testing.assert_allclose(heatmap.data().values, capture.attentions[4].mean(0), rtol=1e-6)


def qtbot_point(x: float, y: float):
    from PySide6.QtCore import QPoint

    return QPoint(int(x), int(y))


def test_following_a_token_across_heads(qtbot, captured):
    tab, capture = captured
    combo = tab.findChild(QComboBox, "queryTokenCombo")
    query = capture.num_tokens - 1
    combo.setCurrentIndex(query + 1)
    combo.activated.emit(query + 1)
    heatmap = tab.findChild(HeatmapView, "attentionHeatmap")
    values = heatmap.data().values
    assert values.shape == (270, query + 1)  # every layer × head, every earlier token
    np.testing.assert_array_equal(values[5 * 9 + 3], capture.attentions[5, 3, query])
    # 270 rows are not squeezed into the view: each keeps 8 px, and a scroll bar reaches the rest.
    plot, shown = heatmap._plot_rect(heatmap.rect().toRectF()), heatmap.visible_window()
    assert plot.height() / shown.height() >= 8 and shown.top() == 0 and shown.width() == query + 1
    bar = heatmap.findChild(QScrollBar, "attentionHeatmapRowScroll")
    assert bar.isVisible() and bar.maximum() == 270 - int(shown.height())
    heatmap.grab().save("/tmp/attention_all_heads.png")
    bar.setValue(bar.maximum())
    assert heatmap.visible_window().bottom() == 270  # the last layer's heads
    bar.setValue(5 * 9)
    # Clicking a row opens that head with the token still followed.
    qtbot.mouseClick(heatmap, Qt.LeftButton, pos=_cell_center(heatmap, 5 * 9 + 3, 0))
    np.testing.assert_array_equal(heatmap.data().values, capture.attentions[5, 3])
    assert tab.attention._query == query


def _cell_center(heatmap, row, col):
    """Where cell (row, col) is drawn now, in the rows and columns the view shows."""
    plot, w = heatmap._plot_rect(heatmap.rect().toRectF()), heatmap.visible_window()
    return qtbot_point(plot.left() + plot.width() * (col + 0.5 - w.left()) / w.width(),
                       plot.top() + plot.height() * (row + 0.5 - w.top()) / w.height())


def test_logit_lens_shows_the_answer_forming(qtbot, captured, builtin_session):
    tab, capture = captured
    lens_view = tab.findChild(LogitLensView, "logitLensView")
    qtbot.waitUntil(lambda: lens_view.lens() is not None, timeout=180_000)
    lens = lens_view.lens()
    assert lens.top_ids.shape[:2] == (31, capture.num_tokens)
    last = lens_view.cell_text(30, capture.num_tokens - 1)
    assert last == token_label(builtin_session.tokenizer.decode([capture.next_token_id]), 12) == "Paris"
    assert int(lens.top_ids[-1, -1, 0]) == capture.next_token_id


def test_logit_lens_cells_are_readable_in_both_themes(qtbot, captured, loaded_window):
    from PySide6.QtGui import QPalette
    from playground.ui.widgets.contrast import contrast_ratio

    tab, _capture = captured
    lens_view = tab.findChild(LogitLensView, "logitLensView")
    qtbot.waitUntil(lambda: lens_view.lens() is not None, timeout=180_000)
    model, probs = lens_view.model, lens_view.lens().top_probs[:, :, 0]
    assert probs.min() < 0.3 and probs.max() > 0.6  # light, mid and strong blue cells

    def worst() -> float:
        default = lens_view.table.palette().color(QPalette.Text)
        ratios = []
        for row in range(model.rowCount()):
            for col in range(model.columnCount()):
                index = model.index(row, col)
                text = model.data(index, Qt.ForegroundRole) or default
                ratios.append(contrast_ratio(text, model.data(index, Qt.BackgroundRole)))
        return min(ratios)

    assert worst() >= 4.5
    tab.show_page("lens")
    loaded_window.dark_action.setChecked(True)
    try:
        qtbot.waitUntil(lambda: model.base.lightness() < 128)
        assert worst() >= 4.5
        lens_view.table.grab().save("/tmp/logit_lens_dark.png")
    finally:
        loaded_window.dark_action.setChecked(False)
    qtbot.waitUntil(lambda: model.base.lightness() >= 128)
    lens_view.table.grab().save("/tmp/logit_lens_light.png")


def test_png_exports_write_real_images(qtbot, captured, tmp_path):
    tab, capture = captured
    lens_view = tab.findChild(LogitLensView, "logitLensView")
    qtbot.waitUntil(lambda: lens_view.lens() is not None, timeout=180_000)
    paths = {"grid": tmp_path / "grid.png", "heatmap": tmp_path / "heatmap.png", "lens": tmp_path / "lens.png",
             "diagram": tmp_path / "diagram.png"}
    assert tab.attention.export_grid_png(str(paths["grid"]))
    assert tab.attention.export_heatmap_png(str(paths["heatmap"]))
    assert lens_view.export_png(str(paths["lens"]))
    assert tab.findChild(BlockDiagram, "blockDiagram").export_png(str(paths["diagram"]))
    for name, path in paths.items():
        image = QImage(str(path))
        assert not image.isNull() and image.width() > 200 and image.height() > 200, name
        assert len({image.pixel(x, y) for x in range(0, image.width(), 17) for y in range(0, image.height(), 17)}) > 8
    grid = QImage(str(paths["grid"]))
    assert grid.height() > 30 * 64, "the whole grid, not only what is scrolled into view"
    assert not list(tmp_path.glob("*.tmp"))


def test_config_builder_updates_numbers_and_trains_this(qtbot, loaded_window, arch_tab):
    from playground.core.models.presets import PRESETS
    from playground.core.models.sizing import param_breakdown
    from playground.core.models.spec import ModelSpec

    builder = arch_tab.findChild(ConfigBuilder, "configBuilder")
    arch_tab.show_page("builder")
    presets = builder.findChild(QComboBox, "builderPresetCombo")
    presets.setCurrentIndex(presets.findText("Llama-2-70B"))
    presets.activated.emit(presets.currentIndex())
    summary = builder.findChild(StatsPanel, "configSummary")
    assert "68,976,648,192" in summary.text()
    check = builder.findChild(QLabel, "metaCheckLabel")
    qtbot.waitUntil(lambda: "68,976,648,192" in check.text(), timeout=60_000)
    assert check.text().startswith("✓")

    builder.findChild(QSpinBox, "builderLayersSpin").setValue(40)  # the text updates at once, before any worker
    expected = param_breakdown(ModelSpec.from_config(PRESETS["Llama-2-70B"] | {"num_hidden_layers": 40})).total
    assert f"{expected:,}" in summary.text() and presets.currentText() == "Custom"
    qtbot.waitUntil(lambda: f"{expected:,}" in check.text(), timeout=60_000)
    assert check.text().startswith("✓"), "the meta-device count equals the formula"

    builder.findChild(QSpinBox, "builderKvHeadsSpin").setValue(7)  # 64 heads are not a multiple of 7
    assert "multiple" in builder.findChild(QLabel, "configError").text()
    assert not builder.findChild(QPushButton, "trainThisButton").isEnabled()

    presets.setCurrentIndex(presets.findText("Tiny (char-level GPT)"))
    presets.activated.emit(presets.currentIndex())
    with qtbot.waitSignal(arch_tab.train_config_requested, timeout=10_000) as blocker:
        qtbot.mouseClick(builder.findChild(QPushButton, "trainThisButton"), Qt.LeftButton)
    config = blocker.args[0]
    assert config["model_type"] == "gpt2" and config["n_layer"] == 4 and config["n_embd"] == 128
    assert loaded_window.tabs.currentWidget() is loaded_window.tab("trainingTab")


def test_config_anatomy_on_the_meta_device(qtbot, arch_tab):
    builder = arch_tab.findChild(ConfigBuilder, "configBuilder")
    builder.apply_preset("GPT-2 small (124M)")
    with qtbot.waitSignal(arch_tab.anatomy_shown, timeout=120_000) as blocker:
        qtbot.mouseClick(builder.findChild(QPushButton, "inspectConfigButton"), Qt.LeftButton)
    anatomy = blocker.args[0]
    assert anatomy.on_meta and anatomy.n_params == 124_439_808
    root = arch_tab.findChild(QTreeWidget, "moduleTree").topLevelItem(0)
    assert root.text(0) == "GPT2LMHeadModel" and root.text(3) == "1 × 8 × 50257"
    assert arch_tab.pages.currentWidget() is arch_tab.anatomy


def test_text_can_come_from_the_chat(qtbot, arch_tab, monkeypatch):
    arch_tab.show_page("attention")
    chat = arch_tab.window().tab("chatTab")
    monkeypatch.setattr(chat, "conversation_text", lambda: "", raising=False)
    qtbot.mouseClick(arch_tab.findChild(QPushButton, "takeChatButton"), Qt.LeftButton)
    assert "chat is empty" in arch_tab.findChild(QLabel, "attentionStatus").text()
    monkeypatch.setattr(chat, "conversation_text", lambda: "Hi there", raising=False)
    with qtbot.waitSignal(arch_tab.attention_captured, timeout=180_000) as blocker:
        qtbot.mouseClick(arch_tab.findChild(QPushButton, "takeChatButton"), Qt.LeftButton)
    assert arch_tab.attention_text() == "Hi there" and "".join(blocker.args[0].tokens) == "Hi there"
    arch_tab.set_attention_text("Another text")
    assert arch_tab.findChild(QPlainTextEdit, "attentionInput").toPlainText() == "Another text"
