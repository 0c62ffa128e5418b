"""Everything a run needs before its first step: the run folder, data, model, optimizer, RNGs —
fresh, or restored exactly from a checkpoint."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import torch

from playground.core.files import write_text_atomic
from playground.core.training import runs
from playground.core.training.data import TrainData, prepare_data
from playground.core.models.builder import hf_config, model_from_hf_config
from playground.core.training.memory import check_memory
from playground.core.training.optim import make_optimizer
from playground.core.training.config import ConfigError, TrainConfig
from playground.core.errors import PlaygroundError


@dataclass
class TrainSetup:
    run_dir: Path
    model: Any  # a transformers PreTrainedModel (a peft PeftModel for LoRA)
    optimizer: torch.optim.Optimizer
    data: TrainData
    generator: torch.Generator  # draws the training batches; its state is the data position
    step: int = 0
    tokens: int = 0
    elapsed: float = 0.0
    resumed: bool = False
    checkpoint: Path | None = None
    model_dir: Path | None = None
    n_params: int = 0
    trainable_params: int = 0

    def exportable_model(self):
        """The model as a plain transformers model: LoRA adapters merged into a copy."""
        if hasattr(self.model, "merge_and_unload"):
            return copy.deepcopy(self.model).merge_and_unload()
        return self.model


def check_device(device: str) -> None:
    kind = device.split(":")[0]
    if kind == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device: cuda is not available on this machine; use cpu.")
    if kind == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ConfigError("device: mps is not available on this machine; use cpu.")


def base_model_folder(base: str) -> Path:
    """'builtin' → the converted SmolLM2 folder; a .gguf file → its converted copy; anything else is a
    Hugging Face model folder."""
    if base == "builtin":
        from playground.core.models import sources
        from playground.core.models.loading import ensure_builtin_converted

        gguf = sources.builtin_gguf(restore=True)
        if gguf is None:
            raise ConfigError("finetune.base_model: the built-in model is not installed (run `make run`).")
        return ensure_builtin_converted(gguf)[0]
    path = Path(base).expanduser()
    if path.suffix.lower() == ".gguf" and path.is_file():  # a GGUF opened in the app: its converted copy
        from playground.core.models.loading import ensure_converted
        from playground.core.models.sources import gguf_source

        return ensure_converted(gguf_source(path))[0]
    return path


def load_base(cfg: TrainConfig):
    from playground.core.models.loading import load_folder
    from playground.core.models.sources import folder_source

    folder = base_model_folder(cfg.finetune.base_model)
    session = load_folder(folder, folder_source(folder))
    return session.model, session.tokenizer


def apply_lora(model, cfg: TrainConfig):
    from peft import LoraConfig, get_peft_model

    f = cfg.finetune
    names = {name.rsplit(".", 1)[-1] for name, module in model.named_modules() if isinstance(module, torch.nn.Linear)}
    missing = [t for t in f.target_modules if t not in names]
    if missing:
        raise ConfigError(f"finetune.target_modules: {', '.join(missing)} not found in this model; its linear "
                          f"layers are {', '.join(sorted(names))}.")
    lora = LoraConfig(r=f.lora_r, lora_alpha=f.lora_alpha, lora_dropout=f.lora_dropout,
                      target_modules=list(f.target_modules), task_type="CAUSAL_LM")
    return get_peft_model(model, lora)


def build_model(cfg: TrainConfig, data: TrainData, base_model=None):
    if base_model is None:
        tok = data.tokenizer
        config = hf_config(cfg.model, data.vocab_size, bos_id=tok.bos_token_id, eos_id=tok.eos_token_id)
        model = model_from_hf_config(config)
    else:
        model = base_model
        model.train()
    if cfg.finetune.mode == "lora":
        model = apply_lora(model, cfg)
    return model


def prepare(cfg: TrainConfig, *, resume_from=None, run_dir=None,
            on_status: Callable[[str], None] | None = None, write_files: bool = True) -> TrainSetup:
    status = on_status or (lambda _m: None)
    check_device(cfg.device)
    checkpoint = runs.resolve_checkpoint(resume_from) if resume_from else None
    if checkpoint is not None and run_dir is None:
        run_dir = checkpoint.parent.parent
    torch.manual_seed(cfg.seed)
    base_model = base_tokenizer = None
    if cfg.is_finetune:
        status("Loading the base model…")
        base_model, base_tokenizer = load_base(cfg)
    saved_tokenizer = None
    if checkpoint is not None and (Path(run_dir) / "tokenizer").is_dir() and not cfg.is_finetune:
        from transformers import AutoTokenizer

        saved_tokenizer = AutoTokenizer.from_pretrained(Path(run_dir) / "tokenizer")
    data = prepare_data(cfg, base_tokenizer=base_tokenizer, tokenizer=saved_tokenizer, on_status=status)
    check_memory(cfg, data.vocab_size)  # a 70B on a laptop is refused here, not by the allocator
    status("Building the model…")
    model = build_model(cfg, data, base_model).to(cfg.device)
    optimizer = make_optimizer(model, cfg.optim, cfg.device)
    generator = torch.Generator().manual_seed(cfg.seed + 1)
    run_dir = Path(run_dir) if run_dir is not None else runs.new_run_dir(cfg.name)
    run_dir.mkdir(parents=True, exist_ok=True)
    if write_files:  # False on the other ranks of a multi-process run: rank 0 writes
        write_text_atomic(run_dir / "config.json", cfg.to_json() + "\n")
    if saved_tokenizer is None and write_files:
        data.tokenizer.save_pretrained(run_dir / "tokenizer")
    setup = TrainSetup(run_dir, model, optimizer, data, generator,
                       n_params=sum(p.numel() for p in model.parameters()),
                       trainable_params=sum(p.numel() for p in model.parameters() if p.requires_grad))
    if checkpoint is not None:
        restore_newest_intact(setup, checkpoint, resume_from, status)
    return setup


def restore_newest_intact(setup: TrainSetup, checkpoint: Path, asked, status: Callable[[str], None]) -> None:
    """Restore `checkpoint`; when it is damaged and the user named the run (not one checkpoint), fall back
    to the newest older one that is intact, and say so. Nothing left to try: the first reason, raised."""
    candidates = [checkpoint]
    if Path(asked).resolve() != checkpoint.resolve():  # a run folder: its older checkpoints may do
        candidates += [c for c in reversed(runs.checkpoints(setup.run_dir)) if c.name != checkpoint.name]
    first: PlaygroundError | None = None
    for candidate in candidates:
        status(f"Resuming from {candidate.name}…")
        try:
            restore(setup, candidate)
        except CheckpointMismatch:
            raise
        except DAMAGE as exc:
            first = first or (exc if isinstance(exc, PlaygroundError) else PlaygroundError(
                f"The checkpoint {candidate.name} is damaged ({type(exc).__name__}: {str(exc)[:200]})."))
            continue
        if candidate is not checkpoint:
            status(f"{first} Resumed from the newest intact one, {candidate.name}, instead.")
        return
    raise first


class CheckpointMismatch(PlaygroundError):
    """The checkpoint is intact but belongs to another model: no older one would fit either."""


def _damage_types() -> tuple[type[BaseException], ...]:
    from safetensors import SafetensorError

    return (PlaygroundError, SafetensorError, OSError, KeyError, ValueError, TypeError, RuntimeError)


DAMAGE = _damage_types()  # what reading a half-written or corrupted checkpoint raises


def restore(setup: TrainSetup, checkpoint: Path) -> None:
    """Put weights, optimizer, RNGs and counters back exactly as they were at the checkpoint."""
    weights = runs.load_tensors(checkpoint / "model.safetensors")
    trainable = {name for name, p in setup.model.named_parameters() if p.requires_grad}
    if set(weights) != trainable:
        raise CheckpointMismatch(f"The checkpoint {checkpoint.name} does not match this model (different "
                              "architecture or fine-tuning mode). Resume with the run's own config.json.")
    params = dict(setup.model.named_parameters())
    with torch.no_grad():
        for name, tensor in weights.items():
            params[name].copy_(tensor)
    opt_tensors = runs.load_tensors(checkpoint / "optimizer.safetensors")
    meta = json.loads((checkpoint / "optimizer.json").read_text(encoding="utf-8"))
    runs.optimizer_from_files(setup.optimizer, opt_tensors, meta)
    rng = runs.load_tensors(checkpoint / "rng.safetensors")
    torch.set_rng_state(rng["cpu"])
    setup.generator.set_state(rng["data"])
    if "cuda" in rng and torch.cuda.is_available():
        torch.cuda.set_rng_state(rng["cuda"])
    state = runs.read_checkpoint_state(checkpoint)
    setup.step, setup.tokens, setup.elapsed = int(state["step"]), int(state["tokens"]), float(state["elapsed"])
    setup.resumed, setup.checkpoint = True, checkpoint
    setup.model_dir = setup.run_dir / "model" if (setup.run_dir / "model").is_dir() else None
