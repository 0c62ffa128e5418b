"""The Chat tab's widgets and their layout: the top bar (mode, engine, buttons), the conversation column
(notice, chat view over the "Why this token?" panel, input, stats, context meter) and the side panel
(sampling, distribution chart, the Why this token? button).

`ChatLayout(tab)` builds them into the tab and keeps the widths that depend on the font fitted; it holds
the widgets (`tab.ui.send_button`, …) and nothing else: the tab wires their signals (`_connect`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QGroupBox, QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar,
                               QPushButton, QScrollArea, QSizePolicy, QSplitter, QVBoxLayout, QWidget)

from playground.ui.chat.branching import BranchBar
from playground.ui.chat.engines import EXACT_ENGINE, engine_label
from playground.ui.chat.view import ChatInput, ChatView
from playground.ui.chat.sampling_panel import SamplingPanel
from playground.ui.chat.distribution import TokenDistributionChart
from playground.ui.chat.inspector import TokenInspector
from playground.ui.chat.why import WhyTokenPanel
from playground.ui.i18n import translate
from playground.ui.widgets.contrast import MutedLabel
from playground.ui.widgets.layouts import FlowBar, row
from playground.ui.widgets.tokens import NEAR_TIE_LEGEND


class ChatLayout:
    def __init__(self, tab: QWidget) -> None:
        self.tab = tab
        splitter = QSplitter(Qt.Horizontal, objectName="chatSplitter")
        splitter.addWidget(self._build_conversation())
        splitter.addWidget(self._build_side_panel())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        QHBoxLayout(tab).addWidget(splitter)

    def _build_top_bar(self) -> FlowBar:
        self.mode_combo = QComboBox(objectName="chatModeCombo")
        self.mode_combo.addItem(translate("ChatLayout", "chat"), "chat")  # the data is the mode
        self.mode_combo.addItem(translate("ChatLayout", "completion"), "completion")
        self.mode_combo.setToolTip(translate("ChatLayout", "chat: the model's chat template (turns). completion: the model continues "
                                   "the text as is (models trained here have no chat template)."))
        self.engine_combo = QComboBox(objectName="engineCombo")
        self.engine_combo.addItem(engine_label(EXACT_ENGINE), EXACT_ENGINE)
        self.engine_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.engine_combo.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)  # as wide as its text: never clipped
        self.engine_combo.setToolTip(translate("ChatLayout", "What runs the model. Fast (GGUF): the model file's own 4-bit "
                                     "blocks with int8 activations, as llama.cpp computes: the fastest on a CPU, slightly "
                                     "different text at near-ties. Exact (GGUF): the same blocks with float32 activations, "
                                     "the same greedy tokens as PyTorch. Fast (ONNX int4): weights re-quantized to 4 bits "
                                     "on ONNX Runtime, for models that are not a GGUF. Exact (ONNX fp32): full-precision "
                                     "weights on ONNX Runtime, the same greedy tokens as PyTorch. Exact (PyTorch): matches "
                                     "transformers token for token; runs on a GPU. Experimental (ONNX int8): 8-bit "
                                     "weights; may change greedy answers (it flips near-ties, the dotted tokens)."))
        self.engine_status = MutedLabel("", objectName="engineStatusLabel")  # the fast engine's build: chat_engines
        self.system_button = QPushButton(translate("ChatLayout", "System prompt"), objectName="systemPromptButton", checkable=True)
        self.system_button.setToolTip(translate("ChatLayout", "Show the system prompt: instructions placed before the conversation"))
        self.tokens_toggle = QPushButton(translate("ChatLayout", "Tokens"), objectName="chatTokensToggle", checkable=True)
        self.tokens_toggle.setToolTip(translate("ChatLayout", "Show the conversation as the model reads it, split into its tokens (chat "
                                      "template and system prompt included); hover a token for its id"))
        self.compare_button = QPushButton(translate("ChatLayout", "Compare…"), objectName="compareButton")
        self.compare_button.setToolTip(translate("ChatLayout", "Answer one prompt under 2–4 sampling settings side by side"))
        self.open_button = QPushButton(translate("ChatLayout", "Open…"), objectName="openChatButton")
        self.save_button = QPushButton(translate("ChatLayout", "Save…"), objectName="saveChatButton")
        self.export_button = QPushButton(translate("ChatLayout", "Export…"), objectName="exportMarkdownButton")
        self.export_button.setToolTip(translate("ChatLayout", "Export the conversation as a Markdown file"))
        self.open_button.setToolTip(translate("ChatLayout", "Open a saved conversation (JSON)"))
        self.save_button.setToolTip(translate("ChatLayout", "Save the conversation with its settings and token probabilities (JSON)"))
        self.clear_button = QPushButton(translate("ChatLayout", "Clear"), objectName="clearChatButton")
        self.clear_button.setToolTip(translate("ChatLayout", "Start a new conversation"))
        groups = []
        for widgets in ((QLabel(translate("ChatLayout", "Mode")), self.mode_combo), (QLabel(translate("ChatLayout", "Engine")), self.engine_combo, self.engine_status)):
            layout = row(*widgets)
            layout.setContentsMargins(0, 0, 0, 0)
            group = QWidget()
            group.setLayout(layout)
            groups.append(group)
        buttons = [self.system_button, self.tokens_toggle, self.compare_button, self.open_button, self.save_button, self.export_button,
                   self.clear_button]
        # Zoomed in, the bar wraps to a second line instead of widening the window.
        return FlowBar([*groups, *buttons], right_from=4)

    def _build_conversation(self) -> QWidget:
        self.system_prompt_edit = QPlainTextEdit(objectName="systemPromptEdit")
        self.system_prompt_edit.setPlaceholderText(translate("ChatLayout", "System prompt (optional). Empty: the model's own default, "
                                                   "if it has one."))
        self.system_prompt_edit.setMaximumHeight(self.tab.fontMetrics().lineSpacing() * 4)
        self.system_prompt_edit.hide()
        self.notice = QLabel("", objectName="chatNoticeLabel", wordWrap=True)
        self.notice.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.notice.hide()
        self.view = ChatView(self.tab)
        self.edit_banner = QLabel("", objectName="editBanner", wordWrap=True)
        self.edit_banner.hide()
        self.input = ChatInput(self.tab)
        self.send_button = QPushButton(translate("ChatLayout", "Send"), objectName="sendButton")
        self.stop_button = QPushButton(translate("ChatLayout", "Stop"), objectName="stopButton")
        self.stop_button.setToolTip(translate("ChatLayout", "Stop the reply (Esc); the text so far is kept"))
        self.regenerate_button = QPushButton(translate("ChatLayout", "Regenerate"), objectName="regenerateButton")
        self.regenerate_button.setToolTip(translate("ChatLayout", "Answer the last message again (a new sample unless the seed is fixed)"))
        buttons = QVBoxLayout()
        for button in (self.send_button, self.stop_button, self.regenerate_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.input_token_count = MutedLabel("", objectName="chatInputTokenCount")
        self.input_token_count.setToolTip(translate("ChatLayout", "Tokens in what you are typing, by this model's tokenizer (the chat "
                                          "template adds a few around each message)"))
        buttons.addWidget(self.input_token_count, 0, Qt.AlignRight)
        input_row = QHBoxLayout()
        input_row.addWidget(self.input, 1)
        input_row.addLayout(buttons)
        self.stats = QLabel("", objectName="chatStatsLabel", wordWrap=True)  # long at a large zoom
        self.stats.setToolTip(translate("ChatLayout", "Decode speed, time to the first token and the engine of the last reply, why it ended, and its near-ties. {NEAR_TIE_LEGEND}").format(NEAR_TIE_LEGEND=translate("Tokens", NEAR_TIE_LEGEND)))
        self.context_meter = QProgressBar(objectName="contextMeter")
        self.context_meter.setFormat(translate("ChatLayout", "context %v / %m tokens"))
        self.context_meter.setRange(0, 1)
        self.context_meter.setValue(0)
        self.context_meter.setToolTip(translate("ChatLayout", "Tokens the conversation uses of the model's context window"))
        stats_row = QHBoxLayout()
        stats_row.addWidget(self.stats, 1)
        stats_row.addWidget(self.context_meter)
        left = QWidget()
        column = QVBoxLayout(left)
        column.addLayout(self._build_top_bar())
        self.why_panel = WhyTokenPanel(self.tab)
        self.why_splitter = QSplitter(Qt.Vertical, objectName="chatWhySplitter")  # the panel opens below the chat
        self.why_splitter.addWidget(self.view)
        self.why_splitter.addWidget(self.why_panel)
        self.why_splitter.setStretchFactor(0, 1)
        self.why_splitter.setStretchFactor(1, 2)
        self.why_splitter.setChildrenCollapsible(False)
        self.branch_bar = BranchBar(self.tab)
        for widget, stretch in ((self.system_prompt_edit, 0), (self.notice, 0), (self.why_splitter, 1),
                                (self.branch_bar, 0), (self.edit_banner, 0)):
            column.addWidget(widget, stretch)
        column.addLayout(input_row)
        column.addLayout(stats_row)
        return left

    def _build_side_panel(self) -> QWidget:
        self.sampling = SamplingPanel(self.tab, columns=2)
        self.chart = TokenDistributionChart(self.tab)
        self.inspector = TokenInspector(self.chart, self.sampling.settings, self.tab)
        self.why_button = QPushButton(translate("ChatLayout", "Why this token?"), objectName="whyTokenButton")
        self.why_button.setToolTip(translate("ChatLayout", "What the model looked at to write the token charted here, and what each "
                                   "layer would have written (also: right-click a token)"))
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        for title, widget, stretch in ((translate("ChatLayout", "Sampling"), self.sampling, 0), (translate("ChatLayout", "Next-token distribution"), self.chart, 1)):
            group = QGroupBox(title)
            QVBoxLayout(group).addWidget(widget)
            side_layout.addWidget(group, stretch)
        group.layout().addWidget(self.why_button, 0, Qt.AlignLeft)
        self.side_scroll = QScrollArea()
        self.side_scroll.setWidget(side)
        self.side_scroll.setWidgetResizable(True)
        self.side_scroll.setFrameShape(QScrollArea.NoFrame)
        self.side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.fit_to_font()
        return self.side_scroll

    def enable_buttons(self, *, busy: bool, any_messages: bool, any_user: bool) -> None:
        """While a reply streams only Stop works; Regenerate needs a message of yours, Save and Export any."""
        self.send_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)
        self.regenerate_button.setEnabled(not busy and any_user)
        for widget in (self.clear_button, self.open_button, self.mode_combo, self.engine_combo):
            widget.setEnabled(not busy)
        self.save_button.setEnabled(not busy and any_messages)
        self.export_button.setEnabled(not busy and any_messages)

    def show_edit_banner(self, index: int | None) -> None:
        """The banner above the input while user message `index` is being edited (None: hidden)."""
        if index is not None:
            self.edit_banner.setText(translate("ChatLayout", "✎ Editing message {n0}: Send replaces it and everything after it. Esc cancels.").format(n0=index + 1))
        self.edit_banner.setVisible(index is not None)

    def restore_settings(self) -> None:
        """The sampling settings and system prompt of the last session."""
        from playground.ui.chat.files import restore_chat_settings

        sampling, system_prompt = restore_chat_settings()
        self.sampling.set_values(sampling)
        self.system_prompt_edit.setPlainText(system_prompt)
        self.system_button.setChecked(bool(system_prompt.strip()))

    def save_settings(self) -> None:
        from playground.ui.chat.files import save_chat_settings

        save_chat_settings(self.sampling.values(), self.system_prompt_edit.toPlainText())

    def fit_to_font(self) -> None:
        """Widths that depend on the font, so nothing is clipped at any zoom."""
        metrics = self.tab.fontMetrics()
        self.context_meter.setMinimumWidth(metrics.horizontalAdvance("context 88888 / 88888 tokens") + 24)
        self.engine_status.setMinimumWidth(metrics.horizontalAdvance("preparing int8 100%") + 8)
        side = self.side_scroll.widget()
        self.side_scroll.setMinimumWidth(side.minimumSizeHint().width() + self.tab.style().pixelMetric(
            self.tab.style().PixelMetric.PM_ScrollBarExtent))
