"""The engines' names, as the command line, the settings and the Chat tab's combo spell them."""

from playground.core.i18n import QT_TRANSLATE_NOOP

EXACT = "exact"
# The GGUF engine (`gguf_engine`): the model file's own quantized blocks (ONNX Runtime and a native step).
GGUF_FAST, GGUF_EXACT = "gguf-fast", "gguf-exact"
GGUF_MODES = {GGUF_FAST: "fast", GGUF_EXACT: "exact"}
# what --engine and the settings accept, in the order they are offered: the experimental ones last
CHOICES = (EXACT, GGUF_FAST, GGUF_EXACT, "int4", "fp32", "int8")
# the ONNX builder's engines that re-quantize weights: not offered for a model that is a GGUF's blocks
REQUANTIZING = ("int4", "int8")
EXACT_NAME = "Exact (PyTorch)"
# int8 flips near-ties that float32 and int4 keep: the built-in model answers "What is the capital of
# France?" with "L'Étoile, la Cité…" (perplexity only +0.7%; its first token is "The" 15.2% vs "L" 14.0%)
EXPERIMENTAL = ("int8",)
EXPERIMENTAL_NOTE = QT_TRANSLATE_NOOP("Core", "experimental: may change greedy answers")
# what engine_note says (the UI shows it translated: core_text(ENGINE_NOTE).format(…))
ENGINE_NOTE = QT_TRANSLATE_NOOP("Core", "{engine}: {note}. Its {choice} weights flip greedy picks the model barely made "
                                        "(near-ties, dotted in the chat): the built-in model answers the capital of "
                                        "France in French. Fast (ONNX int4) and Exact keep them.")


def engine_name(choice: str) -> str:
    """The combo's entry. "Exact" ones keep float32's greedy tokens (tested; near-ties aside); "Fast" ones
    may differ: int8 activations (GGUF) or re-quantized weights (ONNX int4)."""
    if choice == EXACT:
        return EXACT_NAME
    if choice in GGUF_MODES:
        return GGUF_ENTRIES[choice]
    if choice in EXPERIMENTAL:
        return f"Experimental (ONNX {choice})"
    return f"{'Exact' if choice == 'fp32' else 'Fast'} (ONNX {choice})"


def engine_note(choice: str) -> str:
    """What the user should know before choosing `choice` ("" for the steady engines)."""
    if choice not in EXPERIMENTAL:
        return ""
    return ENGINE_NOTE.format(engine=engine_name(choice), note=EXPERIMENTAL_NOTE, choice=choice)


GGUF_ENTRIES = {GGUF_FAST: "Fast (GGUF)", GGUF_EXACT: "Exact (GGUF)"}  # engineCombo's entries


def gguf_engine_name(mode: str, blocks: str = "") -> str:
    """"Fast (GGUF Q4_1, int8 activations)" / "Exact (GGUF Q4_1)": what each reply's stats line shows."""
    what = f"GGUF {blocks}".strip()
    return f"Fast ({what}, int8 activations)" if mode == "fast" else f"Exact ({what})"
