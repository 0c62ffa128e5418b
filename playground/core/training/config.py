"""What a training run is: one `TrainConfig` (model, data, optimizer, fine-tuning), saved as JSON.

The same JSON is written to each run's `config.json`, exported by the Training tab and read by
`playground train CONFIG.json`. `validate()` names the bad field in every message.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from playground.core.models.spec import FAMILIES, ModelSpec
from playground.core.errors import PlaygroundError

OPTIMIZERS = ("sgd", "momentum", "adagrad", "rmsprop", "adam", "adamw")
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "SGD + Momentum", "adagrad": "AdaGrad", "rmsprop": "RMSprop",
                    "adam": "Adam", "adamw": "AdamW"}
SCHEDULES = ("constant", "linear", "cosine")
DATA_SOURCES = ("builtin", "synthetic", "file", "folder", "jsonl")
TASKS = ("copy", "reverse", "sort", "add")
TOKENIZERS = ("char", "bpe", "model")
FINETUNE_MODES = ("scratch", "full", "lora")


class ConfigError(PlaygroundError):
    """A training config that cannot run; the message names the field, e.g. `model.n_head: …`."""


# A from-scratch run's architecture: the one architecture spec, whose JSON is this `model` section.


@dataclass(frozen=True)
class DataConfig:
    """Where the text comes from and how it becomes tokens."""

    source: str = "builtin"  # builtin (pydoc_data.topics) | synthetic | file (.txt/.md) | folder | jsonl (chat)
    path: str = ""  # the file or folder for file/folder/jsonl
    task: str = "reverse"  # synthetic only: copy | reverse | sort | add
    task_digits: int = 6  # synthetic only: how many digits/characters each example has
    tokenizer: str = "char"  # char | bpe (byte-level BPE trained on the data) | model (the base model's)
    bpe_vocab_size: int = 512  # bpe only: the vocabulary size to train
    val_fraction: float = 0.1  # share of the data held out for the validation loss


@dataclass(frozen=True)
class OptimConfig:
    """How the weights move."""

    optimizer: str = "adamw"  # sgd | momentum | adagrad | rmsprop | adam | adamw
    lr: float = 1e-3  # peak learning rate
    schedule: str = "cosine"  # constant | linear (decay to min_lr) | cosine (decay to min_lr)
    warmup_steps: int = 0  # steps of linear warm-up from 0 to lr (every schedule)
    min_lr_ratio: float = 0.1  # linear/cosine end at lr × this
    weight_decay: float = 0.0  # L2: decoupled for AdamW, added to the gradient for the others
    l1: float = 0.0  # L1 penalty strength: adds l1 × sign(w) to each weight matrix's gradient
    momentum: float = 0.9  # "momentum" optimizer (and RMSprop's momentum is 0)
    beta1: float = 0.9  # Adam/AdamW
    beta2: float = 0.99  # Adam/AdamW (0.99 suits small models and short runs)
    grad_clip: float = 1.0  # clip the global gradient norm to this; 0 = no clipping


@dataclass(frozen=True)
class FinetuneConfig:
    """Train from scratch, or start from an existing model."""

    mode: str = "scratch"  # scratch | full (every weight) | lora (low-rank adapters via peft)
    base_model: str = ""  # "builtin" (SmolLM2), a .gguf file or a Hugging Face model folder
    lora_r: int = 8  # LoRA rank
    lora_alpha: int = 16  # LoRA scale (alpha / r multiplies the adapter)
    lora_dropout: float = 0.0
    target_modules: tuple[str, ...] = ("q_proj", "v_proj")  # module names that get adapters


@dataclass(frozen=True)
class TrainConfig:
    """One training run, complete: what `playground train CONFIG.json` reads."""

    name: str = ""  # run name (folder under the runs dir); "" = made from the date and time
    model: ModelSpec = field(default_factory=ModelSpec)
    data: DataConfig = field(default_factory=DataConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    finetune: FinetuneConfig = field(default_factory=FinetuneConfig)
    max_steps: int = 1000  # optimizer steps
    batch_size: int = 32  # sequences per micro-batch
    grad_accum: int = 1  # micro-batches per optimizer step (effective batch = batch_size × grad_accum)
    seq_len: int = 0  # tokens per training sequence; 0 = the model's context length (capped at 1024)
    eval_every: int = 100  # steps between validation losses; 0 = never
    eval_batches: int = 4  # micro-batches per validation loss
    sample_every: int = 100  # steps between generated samples; 0 = never
    sample_tokens: int = 160  # tokens per sample
    sample_prompt: str = ""  # "" = a prompt taken from the validation data
    checkpoint_every: int = 250  # steps between checkpoints; 0 = only at the end
    keep_checkpoints: int = 2  # newest checkpoints kept on disk
    log_every: int = 1  # steps between reported metrics (each report reads the loss from the device)
    device: str = "cpu"  # cpu | cuda | mps
    bf16: bool = False  # bfloat16 autocast for the forward pass
    seed: int = 1337  # same seed + same config = the same run

    @property
    def is_finetune(self) -> bool:
        return self.finetune.mode != "scratch"

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["model"] = self.model.to_dict()
        d["finetune"]["target_modules"] = list(self.finetune.target_modules)
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainConfig":
        """Build and validate. Unknown keys and wrong types raise ConfigError naming the field."""
        if not isinstance(d, dict):
            raise ConfigError("The training config must be a JSON object.")
        cfg = _build(cls, d, "")
        cfg.validate()
        return cfg

    def replace(self, **changes: Any) -> "TrainConfig":
        return replace(self, **changes)

    # ------------------------------------------------------------------ checks
    def validate(self) -> None:
        errors = self.problems()
        if errors:
            raise ConfigError(errors[0])

    def problems(self) -> list[str]:
        """Every problem, each starting with the field's dotted name (first one is raised)."""
        out: list[str] = []

        def need(ok: bool, message: str) -> None:
            if not ok:
                out.append(message)

        f = self.finetune
        need(f.mode in FINETUNE_MODES, f"finetune.mode: {f.mode!r} is not one of {', '.join(FINETUNE_MODES)}")
        if self.is_finetune:
            _finetune_problems(need, f, self.data)
        else:
            out += _model_problems(need, self.model, self.data)
        _run_problems(need, self)
        return out


def _model_problems(need, m: ModelSpec, d: DataConfig) -> list[str]:
    """A model trained from scratch; returns the spec's own architecture problems to add."""
    need(m.family in FAMILIES, f"model.family: {m.family!r} is not one of {', '.join(FAMILIES)}")
    for name in ("n_layer", "n_head", "n_embd", "context_length"):
        value = getattr(m, name)
        need(value >= 1, f"model.{name}: must be at least 1 (got {value})")
    need(m.n_kv_head >= 0, f"model.n_kv_head: must be 0 (= n_head) or more (got {m.n_kv_head})")
    need(m.n_inner >= 0, f"model.n_inner: must be 0 (automatic) or more (got {m.n_inner})")
    if m.n_head >= 1 and m.n_embd >= 1:
        need(m.n_embd % m.n_head == 0, f"model.n_head: {m.n_head} does not divide n_embd {m.n_embd}")
        if m.family == "llama" and m.n_embd % m.n_head == 0:
            need((m.n_embd // m.n_head) % 2 == 0,
                 f"model.n_embd: RoPE needs an even head size, but {m.n_embd} / {m.n_head} heads "
                 f"= {m.n_embd // m.n_head}")
    if m.kv_heads >= 1 and m.n_head >= 1:
        need(m.n_head % m.kv_heads == 0,
             f"model.n_kv_head: {m.kv_heads} does not divide n_head {m.n_head}")
    need(m.family == "llama" or m.n_kv_head in (0, m.n_head),
         "model.n_kv_head: grouped-query attention needs the llama family (gpt2 uses n_head)")
    need(0.0 <= m.dropout < 1.0, f"model.dropout: must be in [0, 1) (got {m.dropout})")
    need(d.tokenizer != "model", "data.tokenizer: 'model' needs a base model; use char or bpe from scratch")
    return m.architecture_problems()


def _finetune_problems(need, f: FinetuneConfig, d: DataConfig) -> None:
    need(bool(f.base_model), "finetune.base_model: choose the model to fine-tune ('builtin' or a folder)")
    if f.mode == "lora":
        need(f.lora_r >= 1, f"finetune.lora_r: must be at least 1 (got {f.lora_r})")
        need(f.lora_alpha >= 1, f"finetune.lora_alpha: must be at least 1 (got {f.lora_alpha})")
        need(bool(f.target_modules), "finetune.target_modules: name at least one module, e.g. q_proj")
    need(d.tokenizer == "model", "data.tokenizer: fine-tuning uses the base model's tokenizer ('model')")


def _run_problems(need, cfg: TrainConfig) -> None:
    """Data, optimizer and the run's own settings."""
    m, d, o = cfg.model, cfg.data, cfg.optim
    need(d.source in DATA_SOURCES, f"data.source: {d.source!r} is not one of {', '.join(DATA_SOURCES)}")
    need(d.source not in ("file", "folder", "jsonl") or bool(d.path),
         f"data.path: choose a {'folder' if d.source == 'folder' else 'file'} for data.source {d.source!r}")
    need(d.task in TASKS, f"data.task: {d.task!r} is not one of {', '.join(TASKS)}")
    need(1 <= d.task_digits <= 32, f"data.task_digits: must be 1..32 (got {d.task_digits})")
    need(d.tokenizer in TOKENIZERS, f"data.tokenizer: {d.tokenizer!r} is not one of {', '.join(TOKENIZERS)}")
    need(d.tokenizer != "bpe" or 260 <= d.bpe_vocab_size <= 65536,
         f"data.bpe_vocab_size: must be 260..65536 (got {d.bpe_vocab_size})")
    need(0.0 < d.val_fraction < 0.5, f"data.val_fraction: must be between 0 and 0.5 (got {d.val_fraction})")
    need(o.optimizer in OPTIMIZERS, f"optim.optimizer: {o.optimizer!r} is not one of {', '.join(OPTIMIZERS)}")
    need(o.schedule in SCHEDULES, f"optim.schedule: {o.schedule!r} is not one of {', '.join(SCHEDULES)}")
    need(o.lr > 0, f"optim.lr: must be positive (got {o.lr})")
    for name in ("warmup_steps", "weight_decay", "l1", "grad_clip", "momentum", "min_lr_ratio"):
        value = getattr(o, name)
        need(value >= 0, f"optim.{name}: must not be negative (got {value})")
    need(0 <= o.beta1 < 1 and 0 <= o.beta2 < 1, "optim.beta1/beta2: must be in [0, 1)")
    for name in ("max_steps", "batch_size", "grad_accum", "eval_batches", "log_every", "keep_checkpoints"):
        value = getattr(cfg, name)
        need(value >= 1, f"{name}: must be at least 1 (got {value})")
    for name in ("seq_len", "eval_every", "sample_every", "sample_tokens", "checkpoint_every"):
        value = getattr(cfg, name)
        need(value >= 0, f"{name}: must not be negative (got {value})")
    if not cfg.is_finetune and cfg.seq_len:
        need(cfg.seq_len <= m.context_length,
             f"seq_len: {cfg.seq_len} is longer than the model's context_length {m.context_length}")
    need(cfg.device.split(":")[0] in ("cpu", "cuda", "mps"), f"device: {cfg.device!r} is not cpu, cuda or mps")
    need(all(c.isalnum() or c in "-_. " for c in cfg.name), f"name: {cfg.name!r} may only use letters, "
         "digits, spaces, '-', '_' and '.'")


def _fits_float(value: int | float) -> bool:
    try:
        float(value)
    except OverflowError:  # an integer of hundreds of digits
        return False
    return True


def _build(cls, d: dict[str, Any], prefix: str):
    """Dataclass from a dict, recursively, with type checks that name the field."""
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(d) - set(known))
    if unknown:
        raise ConfigError(f"{prefix}{unknown[0]}: unknown setting (known: {', '.join(known)})")
    defaults = cls()
    kwargs: dict[str, Any] = {}
    for name, value in d.items():
        default = getattr(defaults, name)
        where = f"{prefix}{name}"
        if is_dataclass(default):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: expected an object")
            kwargs[name] = _build(type(default), value, where + ".")
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: expected true or false (got {value!r})")
            kwargs[name] = value
        elif isinstance(default, int):
            if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, float) and value.is_integer())):
                raise ConfigError(f"{where}: expected a whole number (got {value!r})")
            kwargs[name] = int(value)
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not _fits_float(value):
                raise ConfigError(f"{where}: expected a number (got {str(value)[:40]})")
            kwargs[name] = float(value)
        elif isinstance(default, tuple):
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: expected a list of names")
            kwargs[name] = tuple(value)
        else:
            if not isinstance(value, str):
                raise ConfigError(f"{where}: expected text (got {value!r})")
            kwargs[name] = value
    return cls(**kwargs)


def load_train_config(path: str | Path) -> TrainConfig:
    """Read and validate a config JSON file; ConfigError says what is wrong and where."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"Could not read the config file {path}: {exc.strerror or exc}") from exc
    except RecursionError:
        raise ConfigError(f"{path.name} is nested too deeply to be a training config.") from None
    except ValueError as exc:  # not UTF-8, not JSON, an integer of more than 4,300 digits
        raise ConfigError(f"{path.name} is not valid JSON: {str(exc)[:200]}") from exc
    return TrainConfig.from_dict(data)


def save_train_config(cfg: TrainConfig, path: str | Path) -> None:
    from playground.core.files import write_text_atomic

    write_text_atomic(Path(path), cfg.to_json() + "\n")
