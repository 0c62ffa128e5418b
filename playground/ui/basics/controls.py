"""The network and training controls both Basics pages share (each page has its own, named by prefix)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QLabel, QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from playground.core.basics.mlp import (ACTIVATIONS, MAX_HIDDEN_LAYERS, OPTIMIZER_LABELS, OPTIMIZERS, MLPSpec,
                                        TrainSettings)
from playground.ui.widgets.spinboxes import SciSpinBox
from playground.ui.i18n import translate

PENALTY_FORMULA = QT_TRANSLATE_NOOP("NetworkControls", "loss = cross-entropy + λ₁·Σ|w| + λ₂·Σw²")
# the optimizers' names in the Basics pages: Momentum is translated, the others are names
OPTIMIZER_NAMES = {"momentum": QT_TRANSLATE_NOOP("NetworkControls", "Momentum")}


def optimizer_label(name: str) -> str:
    """The optimizer `name` ("sgd", "momentum"…) as the Basics pages show it."""
    return translate("NetworkControls", OPTIMIZER_NAMES[name]) if name in OPTIMIZER_NAMES else OPTIMIZER_LABELS[name]


def _spin(name: str, lo: int, hi: int, value: int, tip: str) -> QSpinBox:
    spin = QSpinBox(objectName=name, minimum=lo, maximum=hi, value=value)
    spin.setKeyboardTracking(False)
    spin.setToolTip(tip)
    return spin


def _double(name: str, lo: float, hi: float, value: float, step: float, decimals: int, tip: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox(objectName=name, minimum=lo, maximum=hi, value=value, singleStep=step, decimals=decimals)
    spin.setKeyboardTracking(False)
    spin.setToolTip(tip)
    return spin


class NetworkControls(QWidget):
    """Hidden layers, neurons, activation, dropout, batch norm, residual; optimizer, learning rate, batch,
    L1/L2, seed, epochs. `settings(inputs, classes)` reads them; `changed` fires on any edit."""

    changed = Signal()

    def __init__(self, prefix: str, defaults: TrainSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        p = prefix
        m = defaults.mlp
        self.layers = _spin(f"{p}LayersSpin", 0, MAX_HIDDEN_LAYERS, m.hidden_layers,
                            translate("NetworkControls", "Hidden layers between the input and the output (0: a linear classifier)"))
        self.neurons = _spin(f"{p}NeuronsSpin", 0, 512, m.neurons, translate("NetworkControls", "Neurons in each hidden layer"))
        self.activation = QComboBox(objectName=f"{p}ActivationCombo")
        self.activation.addItems([a if a != "gelu" else "GELU" for a in ACTIVATIONS])
        self.activation.setItemText(0, "ReLU")
        self.dropout = _double(f"{p}DropoutSpin", 0.0, 0.95, m.dropout, 0.1, 2,
                               translate("NetworkControls", "Share of hidden outputs zeroed at random while training (none at test time)"))
        self.batch_norm = QCheckBox(translate("NetworkControls", "Batch normalization"), objectName=f"{p}BatchNormCheck")
        self.batch_norm.setToolTip(translate("NetworkControls", "Normalize each hidden layer's inputs over the batch, before the activation"))
        self.residual = QCheckBox(translate("NetworkControls", "Residual connections"), objectName=f"{p}ResidualCheck")
        self.residual.setToolTip(translate("NetworkControls", "h + layer(h) wherever a layer's input and output widths match"))
        self.optimizer = QComboBox(objectName=f"{p}OptimizerCombo")
        for name in OPTIMIZERS:
            self.optimizer.addItem(optimizer_label(name), name)
        self.optimizer.setToolTip(translate("NetworkControls", "SGD: w -= lr·g · Momentum: a running velocity (0.9) · AdaGrad: lr shrinks "
                                            "per weight with its summed g² · RMSprop: divides by a running RMS of "
                                            "g · Adam: momentum and RMS, bias-corrected"))
        self.lr = SciSpinBox(defaults.lr, 0.0, 10.0, objectName=f"{p}LearningRateSpin")
        self.lr.setToolTip(translate("NetworkControls", "Learning rate: the step size (arrows halve or double it)"))
        self.batch = _spin(f"{p}BatchSizeSpin", 1, 4096, defaults.batch_size, translate("NetworkControls", "Examples per optimizer step"))
        self.l1 = _double(f"{p}L1Spin", 0.0, 1.0, defaults.l1, 0.0001, 5, translate("NetworkControls", "λ₁: pushes weights to exactly zero"))
        self.l2 = _double(f"{p}L2Spin", 0.0, 1.0, defaults.l2, 0.0001, 5, translate("NetworkControls", "λ₂: shrinks every weight (weight decay)"))
        self.seed = _spin(f"{p}SeedSpin", 0, 2**31 - 1, defaults.seed, translate("NetworkControls", "Initial weights and batch order"))
        self.epochs = _spin(f"{p}EpochsSpin", 0, 100_000, defaults.epochs, translate("NetworkControls", "Stop after this many epochs (0: never)"))
        self.epochs.setSpecialValueText(translate("NetworkControls", "no limit"))
        self.set_settings(defaults)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        net = QGroupBox(translate("NetworkControls", "Network"))
        form = QFormLayout(net)
        form.addRow(translate("NetworkControls", "Hidden layers"), self.layers)
        form.addRow(translate("NetworkControls", "Neurons per layer"), self.neurons)
        form.addRow(translate("NetworkControls", "Activation"), self.activation)
        form.addRow(translate("NetworkControls", "Dropout"), self.dropout)
        form.addRow(self.batch_norm)
        form.addRow(self.residual)
        train = QGroupBox(translate("NetworkControls", "Training"))
        form = QFormLayout(train)
        form.addRow(translate("NetworkControls", "Optimizer"), self.optimizer)
        form.addRow(translate("NetworkControls", "Learning rate"), self.lr)
        form.addRow(translate("NetworkControls", "Batch size"), self.batch)
        form.addRow("L1 (λ₁)", self.l1)
        form.addRow("L2 (λ₂)", self.l2)
        formula = QLabel(translate("NetworkControls", PENALTY_FORMULA), objectName=f"{p}PenaltyFormula")
        formula.setWordWrap(True)
        form.addRow(formula)
        form.addRow(translate("NetworkControls", "Seed"), self.seed)
        form.addRow(translate("NetworkControls", "Epochs"), self.epochs)
        layout.addWidget(net)
        layout.addWidget(train)
        for spin in (self.layers, self.neurons, self.batch, self.seed, self.epochs):
            spin.valueChanged.connect(self.changed)
        for spin in (self.dropout, self.lr, self.l1, self.l2):
            spin.valueChanged.connect(self.changed)
        for combo in (self.activation, self.optimizer):
            combo.currentIndexChanged.connect(self.changed)
        for check in (self.batch_norm, self.residual):
            check.toggled.connect(self.changed)

    def set_settings(self, s: TrainSettings) -> None:
        """Show these settings (one `changed` at the end, not one per control)."""
        self.blockSignals(True)
        m = s.mlp
        self.layers.setValue(m.hidden_layers)
        self.neurons.setValue(m.neurons)
        self.activation.setCurrentIndex(ACTIVATIONS.index(m.activation))
        self.dropout.setValue(m.dropout)
        self.batch_norm.setChecked(m.batch_norm)
        self.residual.setChecked(m.residual)
        self.optimizer.setCurrentIndex(OPTIMIZERS.index(s.optimizer))
        self.lr.setValue(s.lr)
        self.batch.setValue(s.batch_size)
        self.l1.setValue(s.l1)
        self.l2.setValue(s.l2)
        self.seed.setValue(s.seed)
        self.epochs.setValue(s.epochs)
        self.blockSignals(False)
        self.changed.emit()

    def settings(self, inputs: int, classes: int) -> TrainSettings:
        """What the controls say (not checked: core.basics.mlp.check names a bad control)."""
        mlp = MLPSpec(inputs, classes, self.layers.value(), self.neurons.value(),
                      ACTIVATIONS[self.activation.currentIndex()], self.dropout.value(),
                      self.batch_norm.isChecked(), self.residual.isChecked())
        return TrainSettings(mlp, self.optimizer.currentData(), self.lr.value(), self.batch.value(),
                             self.l1.value(), self.l2.value(), self.seed.value(), self.epochs.value())


def controls_column(widgets, scroll_name: str):
    """A page's left column: `widgets` stacked in a scroll area (never scrolling sideways) over room the page
    fills with its buttons and message. Returns (column, its layout, the scroll area, the scrolled widget)."""
    side = QWidget()
    side_layout = QVBoxLayout(side)
    for widget in widgets:
        side_layout.addWidget(widget)
    side_layout.addStretch(1)
    scroll = QScrollArea(objectName=scroll_name, widgetResizable=True)
    scroll.setWidget(side)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(scroll, 1)
    return column, layout, scroll, side
