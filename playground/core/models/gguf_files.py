"""GGUF files (llama.cpp's format) as models: checked before anything slow, then converted once into a
cached Hugging Face folder (float32 safetensors + tokenizer files), atomically, with progress and cancel.

The built-in SmolLM2 and any `.gguf` the user opens go the same way; only the cache folder's name differs
(sources.builtin_cache_folder / sources.gguf_cache_folder). The check reads the header only (a few MB at
most, the tensors are memory-mapped, not read), so a damaged or unsupported file is refused in well under a
second with a message naming it, instead of after a long conversion or with a library's traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playground.core.errors import Cancelled, ModelLoadError
from playground.core.processes import pid_alive
from playground.core.progress import ProgressFn, progress

GGUF_MAGIC = b"GGUF"
GGUF_VERSIONS = (2, 3)  # what gguf.GGUFReader reads; version 1 files predate 2023
SOURCE_FILE = "gguf-source.json"  # in a converted folder: the GGUF it came from (lists it in the model list)
# transformers' GGUF loader renames a few llama.cpp architectures to its model types
_MODEL_TYPES = {"qwen2moe": "qwen2_moe", "qwen3moe": "qwen3_moe", "gpt-oss": "gpt_oss", "minimax-m2": "minimax_m2",
                "gemma3": "gemma3_text", "gemma4": "gemma4_text"}
_NOT_ARCHITECTURES = {"general", "tokenizer"}  # keys of transformers' mapping that name no model

_gguf_lock = threading.Lock()  # the progress hook patches a module global of transformers


@dataclass(frozen=True)
class GgufSummary:
    """What the header says, for messages and for engines that read the blocks themselves."""

    architecture: str  # general.architecture, e.g. "llama"
    name: str  # general.name, or the file's stem
    tensor_types: dict[str, int]  # ggml type name → how many tensors use it, e.g. {"Q4_1": 210, "F32": 61}
    projection_types: frozenset[str]  # the types of the 2-D attention and MLP weights
    n_tensors: int


def _report(on_progress: ProgressFn | None, fraction: float, message: str) -> None:
    if on_progress is not None:
        on_progress(progress(fraction, message))


def _check_cancel(should_stop: threading.Event | None) -> None:
    if should_stop is not None and should_stop.is_set():
        raise Cancelled("Loading cancelled; the previous model is still loaded.")


# ---------------------------------------------------------------- validation
def check_gguf(path: Path) -> GgufSummary:
    """Raise ModelLoadError, naming the file, unless transformers can turn it into a causal LM."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise ModelLoadError(f"{name} is not a file. Choose a .gguf model file.")
    size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head[:4] != GGUF_MAGIC:
        raise ModelLoadError(f"{name} is not a GGUF file (it does not start with the bytes 'GGUF'). Choose a .gguf "
                             "model file, such as one made by llama.cpp or downloaded from the Hugging Face Hub.")
    if len(head) < 8:
        raise ModelLoadError(f"{name} is truncated: it ends inside its header. Download or copy it again.")
    version = int.from_bytes(head[4:8], "little")
    if version not in GGUF_VERSIONS:
        raise ModelLoadError(f"{name} is GGUF version {version}; this app reads versions 2 and 3. Convert it again "
                             "with a current llama.cpp.")
    try:
        reader = _reader(path)
    except _Truncated as cut:
        raise ModelLoadError(f"{name} is truncated: its tensors need {cut.needed:,} bytes but the file holds "
                             f"{size:,}. Download or copy it again.") from None
    except Exception as exc:  # noqa: BLE001 - any parse failure means a damaged header
        raise ModelLoadError(f"{name} is damaged or truncated: its header cannot be read ({type(exc).__name__}: "
                             f"{str(exc)[:200]}). Download or copy it again.") from exc
    architecture = _text_field(reader, "general.architecture")
    _check_architecture(architecture, name)
    _check_tokenizer(reader, name)
    _check_sizes(reader, architecture, name)
    types = _check_tensor_types(reader, name)
    projections = frozenset(t.tensor_type.name for t in reader.tensors
                            if len(t.shape) == 2 and (".attn_" in t.name or ".ffn_" in t.name))
    return GgufSummary(architecture, _text_field(reader, "general.name") or path.stem, dict(types), projections,
                       len(reader.tensors))


class _Truncated(Exception):
    def __init__(self, needed: int) -> None:
        super().__init__(needed)
        self.needed = needed


def _reader(path: Path):
    """gguf.GGUFReader, checking that every tensor's data lies inside the file before it maps them (a cut
    file otherwise fails with numpy's "cannot reshape array of size …")."""
    import numpy as np
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType, GGUFReader

    class CheckedReader(GGUFReader):
        def _build_tensors(self, start_offs, fields):  # noqa: ANN001 - gguf's signature
            end = 0
            for field in fields:
                dims, raw_type, offset = field.parts[3], field.parts[4], field.parts[5]
                block, type_size = GGML_QUANT_SIZES[GGMLQuantizationType(int(raw_type[0]))]
                n_elements = int(np.prod(dims, dtype=object))
                end = max(end, int(start_offs) + int(offset[0]) + n_elements * type_size // block)
            if end > len(self.data):
                raise _Truncated(end)
            super()._build_tensors(start_offs, fields)

    return CheckedReader(path)


def _field(reader, key: str):
    field = reader.fields.get(key)
    if field is None:
        return None
    try:
        return field.contents()
    except Exception:  # noqa: BLE001 - an odd field type: treated as absent
        return None


def _text_field(reader, key: str) -> str:
    value = _field(reader, key)
    return value if isinstance(value, str) else ""


def supported_architectures() -> set[str]:
    """llama.cpp architecture names transformers' GGUF loader reads as a text-generating model."""
    from transformers.modeling_gguf_pytorch_utils import GGUF_SUPPORTED_ARCHITECTURES
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES

    names = set(GGUF_SUPPORTED_ARCHITECTURES) - _NOT_ARCHITECTURES
    try:
        from transformers.integrations.gguf.gguf_conversion_mapping import GGUF_ARCHS

        names |= set(GGUF_ARCHS)
    except ImportError:  # an older transformers: the legacy loader only
        pass
    names |= set(_MODEL_TYPES)
    return {n for n in names if _MODEL_TYPES.get(n, n) in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES}


def _check_architecture(architecture: str, name: str) -> None:
    if not architecture:
        raise ModelLoadError(f"{name} does not say which model architecture it holds (general.architecture is "
                             "missing), so it cannot be loaded.")
    supported = supported_architectures()
    if architecture not in supported:
        raise ModelLoadError(f"{name} holds a '{architecture}' model, which this app cannot load from GGUF (it "
                             f"reads {', '.join(sorted(supported))}). Open the model's Hugging Face folder instead.")


def _check_tokenizer(reader, name: str) -> None:
    kind = _text_field(reader, "tokenizer.ggml.model")
    if not kind or "tokenizer.ggml.tokens" not in reader.fields:
        raise ModelLoadError(f"{name} has no tokenizer in it (tokenizer.ggml.model/tokens are missing), so the app "
                             "could not turn text into its tokens. Use a GGUF converted with its tokenizer.")
    try:
        from transformers.integrations.gguf.gguf_tokenizer_mapping import GGUF_TOKENIZER_TYPES
    except ImportError:  # an older transformers: its converter reports an unknown kind itself
        return
    if kind not in GGUF_TOKENIZER_TYPES:
        raise ModelLoadError(f"{name} has a '{kind}' tokenizer, which this app cannot read (it reads "
                             f"{', '.join(sorted(GGUF_TOKENIZER_TYPES))}).")


def _check_sizes(reader, architecture: str, name: str) -> None:
    """The config the header implies, against the limits a folder's config.json is held to (10⁶ layers
    would hang the model's construction before any weight is read)."""
    from playground.core.models.checks import check_config
    from transformers.modeling_gguf_pytorch_utils import GGUF_TO_TRANSFORMERS_MAPPING

    renames = GGUF_TO_TRANSFORMERS_MAPPING["config"].get(_MODEL_TYPES.get(architecture, architecture)) or \
        GGUF_TO_TRANSFORMERS_MAPPING["config"].get(architecture) or {}
    config = {}
    for suffix, key in renames.items():
        value = _field(reader, f"{architecture}.{suffix}")
        if key and value is not None and not isinstance(value, list):
            config[key] = value
    try:
        check_config(config, name)
    except ModelLoadError as exc:  # its words name config.json, which a GGUF does not have
        raise ModelLoadError(str(exc).replace(f"config.json in {name}:", f"{name} (its header):")) from None


def _check_tensor_types(reader, name: str) -> Counter:
    """Every tensor in a format gguf can dequantize (F32, F16, BF16, Q4_0 … Q8_0, the K- and I-quants)."""
    import numpy as np
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType
    from gguf.quants import dequantize

    types = Counter(t.tensor_type.name for t in reader.tensors)
    readable = {}
    for tensor in reader.tensors:
        qtype = tensor.tensor_type
        if qtype not in readable:
            readable[qtype] = qtype in (GGMLQuantizationType.F32, GGMLQuantizationType.F16)
            if not readable[qtype]:
                try:  # one block of zeros: gguf raises NotImplementedError for a format it cannot read
                    dequantize(np.zeros((1, GGML_QUANT_SIZES.get(qtype, (1, 1))[1]), dtype=np.uint8), qtype)
                    readable[qtype] = True
                except (NotImplementedError, ValueError, TypeError):
                    pass
        if not readable[qtype]:
            raise ModelLoadError(f"{name} stores {tensor.name} as {qtype.name}, a format this app cannot convert (it "
                                 "reads F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 and the K- and I-quants). Use "
                                 "a GGUF with another quantization, e.g. Q8_0 or Q4_K_M.")
    return types


# ---------------------------------------------------------------- conversion to a cached folder
@contextmanager
def _conversion_progress(on_progress: ProgressFn | None, should_stop: threading.Event | None, lo: float,
                         hi: float, label: str):
    """Report transformers' per-tensor GGUF conversion loop as progress and honour cancel in it."""
    try:
        from transformers import modeling_gguf_pytorch_utils as gguf_utils
    except ImportError:  # layout changed: fall back to coarse progress
        yield
        return
    original = getattr(gguf_utils, "tqdm", None)

    def reporting_tqdm(iterable, *args, **kwargs):
        items = list(iterable)
        last = 0.0
        for i, item in enumerate(items):
            _check_cancel(should_stop)
            now = time.monotonic()
            if now - last > 0.1:  # throttle: ~10 Hz
                last = now
                _report(on_progress, lo + (hi - lo) * i / max(len(items), 1),
                        f"Converting {label}: tensor {i + 1}/{len(items)}")
            yield item

    with _gguf_lock:
        if original is not None:
            gguf_utils.tqdm = reporting_tqdm
        try:
            yield
        finally:
            if original is not None:
                gguf_utils.tqdm = original


def is_converted(target: Path) -> bool:
    return (target / "config.json").exists() and (target / "model.safetensors").exists()


def ensure_gguf_converted(gguf: Path, target: Path, on_progress: ProgressFn | None = None,
                          should_stop: threading.Event | None = None, *,
                          label: str | None = None) -> tuple[Path, bool]:
    """Return (`target`, was_cached): the GGUF as a float32 Hugging Face folder, converted once. The file is
    checked first (check_gguf); the folder is written under a temporary name, flushed, then renamed."""
    from transformers import AutoModelForCausalLM, AutoTokenizer
    import torch

    if is_converted(target):
        return target, True
    label = label or f"{gguf.name} (first time only)"
    _report(on_progress, 0.01, f"Checking {gguf.name}…")
    check_gguf(gguf)
    _check_cancel(should_stop)
    _report(on_progress, 0.02, f"Reading {label}…")
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name, local_files_only=True)
        _check_cancel(should_stop)
        model = _from_blocks(gguf, on_progress, should_stop, label)
        if model is None:
            with _conversion_progress(on_progress, should_stop, 0.05, 0.8, label):
                model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32,
                                                             local_files_only=True, trust_remote_code=False)
    except Cancelled:
        raise
    except Exception as exc:
        raise ModelLoadError(f"Could not read the GGUF file {gguf.name}: {type(exc).__name__}: {exc}") from exc
    _check_cancel(should_stop)
    _report(on_progress, 0.82, "Saving a safetensors copy to the cache…")
    write_converted_copy(model, tokenizer, gguf, target)
    return target, False


def _from_blocks(gguf: Path, on_progress: ProgressFn | None, should_stop: threading.Event | None, label: str):
    """A Llama GGUF of the block types gguf_fast reads: its config from transformers (the file's header), its
    weights dequantized straight from the blocks: ~1 s where transformers' conversion takes ~10 s (it parses
    the file twice more), the same tensors (tests/core/models/test_gguf_files.py). None for anything else."""
    from transformers import AutoConfig

    from playground.core.models import gguf_fast

    parsed = gguf_fast.read_gguf(gguf)
    if gguf_fast.fast_reason(parsed):
        return None
    _report(on_progress, 0.05, f"Converting {label}: its config…")
    config = AutoConfig.from_pretrained(gguf.parent, gguf_file=gguf.name, local_files_only=True,
                                        trust_remote_code=False)
    _check_cancel(should_stop)
    _report(on_progress, 0.5, f"Converting {label}: its weights…")
    return gguf_fast.load_llama(gguf, config, parsed)


def write_converted_copy(model, tokenizer, gguf: Path, target: Path) -> None:
    """Save the float32 model of `gguf` as its cached Hugging Face folder `target`: written under a temporary
    name, flushed, then renamed (another process that finished first wins)."""
    model.hf_quantizer = None  # the weights are dequantized now: save them as plain tensors
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + f".tmp-{os.getpid()}-{threading.get_ident()}")
    remove_stale_conversions(target)
    try:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        stat = gguf.stat()
        (tmp / SOURCE_FILE).write_text(json.dumps({"gguf": str(gguf), "size": stat.st_size,
                                                   "mtime_ns": stat.st_mtime_ns}), encoding="utf-8")
        fsync_tree(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        tmp.rename(target)
    except OSError:  # another process finished first: use theirs
        shutil.rmtree(tmp, ignore_errors=True)
        if not (target / "config.json").exists():
            raise
    remove_older_conversions(gguf, target)


def remove_older_conversions(gguf: Path, target: Path) -> None:
    """Delete the copies of earlier versions of the same file (replaced on disk since): each is as large as
    the model in float32, and nothing lists or loads them any more."""
    for record in target.parent.glob(f"*/{SOURCE_FILE}"):
        folder = record.parent
        if folder == target:
            continue
        try:
            same_file = json.loads(record.read_text(encoding="utf-8")).get("gguf") == str(gguf)
        except (OSError, ValueError, AttributeError):
            continue
        if same_file and converted_from(folder) is None:
            shutil.rmtree(folder, ignore_errors=True)


def converted_from(folder: Path) -> Path | None:
    """The GGUF a cached folder was converted from, if it still exists unchanged."""
    try:
        record = json.loads((folder / SOURCE_FILE).read_text(encoding="utf-8"))
        gguf = Path(record["gguf"])
        stat = gguf.stat()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return gguf if (stat.st_size, stat.st_mtime_ns) == (record.get("size"), record.get("mtime_ns")) else None


def remove_stale_conversions(target: Path) -> None:
    """Delete half-written copies (`<target>.tmp-<pid>-<thread>`, ~0.5 GB each) whose process is gone: a
    conversion killed mid-write leaves one. A live process's (another app instance converting) is kept."""
    for tmp in target.parent.glob(target.name + ".tmp-*"):
        pid = tmp.name.rsplit(".tmp-", 1)[1].split("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and pid_alive(int(pid)):
            continue
        shutil.rmtree(tmp, ignore_errors=True)


def fsync_tree(folder: Path) -> None:
    """Flush a folder's files and the folder itself to disk before it is renamed into place: after a power
    cut the copy is whole or absent, never present with empty files."""
    for file in folder.iterdir():
        if file.is_file():
            with open(file, "rb") as handle:
                os.fsync(handle.fileno())
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
