"""The engines' names: what --engine accepts, in the order offered, and which are experimental."""

from playground.core.engines.names import CHOICES, EXPERIMENTAL_NOTE, engine_name, engine_note


def test_int8_comes_last_and_is_labelled_experimental_everywhere():
    assert CHOICES[-1] == "int8" and CHOICES[:3] == ("exact", "gguf-fast", "gguf-exact")
    assert [engine_name(c) for c in CHOICES] == ["Exact (PyTorch)", "Fast (GGUF)", "Exact (GGUF)", "Fast (ONNX int4)",
                                                  "Exact (ONNX fp32)", "Experimental (ONNX int8)"]
    assert EXPERIMENTAL_NOTE in engine_note("int8") and engine_note("int4") == engine_note("fp32") == ""


def test_the_command_line_offers_the_same_choices_and_warns_in_its_help():
    import argparse

    from playground.cli import chat, serve

    for module in (chat, serve):
        parser = argparse.ArgumentParser()
        module.add_arguments(parser)
        action = next(a for a in parser._actions if a.dest == "engine")
        assert tuple(action.choices) == CHOICES and "int8 is experimental" in action.help


def test_the_optimize_report_labels_int8_experimental():
    from playground.core.optimize.onnx_variants import VARIANTS

    label, explanation, _ = VARIANTS["onnx-int8"]
    assert label == "ONNX int8 (experimental)" and "may change greedy answers" in explanation
