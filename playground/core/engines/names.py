"""The engines' names, as the command line, the settings and the Chat tab's combo spell them."""

EXACT = "exact"
CHOICES = ("int4", "int8", "fp32", EXACT)  # what --engine and the settings accept
EXACT_NAME = "Exact (PyTorch)"


def engine_name(choice: str) -> str:
    """fp32 is "Exact": its greedy tokens equal PyTorch float32's (tested), at ~2x the speed on a CPU."""
    if choice == EXACT:
        return EXACT_NAME
    return f"{'Exact' if choice == 'fp32' else 'Fast'} (ONNX {choice})"
