"""Ready-made training configs for the Training tab's preset list (and `playground train`).

These are recipes for runs (data, optimizer, steps), not architectures: the char-level GPT trains the
Architecture tab's "Tiny (char-level GPT)" preset (core/models/presets.py) at a shorter context, and the
Llama variant is that model with the Llama block. The synthetic tasks' 2-layer models have no published
counterpart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from playground.core.models.presets import TINY, preset_spec
from playground.core.models.spec import ModelSpec
from playground.core.paths import RESOURCES
from playground.core.training.config import DataConfig, FinetuneConfig, OptimConfig, TrainConfig

CHAT_EXAMPLE = RESOURCES / "chat_example.jsonl"


@dataclass(frozen=True)
class Preset:
    key: str
    label: str  # shown in presetCombo
    description: str  # shown under it
    config: TrainConfig


def _tiny_gpt() -> ModelSpec:
    """The Architecture tab's tiny GPT (4 layers, 4 heads, width 128) at a 64-token context; the
    tokenizer decides the vocabulary."""
    return replace(preset_spec(TINY), context_length=64, dropout=0.0).training_part()


def _char_gpt() -> TrainConfig:
    # Tuned to spell English words within ~2 minutes on 2 CPU cores: short context, large LR, warm-up.
    return TrainConfig(
        model=_tiny_gpt(),
        data=DataConfig(source="builtin", tokenizer="char"),
        optim=OptimConfig(optimizer="adamw", lr=3e-3, schedule="cosine", warmup_steps=30, min_lr_ratio=0.1,
                          weight_decay=0.01, grad_clip=1.0),
        max_steps=1000, batch_size=32, eval_every=50, eval_batches=4, sample_every=50, sample_tokens=200,
        checkpoint_every=250)


def _llama_char() -> TrainConfig:
    base = _char_gpt()
    return base.replace(model=replace(_tiny_gpt(), family="llama", n_kv_head=2, tie_embeddings=True))


def _bpe_gpt() -> TrainConfig:
    base = _char_gpt()
    return base.replace(data=DataConfig(source="builtin", tokenizer="bpe", bpe_vocab_size=512))


def _task(task: str, digits: int = 6, steps: int = 600) -> TrainConfig:
    return TrainConfig(
        model=ModelSpec(family="gpt2", n_layer=2, n_head=2, n_embd=64, context_length=32),
        data=DataConfig(source="synthetic", task=task, task_digits=digits),
        optim=OptimConfig(optimizer="adamw", lr=3e-3, schedule="cosine", warmup_steps=20),
        max_steps=steps, batch_size=64, eval_every=50, sample_every=50, checkpoint_every=200)


def _lora_smollm2() -> TrainConfig:
    return TrainConfig(
        data=DataConfig(source="jsonl", path=str(CHAT_EXAMPLE), tokenizer="model"),
        finetune=FinetuneConfig(mode="lora", base_model="builtin", lora_r=8, lora_alpha=16,
                                target_modules=("q_proj", "v_proj")),
        optim=OptimConfig(optimizer="adamw", lr=1e-3, schedule="cosine", warmup_steps=3, grad_clip=1.0),
        max_steps=30, batch_size=4, seq_len=256, eval_every=10, eval_batches=2, sample_every=10,
        sample_tokens=48, checkpoint_every=0)


PRESETS: dict[str, Preset] = {p.key: p for p in (
    Preset("char-gpt", "Char-level GPT on Python's docs (default)",
           "A 4-layer GPT reads Python's built-in documentation one character at a time. Within a couple "
           "of minutes on a laptop CPU it starts writing English words.", _char_gpt()),
    Preset("llama-char", "Char-level Llama (RMSNorm, RoPE, SwiGLU, GQA)",
           "The same task with a Llama-style block: RMSNorm, rotary positions, SwiGLU and 2 key/value heads "
           "shared by 4 query heads.", _llama_char()),
    Preset("bpe-gpt", "GPT with a BPE tokenizer (512 tokens)",
           "A byte-level BPE tokenizer is trained on the corpus first; each token is a piece of a word.",
           _bpe_gpt()),
    Preset("task-copy", "Synthetic task: copy", "Learn to copy 6 digits after '='. The attention "
           "pattern is a clean diagonal offset by the prompt length.", _task("copy")),
    Preset("task-reverse", "Synthetic task: reverse", "Learn to write 6 digits backwards: each answer "
           "digit attends to its mirror in the prompt (an anti-diagonal).", _task("reverse")),
    Preset("task-sort", "Synthetic task: sort", "Learn to sort 6 digits.", _task("sort", steps=800)),
    Preset("task-add", "Synthetic task: add", "Learn to add two 3-digit numbers.", _task("add", 3, steps=1500)),
    Preset("lora-smollm2", "Fine-tune SmolLM2 with LoRA on a small chat file",
           "LoRA adapters (rank 8 on q_proj/v_proj) teach the built-in SmolLM2 the replies in "
           "resources/chat_example.jsonl. The loss counts only the assistant's tokens.", _lora_smollm2()),
)}

DEFAULT_PRESET = "char-gpt"


def preset_config(key: str) -> TrainConfig:
    return PRESETS[key].config


# A learning rate that works for each optimizer on the small char GPT (SGD needs a much larger one).
RACE_LRS = {"sgd": 0.5, "momentum": 0.05, "adagrad": 0.02, "rmsprop": 1e-3, "adam": 3e-3, "adamw": 3e-3}
RACE_OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")


def race_configs(cfg: TrainConfig, optimizers=RACE_OPTIMIZERS, name: str = "race") -> list[TrainConfig]:
    """The same model, data and seed once per optimizer (each with a learning rate that suits it)."""
    from dataclasses import replace

    return [cfg.replace(name=f"{name}-{opt}", optim=replace(cfg.optim, optimizer=opt, lr=RACE_LRS[opt]))
            for opt in optimizers]


def race_base() -> TrainConfig:
    return _char_gpt().replace(max_steps=200, eval_every=50, sample_every=100, checkpoint_every=0)
