"""The Show-me actions: one function per demo name a lesson or a scene can ask for.

Each takes the main window and the demo's `args` (a dict from the lesson's JSON) and drives the tabs'
public methods; it returns a short line for the Learn panel's status. A demo that needs the model waits for
it ("Loading the model…") and runs once it is there. A wrong argument raises DemoError, which the caller
shows with the lesson's file name.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, QTimer

from playground.ui.i18n import translate

DEFAULT_SEED = 1234  # scenes sample with a fixed seed, so a rehearsed demo replays token for token


class DemoError(ValueError):
    pass


def _arg(args: dict, name: str, kind: type | tuple, default=None):
    value = args.get(name, default)
    if value is None or (kind is not None and not isinstance(value, kind)) or isinstance(value, bool) and kind is int:
        raise DemoError(translate("Demos", '"{name}" should be {kind}, not {value}').format(
            name=name, kind=getattr(kind, "__name__", kind), value=repr(value)))
    return value


def _when_model_ready(window, run: Callable[[], str]) -> str:
    """Run `run` now if a model is loaded and idle, else once the next model arrives."""
    controller = window.controller
    if controller.session is not None and not controller.busy:
        return run()

    def once(_info) -> None:
        controller.model_changed.disconnect(once)
        QTimer.singleShot(0, window, lambda: window.learn_panel.show_status(run()))

    controller.model_changed.connect(once)
    if controller.session is None and not controller.busy:
        window._load_initial_model()
    return translate("Demos", "Loading the model… the demo starts as soon as it is ready.")


# ---------------------------------------------------------------------- Architecture
def config_compare(window, args: dict) -> str:
    from playground.core.models.presets import PRESETS

    names = _arg(args, "presets", list)
    unknown = [n for n in names if n not in PRESETS]
    if unknown or not names:
        raise DemoError(translate("Demos", "unknown config builder preset(s) {unknown}; known: {known}").format(
            unknown=unknown, known=list(PRESETS)))
    window.show_tab("architectureTab")
    window.architecture_tab.show_page("builder")
    window.architecture_tab.builder.compare_presets(names)
    return translate("Demos", "Config builder: %1 side by side.").replace("%1", " vs ".join(names))


def compute_estimate(window, args: dict) -> str:
    from playground.core.models.presets import PRESETS

    name = _arg(args, "preset", str, "GPT-2 small (124M)")
    if name not in PRESETS:
        raise DemoError(translate("Demos", "unknown config builder preset {name}").format(name=repr(name)))
    window.show_tab("architectureTab")
    window.architecture_tab.show_page("builder")
    window.architecture_tab.builder.apply_preset(name)
    return translate("Demos", "Time ≈ 6·N·D / FLOP/s for %1, with this machine's measured FLOP/s (bottom right).").replace("%1", name)


def attention(window, args: dict) -> str:
    text = _arg(args, "text", str, "The cat sat on the mat because it was tired.")
    tab = window.architecture_tab
    window.show_tab("architectureTab")
    tab.show_page("attention")
    tab.set_attention_text(text)

    def run() -> str:
        tab.run_attention()
        return translate("Demos", "Attention: every head of the model on one sentence. Click a head, then a token.")

    return _when_model_ready(window, run)


# ---------------------------------------------------------------------- Training
def _training(window):
    window.show_tab("trainingTab")
    tab = window.training_tab
    if tab.is_training:
        raise DemoError(translate("Demos", "a training run is already going: stop it first (Training tab, Stop)"))
    return tab


def _preset(key: str) -> None:
    from playground.core.training.presets import PRESETS

    if key not in PRESETS and key != "race":
        raise DemoError(translate("Demos", "unknown training preset {name}; known: {known}").format(
            name=repr(key), known=[*PRESETS, "race"]))


def _run_mode(run_dir: Path) -> str:
    """"scratch", "full" or "lora" from a run's config.json (a few hundred bytes)."""
    try:
        return json.loads((run_dir / "config.json").read_text(encoding="utf-8")).get("finetune", {}).get("mode",
                                                                                                        "scratch")
    except (OSError, ValueError, AttributeError):
        return ""


def pretrain_vs_finetune(window, args: dict) -> str:
    presets = _arg(args, "presets", list, ["char-gpt", "lora-smollm2"])
    if len(presets) != 2:
        raise DemoError(translate("Demos", '"presets" should name two training presets: from scratch, then fine-tuning'))
    scratch, finetune = presets
    for key in (scratch, finetune):
        _preset(key)
    tab = _training(window)
    tab.apply_preset(scratch)
    newest: dict[str, Path] = {}
    for i in range(tab.runs.list.count()):
        path = tab.runs.list.item(i).data(Qt.UserRole)
        mode = _run_mode(Path(path)) if path else ""
        if mode in ("scratch", "lora") and mode not in newest:  # the list is newest first
            newest[mode] = Path(path)
    if len(newest) == 2:
        tab.runs.select_runs([newest["scratch"], newest["lora"]])
        return translate("Demos", "Runs list: your newest from-scratch run and LoRA fine-tune, overlaid.")
    missing = [k for k in ("scratch", "lora") if k not in newest]
    return (translate("Demos", "No %1 run yet: start this preset, then the “%2” preset; Show me again overlays the two.")
            .replace("%1", " / ".join(missing)).replace("%2", finetune))


def training_loop(window, args: dict) -> str:
    key = _arg(args, "preset", str, "char-gpt")
    _preset(key)
    tab = _training(window)
    tab.apply_preset(key)
    steps = _arg(args, "steps", int, 300)
    tab.set_config(tab.panel.config().replace(max_steps=steps))
    window.learn_panel.stages.follow(tab)
    tab.start_button.click()
    return translate("Demos", "Training: each stage is named below as it happens.")


def optimizer_race(window, args: dict) -> str:
    tab = _training(window)
    tab.apply_preset("race")
    tab.start_button.click()
    return translate("Demos", "Optimizer race: SGD, Momentum, RMSprop and Adam, one after another, overlaid.")


def regularization(window, args: dict) -> str:
    from playground.core.training.presets import preset_config

    steps = _arg(args, "steps", int, 300)
    dropout = float(_arg(args, "dropout", (int, float), 0.2))
    decay = float(_arg(args, "weight_decay", (int, float), 0.1))
    tab = _training(window)
    tab.apply_preset("char-gpt")
    base = preset_config("char-gpt").replace(max_steps=steps, checkpoint_every=0, sample_every=steps)
    without = base.replace(name="without-regularization", model=replace(base.model, dropout=0.0),
                           optim=replace(base.optim, weight_decay=0.0))
    with_ = base.replace(name="with-regularization", model=replace(base.model, dropout=dropout),
                         optim=replace(base.optim, weight_decay=decay))
    tab.start_series([without, with_])
    return (translate("Demos", "Two runs, without and with dropout %1 + weight decay %2: compare train and validation loss.")
            .replace("%1", f"{dropout:g}").replace("%2", f"{decay:g}"))


# ---------------------------------------------------------------------- Chat
def sampling(window, args: dict, *, seed: int | None = None) -> str:
    temperature = float(_arg(args, "temperature", (int, float), 1.0))
    if not 0 <= temperature <= 2:
        raise DemoError(translate("Demos", '"temperature" should be between 0 and 2, not {value}').format(value=temperature))
    chat = window.chat_tab
    window.show_tab("chatTab")
    chat.sampling.temperature.setValue(temperature)
    chat.sampling.seed.setValue(int(args.get("seed", seed if seed is not None else DEFAULT_SEED)))
    chat.sampling.max_tokens.setValue(_arg(args, "max_tokens", int, 24))
    prompt = args.get("prompt")

    def run() -> str:
        chat.sampling.temperature.setFocus()
        if not prompt or chat.is_generating():
            return translate("Demos", "Temperature focused: change it and watch the chart.")
        chat.clear_conversation()
        chat.send(str(prompt))

        def chart_first_token(running: bool) -> None:
            if running:
                return
            # after the tab's own slot, which gives the input the focus back
            chat.streamer.running_changed.disconnect(chart_first_token)
            last = len(chat.messages) - 1
            if last >= 0 and chat.messages[last].role == "assistant":
                chat.inspect_token(last, 0)
            chat.sampling.temperature.setFocus()

        chat.streamer.running_changed.connect(chart_first_token)
        return translate("Demos", "A reply with a fixed seed; its first token's distribution is charted. Change the temperature.")

    return _when_model_ready(window, run)


def guess(window, args: dict, *, seed: int | None = None) -> str:
    chat = window.chat_tab
    if chat.is_generating():
        raise DemoError(translate("Demos", "a reply is running: stop it first"))
    chat.guess.set_on(True)
    return sampling(window, {**args, "prompt": _arg(args, "prompt", str, "The capital of France is")}, seed=seed)


# ---------------------------------------------------------------------- Optimize
def compression(window, args: dict) -> str:
    from playground.ui.optimize.panels import TECHNIQUES

    techniques = _arg(args, "techniques", list, ["bfloat16"])
    unknown = [t for t in techniques if t not in TECHNIQUES]
    if unknown:
        raise DemoError(translate("Demos", "unknown technique(s) {unknown}; known: {known}").format(
            unknown=unknown, known=list(TECHNIQUES)))
    tab = window.optimize_tab
    window.show_tab("optimizeTab")

    def run() -> str:
        if tab.busy:
            return translate("Demos", "The Optimize tab is busy: its report fills when the running job ends.")
        tab.techniques.set_checked(techniques)
        tab.measure.new_tokens.setValue(_arg(args, "new_tokens", int, 16))
        tab.measure.ppl_tokens.setValue(_arg(args, "ppl_tokens", int, 256))
        tab.run()
        return translate("Demos", "Compressing with %1 and measuring against the original.").replace("%1", ", ".join(techniques))

    return _when_model_ready(window, run)


DEMOS: dict[str, Callable] = {
    "config_compare": config_compare, "compute_estimate": compute_estimate, "attention": attention,
    "pretrain_vs_finetune": pretrain_vs_finetune, "training_loop": training_loop, "optimizer_race": optimizer_race,
    "regularization": regularization, "sampling": sampling, "guess": guess, "compression": compression,
}
SEEDED = {"sampling", "guess"}  # demos that sample: scenes give them a fixed seed


def run_demo(window, demo, *, seed: int | None = None) -> str:
    """Set up `demo` (core.lessons.Demo); DemoError says what is wrong with it."""
    action = DEMOS.get(demo.action)
    if action is None:
        raise DemoError(translate("Demos", "unknown demo action {name}; known: {known}").format(
            name=repr(demo.action), known=", ".join(sorted(DEMOS))))
    if demo.action in SEEDED:
        return action(window, demo.args, seed=seed)
    return action(window, demo.args)
