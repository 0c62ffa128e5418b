"""The training presets' labels and descriptions (playground.core.training.presets), listed here for lupdate and
translated where they are shown with `preset_text` (a text changed in the core shows as the core wrote it)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from playground.ui.i18n import translate

CONTEXT = "TrainingPresets"
TEXTS = (
    QT_TRANSLATE_NOOP("TrainingPresets", "Char-level GPT on Python's docs (default)"),
    QT_TRANSLATE_NOOP("TrainingPresets", "A 4-layer GPT reads Python's built-in documentation one character at a time. Within a couple of minutes on a laptop CPU it starts writing English words."),
    QT_TRANSLATE_NOOP("TrainingPresets", 'Char-level Llama (RMSNorm, RoPE, SwiGLU, GQA)'),
    QT_TRANSLATE_NOOP("TrainingPresets", 'The same task with a Llama-style block: RMSNorm, rotary positions, SwiGLU and 2 key/value heads shared by 4 query heads.'),
    QT_TRANSLATE_NOOP("TrainingPresets", 'GPT with a BPE tokenizer (512 tokens)'),
    QT_TRANSLATE_NOOP("TrainingPresets", 'A byte-level BPE tokenizer is trained on the corpus first; each token is a piece of a word.'),
    QT_TRANSLATE_NOOP("TrainingPresets", 'Synthetic task: copy'),
    QT_TRANSLATE_NOOP("TrainingPresets", "Learn to copy 6 digits after '='. The attention pattern is a clean diagonal offset by the prompt length."),
    QT_TRANSLATE_NOOP("TrainingPresets", 'Synthetic task: reverse'),
    QT_TRANSLATE_NOOP("TrainingPresets", 'Learn to write 6 digits backwards: each answer digit attends to its mirror in the prompt (an anti-diagonal).'),
    QT_TRANSLATE_NOOP("TrainingPresets", 'Synthetic task: sort'),
    QT_TRANSLATE_NOOP("TrainingPresets", 'Learn to sort 6 digits.'),
    QT_TRANSLATE_NOOP("TrainingPresets", 'Synthetic task: add'),
    QT_TRANSLATE_NOOP("TrainingPresets", 'Learn to add two 3-digit numbers.'),
    QT_TRANSLATE_NOOP("TrainingPresets", 'Fine-tune SmolLM2 with LoRA on a small chat file'),
    QT_TRANSLATE_NOOP("TrainingPresets", "LoRA adapters (rank 8 on q_proj/v_proj) teach the built-in SmolLM2 the replies in resources/chat_example.jsonl. The loss counts only the assistant's tokens."),
)


def preset_text(text: str) -> str:
    return translate(CONTEXT, text)
