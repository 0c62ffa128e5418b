"""The numbers of one model: parameters by part, weight memory, FLOPs, KV cache, training cost.

All arithmetic is in `playground.core.models.sizing`; this panel lays it out with the formulas.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QGridLayout, QGroupBox, QLabel,
                               QPushButton, QSpinBox, QTextBrowser, QVBoxLayout, QWidget)

from playground.core import format as fmt
from playground.ui.i18n import core_text, duration, translate


@dataclass(frozen=True)
class Subject:
    """What the panel describes: a spec with formulas, or only a measured count (other families)."""

    title: str
    spec: object | None  # core.models.spec.ModelSpec
    n_params: int
    breakdown: object | None = None  # core.architecture.ParamBreakdown (formulas or measured)
    verified: int | None = None  # sum(p.numel()) of the instantiated model, when known


def _share(part: int, total: int) -> str:
    if not total:
        return ""
    pct = 100 * part / total
    return "0 %" if part == 0 else (f"{pct:.1f} %" if pct >= 1 else f"{pct:.2g} %")


class TokenSpin(QDoubleSpinBox):
    """A token count shown as "2.69B" / "500M"; accepts the same (or plain numbers) when typed."""

    SUFFIXES = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        return fmt.count(value)

    def valueFromText(self, text: str) -> float:  # noqa: N802
        text = text.strip().upper().replace(",", "")
        factor = self.SUFFIXES.get(text[-1:], 1.0)
        try:
            return float(text.rstrip("KMBT") or 0) * factor
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        from PySide6.QtGui import QValidator

        stripped = text.strip().upper().replace(",", "").rstrip("KMBT")
        try:
            float(stripped or "0")
        except ValueError:
            return QValidator.Invalid, text, pos
        return QValidator.Acceptable, text, pos


class StatsPanel(QWidget):
    flops_edited = Signal(float)  # FLOP/s typed by the user
    measure_requested = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._subject: Subject | None = None
        self._flops_note = translate("StatsPanel", "not measured yet")
        self.view = QTextBrowser(objectName=f"{name}Text")
        self.view.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self._build_inputs(name))

    def _build_inputs(self, name: str) -> QGroupBox:
        """Its fields are named after the panel ("modelSummaryFlopsSpin"): the tab has two of these panels."""
        box = QGroupBox(translate("StatsPanel", "Training assumptions"))
        grid = QGridLayout(box)
        self.flops_spin = QDoubleSpinBox(objectName=f"{name}FlopsSpin", decimals=1, minimum=0.1, maximum=1e7)
        self.flops_spin.setSuffix(" GFLOP/s")
        self.flops_spin.setValue(50.0)
        self.flops_spin.setToolTip(translate("StatsPanel", "Matrix-multiply speed of this machine (measured; type your own, e.g. a GPU's)"))
        self.flops_spin.valueChanged.connect(self._on_flops_spin_value_changed)
        self.measure_button = QPushButton(translate("StatsPanel", "Measure"), objectName=f"{name}MeasureButton")
        self.measure_button.setToolTip(translate("StatsPanel", "Time a few 1024×1024 matrix multiplies on this device (about a second)"))
        self.measure_button.clicked.connect(self.measure_requested)
        self.tokens_spin = TokenSpin(objectName=f"{name}TokensSpin", decimals=0, minimum=1e3, maximum=1e15)
        self.tokens_spin.setToolTip(translate("StatsPanel", "Training tokens D: type 2.7B, 500M, …"))
        self.tokens_spin.valueChanged.connect(self._on_tokens_spin_value_changed)
        self.optimal_check = QCheckBox(translate("StatsPanel", "compute-optimal (20·N)"), objectName=f"{name}OptimalCheck", checked=True)
        self.optimal_check.toggled.connect(self.refresh)
        self.batch_spin = QSpinBox(objectName=f"{name}BatchSpin", minimum=1, maximum=4096, value=8)
        self.seq_spin = QSpinBox(objectName=f"{name}SeqLenSpin", minimum=1, maximum=1_048_576, value=1024)
        self.precision_combo = QComboBox(objectName=f"{name}PrecisionCombo")
        self.precision_combo.addItems([translate("StatsPanel", "mixed bf16"), "fp32"])
        for widget in (self.batch_spin, self.seq_spin):
            widget.valueChanged.connect(self.refresh)
        self.precision_combo.currentIndexChanged.connect(self.refresh)
        grid.addWidget(QLabel(translate("StatsPanel", "Speed")), 0, 0)
        grid.addWidget(self.flops_spin, 0, 1)
        grid.addWidget(self.measure_button, 0, 2)
        grid.addWidget(QLabel(translate("StatsPanel", "Training tokens D")), 1, 0)
        grid.addWidget(self.tokens_spin, 1, 1)
        grid.addWidget(self.optimal_check, 1, 2)
        grid.addWidget(QLabel(translate("StatsPanel", "Batch B × length T")), 2, 0)
        grid.addWidget(self.batch_spin, 2, 1)
        grid.addWidget(self.seq_spin, 2, 2)
        grid.addWidget(QLabel(translate("StatsPanel", "Precision")), 3, 0)
        grid.addWidget(self.precision_combo, 3, 1)
        return box

    # ------------------------------------------------------------------ inputs
    def set_subject(self, subject: Subject | None) -> None:
        self._subject = subject
        if subject is not None and subject.spec is not None:
            self.seq_spin.blockSignals(True)
            self.seq_spin.setValue(min(subject.spec.context_length, 1024))
            self.seq_spin.blockSignals(False)
        self.refresh()

    def set_flops(self, flops_per_second: float, note: str) -> None:
        self._flops_note = note
        self.flops_spin.blockSignals(True)
        self.flops_spin.setValue(flops_per_second / 1e9)
        self.flops_spin.blockSignals(False)
        self.refresh()

    def flops(self) -> float:
        return self.flops_spin.value() * 1e9

    @Slot(float)
    def _on_flops_spin_value_changed(self, value: float) -> None:
        self._flops_note = translate("StatsPanel", "typed in")
        self.flops_edited.emit(value * 1e9)
        self.refresh()

    @Slot(float)
    def _on_tokens_spin_value_changed(self, _value: float) -> None:
        if self.optimal_check.isChecked() and self.sender() is self.tokens_spin and self.tokens_spin.hasFocus():
            self.optimal_check.setChecked(False)
        self.refresh()

    def subject(self) -> Subject | None:
        return self._subject

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.PaletteChange:  # dark/light theme: re-render the muted colours
            self.refresh()

    def text(self) -> str:
        return self.view.toPlainText()

    # ------------------------------------------------------------------ rendering
    @Slot()
    def refresh(self) -> None:
        s = self._subject
        if s is None:
            self.view.setHtml(translate("StatsPanel", "<p>No model yet. Load one from the toolbar, or pick a preset.</p>"))
            return
        if self.optimal_check.isChecked():
            self.tokens_spin.blockSignals(True)
            self.tokens_spin.setValue(20.0 * s.n_params)
            self.tokens_spin.blockSignals(False)
        scroll = self.view.verticalScrollBar().value()
        self.view.setHtml(self._html(s))
        self.view.verticalScrollBar().setValue(scroll)

    def _muted(self) -> str:
        return self.palette().color(QPalette.PlaceholderText).name()

    def _html(self, s: Subject) -> str:
        from playground.core.models import sizing as arch

        muted = self._muted()
        html = [f"<h3 style='margin-bottom:2px'>{s.title}</h3>"]
        html.append(self._params_html(s, muted))
        html.append(self._memory_html(s.n_params, muted))
        if s.spec is not None:
            stats = arch.model_stats(s.spec)
            html.append(self._compute_html(stats, muted))
            html.append(self._kv_html(stats, muted))
        html.append(self._training_html(s, muted))
        return "".join(html)

    def _params_html(self, s: Subject, muted: str) -> str:
        rows = []
        b = s.breakdown
        for part in (b.parts if b is not None else ()):
            total = part.count * (b.num_layers if part.per_layer else 1)
            share = _share(total, s.n_params)
            formula = part_formula(part.formula) + (
                f"<br><span style='color:{muted}'>= {part.numbers}</span>" if part.numbers else "")
            count = (f"{fmt.exact(part.count)} × {b.num_layers}<br>= {fmt.exact(total)}" if part.per_layer
                     else fmt.exact(total))
            rows.append(f"<tr><td>{core_text(part.label)}</td><td>{formula}</td><td align='right'>{count}</td>"
                        f"<td align='right'>{share}</td></tr>")
        check = ""
        if s.verified is not None:
            ok = s.verified == s.n_params
            check = (f"<p style='color:{'#2e9d4f' if ok else '#d35400'}'>"
                     + (translate("StatsPanel", "✓ equals sum(p.numel()) of the instantiated model") if ok else
                        translate("StatsPanel", "✗ the instantiated model has {n}").format(n=fmt.exact(s.verified)))
                     + "</p>")
        family = "" if s.spec is None else translate(
            "StatsPanel", "  (symbols: V vocabulary, d width, L layers, h heads, h_kv key/value heads, d_h head "
            "width, f MLP width, P context)")
        heading = translate("StatsPanel", "Parameters N = {exact} ({short})").format(
            exact=fmt.exact(s.n_params), short=fmt.count(s.n_params))
        tied = translate("StatsPanel", "Tied weights count once.")
        part, formula = translate("StatsPanel", "Part"), translate("StatsPanel", "Formula")
        count, share = translate("StatsPanel", "Count"), translate("StatsPanel", "Share")
        return (f"<h4>{heading}</h4>{check}<p style='color:{muted}'>{tied}{family}</p>"
                "<table cellspacing='0' cellpadding='3' width='100%'>"
                f"<tr><th align='left'>{part}</th><th align='left'>{formula}</th><th align='right'>{count}</th>"
                f"<th align='right'>{share}</th></tr>{''.join(rows)}</table>")

    @staticmethod
    def _memory_html(n: int, muted: str) -> str:
        from playground.core.models.sizing import BYTES_PER_PARAM

        cells = "".join(f"<td align='center'><b>{fmt.nbytes(n * b)}</b><br>"
                        f"<span style='color:{muted}'>{name} · {b:g} B</span></td>"
                        for name, b in BYTES_PER_PARAM.items())
        heading = translate("StatsPanel", "Weights in memory = N × bytes per parameter")
        return (f"<h4>{heading}</h4>"
                f"<table width='100%'><tr>{cells}</tr></table><p style='color:{muted}'>"
                + translate("StatsPanel", "int4 needs a little more for its scales (~4.5 bits per weight in GGUF Q4).")
                + "</p>")

    @staticmethod
    def _compute_html(stats, muted: str) -> str:
        spec = stats.spec
        attention = stats.flops_per_token - stats.flops_per_token_dense
        heading = translate("StatsPanel", "Compute per token ≈ 2·N + 2·L·T·h·d_h = {flops}").format(
            flops=fmt.flops(stats.flops_per_token))
        body = translate(
            "StatsPanel", "2·N = {dense} (N without the embedding lookup, with the LM head) + attention at the "
            "full context T = {context}: 2 × {layers} × {context} × {heads} × {head_size} = {attention}.").format(
            dense=fmt.flops(stats.flops_per_token_dense), context=f"{spec.context_length:,}", layers=spec.n_layer,
            heads=spec.n_head, head_size=spec.head_size, attention=fmt.flops(attention))
        note = translate("StatsPanel", "That is one forward pass; training adds the backward pass (2×), so ≈ 6·N "
                         "per token.")
        return f"<h4>{heading}</h4><p>{body}<br><span style='color:{muted}'>{note}</span></p>"

    @staticmethod
    def _kv_html(stats, muted: str) -> str:
        spec = stats.spec
        gqa = ""
        if spec.kv_heads != spec.n_head:
            gqa = f"<br><span style='color:{muted}'>" + translate(
                "StatsPanel", "Grouped-query attention: {heads} query heads share {kv_heads} key/value heads, so the "
                "cache is {ratio}× smaller than with one K/V per head.").format(
                heads=spec.n_head, kv_heads=spec.kv_heads, ratio=spec.n_head // spec.kv_heads) + "</span>"
        heading = translate("StatsPanel", "KV cache = 2·L·h_kv·d_h × 2 bytes (bf16)")
        body = translate(
            "StatsPanel", "2 × {layers} × {kv_heads} × {head_size} × 2 = <b>{per_token} per token</b>; at the full "
            "context of {context} tokens: <b>{full}</b> per sequence.").format(
            layers=spec.n_layer, kv_heads=spec.kv_heads, head_size=spec.head_size,
            per_token=fmt.nbytes(stats.kv_bytes_per_token), context=f"{spec.context_length:,}",
            full=fmt.nbytes(stats.kv_bytes_full_context))
        return f"<h4>{heading}</h4><p>{body}{gqa}</p>"

    def _training_html(self, s: Subject, muted: str) -> str:
        from playground.core.models import sizing as arch

        n, tokens = s.n_params, self.tokens_spin.value()
        seconds = arch.training_seconds(n, tokens, self.flops())
        source = translate("StatsPanel", "(Chinchilla, Hoffmann et al. 2022)")
        source = f"<span style='color:{muted}'>{source}</span>"
        optimal = translate("StatsPanel", "Compute-optimal data ≈ 20·N = <b>{tokens} tokens</b> {source}.").format(
            tokens=fmt.count(20 * n), source=source)
        caveat = translate("StatsPanel", "(speed {how}; real training reaches maybe 30–50 % of a plain matmul, so "
                           "expect 2–3× longer)").format(how=self._flops_note)
        time_line = translate("StatsPanel", "Time ≈ 6·N·D / FLOP/s = 6 × {n} × {d} / {flops}/s = <b>{duration}</b> "
                              "{caveat}.").format(
            n=fmt.count(n), d=fmt.count(tokens), flops=fmt.flops(self.flops()), duration=duration(seconds),
            caveat=f"<span style='color:{muted}'>{caveat}</span>")
        heading = translate("StatsPanel", "Training")
        html = [f"<h4>{heading}</h4><p>{optimal}<br>{time_line}</p>"]
        if s.spec is not None:
            mem = arch.training_memory(s.spec, batch_size=self.batch_spin.value(), seq_len=self.seq_spin.value(),
                                       bf16=self.precision_combo.currentIndex() == 0, n_params=n)
            activations = translate("StatsPanel", "Activations (B = {batch}, T = {length})").format(
                batch=self.batch_spin.value(), length=f"{self.seq_spin.value():,}")
            rows = [(translate("StatsPanel", "Weights (fp32)"), mem.weights),
                    (translate("StatsPanel", "Gradients"), mem.gradients),
                    (translate("StatsPanel", "AdamW states (m, v)"), mem.optimizer), (activations, mem.activations)]
            cells = "".join(f"<tr><td>{name}</td><td align='right'>{fmt.nbytes(v)}</td></tr>" for name, v in rows)
            formula = translate("StatsPanel", "Memory = weights + gradients + optimizer states + activations")
            how = translate("StatsPanel", "(4 + 4 + 8 bytes per parameter; activations ≈ L·B·T·(34·d + 5·h·T) bytes in "
                            "16-bit, twice that in fp32, + the fp32 logits B·T·V·4; the Training tab's estimate is "
                            "the same formula)")
            total = translate("StatsPanel", "Total")
            html.append(f"<p>{formula} <span style='color:{muted}'>{how}</span></p>"
                        f"<table cellpadding='2'>{cells}<tr><td><b>{total}</b></td>"
                        f"<td align='right'><b>{fmt.nbytes(mem.total)}</b></td></tr></table>")
        return "".join(html)


def part_formula(formula: str) -> str:
    """A breakdown formula in the UI's language: the core marks its words ("0 (tied: …)", "+ biases")."""
    from playground.core.models.sizing import BIASES

    return core_text(formula).replace(BIASES, core_text(BIASES))
