from dataclasses import replace

import pytest
import torch

from playground.core.generation.engine import TorchEngine
from playground.core.generation.stream import encode_chat, encode_text, eos_ids, generate_stream
from playground.core.generation.sampling import (GREEDY, Distribution, SamplingSettings, apply_repetition_penalty,
                                      filter_logits,
                                      make_generator, next_token_distribution, sample, top_indices)

PROMPTS = ["Write a haiku about the sea.", "Explain what a neural network is in one sentence."]


@pytest.mark.parametrize("question", PROMPTS)
def test_greedy_stream_equals_transformers_generate(builtin_session, question):
    s = builtin_session
    prompt = encode_chat(s.tokenizer, [{"role": "user", "content": question}])
    ours = generate_stream(TorchEngine(s.model), s.tokenizer, prompt, replace(GREEDY, max_new_tokens=24),
                           stop_ids=eos_ids(s.model, s.tokenizer))
    with torch.inference_mode():
        ref = s.model.generate(torch.tensor([prompt]), max_new_tokens=24, do_sample=False,
                               repetition_penalty=1.0, top_k=None, top_p=None, temperature=None)
    ref_ids = [t for t in ref[0, len(prompt):].tolist() if t not in eos_ids(s.model, s.tokenizer)]
    assert list(ours.token_ids) == ref_ids[:len(ours.token_ids)] and len(ours.token_ids) == len(ref_ids)


def test_streamed_steps_carry_probabilities_matching_a_forward_pass(builtin_session):
    s = builtin_session
    prompt = encode_chat(s.tokenizer, [{"role": "user", "content": "Say hello."}])
    steps = []
    settings = SamplingSettings(temperature=0.8, top_k=40, top_p=0.9, max_new_tokens=4, seed=3)
    result = generate_stream(TorchEngine(s.model), s.tokenizer, prompt, settings, on_token=steps.append)
    assert [st.token_id for st in steps] == list(result.token_ids)
    with torch.inference_mode():
        logits = s.model(torch.tensor([prompt])).logits[0, -1]
    dist = next_token_distribution(logits, settings)
    assert steps[0].raw_prob == pytest.approx(float(logits.float().softmax(-1)[steps[0].token_id]), rel=1e-4)
    assert steps[0].prob == pytest.approx(float(dist.final[steps[0].token_id]), rel=1e-4)
    assert "".join(st.text for st in steps) == result.text


def test_a_fixed_seed_reproduces_a_sampled_reply(builtin_session):
    s = builtin_session
    prompt = encode_chat(s.tokenizer, [{"role": "user", "content": "Tell me a story."}])
    settings = SamplingSettings(temperature=1.2, top_k=0, top_p=1.0, max_new_tokens=12, seed=1234)
    runs = [generate_stream(TorchEngine(s.model), s.tokenizer, prompt, settings).token_ids for _ in range(2)]
    other = generate_stream(TorchEngine(s.model), s.tokenizer, prompt, replace(settings, seed=99)).token_ids
    assert runs[0] == runs[1] and runs[0] != other


def test_top_indices_are_torch_topk_with_ties_to_the_lower_index():
    generator = torch.Generator().manual_seed(3)
    for _ in range(20):
        values = torch.randn(49152, generator=generator)
        for k in (1, 2, 5):
            assert top_indices(values, k) == torch.topk(values, k).indices.tolist()
    tied = torch.tensor([0.5, 2.0, 1.0, 2.0, 2.0])
    assert top_indices(tied, 1) == [1] and top_indices(tied, 4) == [1, 3, 4, 2]
    assert top_indices(tied, 9) == [1, 3, 4, 2, 0]  # k past the end: all of them
    assert top_indices(tied.double(), 2) == torch.topk(tied.double(), 2).indices.tolist()[:2]
    assert tied.tolist() == [0.5, 2.0, 1.0, 2.0, 2.0]  # the input is left as it was


def test_sampling_draws_from_the_filtered_support_in_proportion():
    final = torch.zeros(1000)
    final[[10, 500, 999]] = torch.tensor([0.2, 0.3, 0.5])
    generator = make_generator(7)
    draws = [sample(Distribution(final, final), generator) for _ in range(4000)]
    assert set(draws) == {10, 500, 999}
    for token, p in ((10, 0.2), (500, 0.3), (999, 0.5)):
        assert abs(draws.count(token) / len(draws) - p) < 0.03
    again = make_generator(7)
    assert [sample(Distribution(final, final), again) for _ in range(50)] == draws[:50]
    one_hot = torch.zeros(1000)
    one_hot[321] = 1.0
    assert sample(Distribution(one_hot, one_hot), generator) == 321


def test_sampling_filters():
    logits = torch.tensor([4.0, 3.0, 2.0, 1.0, 0.0])
    top2 = next_token_distribution(logits, SamplingSettings(temperature=1.0, top_k=2, top_p=1.0)).final
    assert (top2 > 0).tolist() == [True, True, False, False, False]
    assert float(top2.sum()) == pytest.approx(1.0)
    # top-p keeps the smallest set whose mass reaches p
    p = logits.softmax(-1)
    nucleus = next_token_distribution(logits, SamplingSettings(temperature=1.0, top_k=0, top_p=float(p[0]) + 0.01))
    assert (nucleus.final > 0).tolist() == [True, True, False, False, False]
    hot = next_token_distribution(logits, SamplingSettings(temperature=2.0, top_k=0, top_p=1.0)).final
    cold = next_token_distribution(logits, SamplingSettings(temperature=0.5, top_k=0, top_p=1.0)).final
    assert hot[0] < p[0] < cold[0]
    greedy = next_token_distribution(logits, GREEDY).final
    assert greedy.tolist() == [1.0, 0.0, 0.0, 0.0, 0.0]


def test_top_k_on_its_survivors_equals_filtering_the_whole_vocabulary():
    """The per-token fast path (top-k first, then temperature and top-p on the survivors) gives the
    distribution `filter_logits` gives over all 49k logits, ties at the k-th value included, and the
    same draws."""
    generator = torch.Generator().manual_seed(5)
    cases = 0
    for trial in range(6):
        logits = torch.randn(49152, generator=generator) * 3
        if trial % 2:  # coarse logits: many ties, also at the k-th value
            logits = torch.round(logits * 2) / 2
        for temperature, top_k, top_p in ((0.7, 50, 0.95), (1.5, 5, 1.0), (0.3, 1000, 0.5), (1.0, 1, 0.9),
                                          (0.05, 200, 0.99)):
            settings = SamplingSettings(temperature=temperature, top_k=top_k, top_p=top_p)
            dist = next_token_distribution(logits, settings)
            whole = filter_logits(logits, settings).softmax(-1)
            assert torch.equal(dist.final > 0, whole > 0)
            assert torch.allclose(dist.final, whole, rtol=1e-5, atol=1e-7)
            assert dist.support.tolist() == torch.nonzero(whole).flatten().tolist()
            kth = torch.topk(logits, top_k).values[-1]
            assert set(dist.support.tolist()) <= set(torch.nonzero(logits >= kth).flatten().tolist())
            draws = [sample(dist, make_generator(trial)) for _ in range(3)]
            assert draws == [sample(Distribution(whole, whole), make_generator(trial)) for _ in range(3)]
            cases += 1
    assert cases == 30
    tied = torch.tensor([1.0, 3.0, 2.0, 3.0, 2.0, 2.0, 0.0])  # k = 3: the two 3s and every 2 stay
    assert next_token_distribution(tied, SamplingSettings(temperature=1.0, top_k=3, top_p=1.0)).support.tolist() \
        == [1, 2, 3, 4, 5]
    broken = torch.randn(100, generator=generator)
    broken[7] = float("nan")  # a diverged model: the whole-vocabulary path, as before
    assert next_token_distribution(broken, SamplingSettings(temperature=0.7, top_k=5, top_p=0.9)).support is None
    even = torch.tensor([1.0, 1.0, 0.0])  # top-p needs one of two equal tokens: the lower index stays, both paths
    for top_k in (0, 2):
        assert torch.nonzero(next_token_distribution(even, SamplingSettings(temperature=1.0, top_k=top_k, top_p=0.3))
                             .final).flatten().tolist() == [0]


def test_repetition_penalty_matches_transformers():
    from transformers.generation.logits_process import RepetitionPenaltyLogitsProcessor

    logits = torch.tensor([2.0, -1.0, 0.5, -3.0])
    ours = apply_repetition_penalty(logits, [0, 1], 1.3)
    ref = RepetitionPenaltyLogitsProcessor(1.3)(torch.tensor([[0, 1]]), logits[None].clone())[0]
    assert torch.allclose(ours, ref)


def test_stop_event_ends_generation_early(builtin_session):
    import threading

    s = builtin_session
    stop = threading.Event()
    prompt = encode_chat(s.tokenizer, [{"role": "user", "content": "Count from one to one hundred."}])

    def on_token(step):
        if step.index == 2:
            stop.set()

    result = generate_stream(TorchEngine(s.model), s.tokenizer, prompt, replace(GREEDY, max_new_tokens=100),
                             on_token=on_token, should_stop=stop)
    assert result.stop_reason == "stopped" and len(result.token_ids) == 3


def gpt2_char_folder(tmp_path, context=64):
    """A tiny untrained GPT-2 (learned positions: nothing exists past `context`) with a character-level
    tokenizer, no chat template and no end token, saved as a Hugging Face folder."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    from playground.core.models.builder import hf_config, model_from_hf_config
    from playground.core.models.spec import ModelSpec

    chars = sorted(set("abcdefghijklmnopqrstuvwxyz .,!?'\n"))
    core = Tokenizer(models.WordLevel({c: i for i, c in enumerate(["<unk>"] + chars)}, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Split(Regex(".|\n"), behavior="isolated")
    core.decoder = decoders.Fuse()
    PreTrainedTokenizerFast(tokenizer_object=core, unk_token="<unk>").save_pretrained(tmp_path)
    torch.manual_seed(0)
    spec = ModelSpec(family="gpt2", n_layer=1, n_head=2, n_embd=32, context_length=context)
    model_from_hf_config(hf_config(spec, len(chars) + 1)).save_pretrained(tmp_path)
    return tmp_path


@pytest.fixture
def tiny_gpt2(tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = gpt2_char_folder(tmp_path)
    return AutoModelForCausalLM.from_pretrained(folder).eval(), AutoTokenizer.from_pretrained(folder)


def test_a_full_context_stops_with_its_own_reason_and_a_sliding_window_goes_on(tiny_gpt2):
    model, tokenizer = tiny_gpt2
    prompt = encode_text(tokenizer, "once upon a time")  # 16 tokens of a 64-token context
    settings = replace(GREEDY, max_new_tokens=200)
    full = generate_stream(TorchEngine(model), tokenizer, prompt, settings, context_length=64)
    assert full.stop_reason == "context" and len(full.token_ids) == 64 - 16
    short = generate_stream(TorchEngine(model), tokenizer, prompt, replace(settings, max_new_tokens=10),
                            context_length=64)
    assert short.stop_reason == "length" and len(short.token_ids) == 10
    slid = generate_stream(TorchEngine(model), tokenizer, prompt, settings, context_length=64, sliding_window=True)
    assert slid.stop_reason == "length" and len(slid.token_ids) == 200  # more than the context holds
    assert slid.token_ids[:48] == full.token_ids  # the same reply until the context is full
    window = (list(prompt) + list(slid.token_ids))[:-1][-64:]  # the last token: from the last 64 before it
    with torch.inference_mode():
        expected = int(model(torch.tensor([window])).logits[0, -1].argmax())
    assert slid.token_ids[-1] == expected
    too_long = generate_stream(TorchEngine(model), tokenizer, list(prompt) * 5, settings, context_length=64)
    assert too_long.stop_reason == "context" and too_long.token_ids == ()


def test_each_step_records_the_raw_runner_up_and_the_france_answer_starts_on_a_near_tie(builtin_session):
    from playground.core.generation.ties import near_tie

    s = builtin_session
    prompt = encode_chat(s.tokenizer, [{"role": "user", "content": "What is the capital of France?"}])
    steps = []
    generate_stream(TorchEngine(s.model), s.tokenizer, prompt, replace(GREEDY, max_new_tokens=8),
                    stop_ids=eos_ids(s.model, s.tokenizer), on_token=steps.append)
    with torch.inference_mode():
        raw = s.model(torch.tensor([prompt])).logits[0, -1].float().softmax(-1)
    second = int(torch.topk(raw, 2).indices[1])
    assert steps[0].runner_up[0] == second and steps[0].runner_up[2] == pytest.approx(float(raw[second]), rel=1e-4)
    tie = near_tie(steps[0])  # float32: "The" 15.2% vs "L" 14.0%
    assert (tie.chosen, tie.runner_up) == ("The", "L")
    assert (round(tie.chosen_prob, 3), round(tie.runner_up_prob, 3)) == (0.152, 0.140)
    assert [near_tie(st) is not None for st in steps] == [True] + [False] * (len(steps) - 1)


def test_greedy_logprobs_are_of_the_softmax_the_pick_was_the_argmax_of(builtin_session):
    """With a repetition penalty, greedy's pick can differ from the raw softmax's argmax: its reported
    distribution is the penalized softmax, where it always ranks first; `raw_*` stay the plain softmax."""
    import math

    from playground.core.generation.stream import LOGPROB_FLOOR

    s = builtin_session
    prompt = encode_text(s.tokenizer, "one one one one one one")
    settings = replace(GREEDY, max_new_tokens=6, repetition_penalty=3.0)
    steps = []
    generate_stream(TorchEngine(s.model), s.tokenizer, prompt, settings, on_token=steps.append, top_logprobs=20)
    history = list(prompt)
    for step in steps:
        lp = step.logprobs
        logits = TorchEngine(s.model).prefill(history)
        penalized = apply_repetition_penalty(logits, history, 3.0).log_softmax(-1)
        assert lp.top[0][0] == step.token_id and len(lp.top) == len(lp.raw_top) == 20
        assert abs(lp.logprob - float(penalized[step.token_id])) < 1e-4
        assert abs(lp.raw_logprob - math.log(step.raw_prob)) < 1e-4 and lp.raw_logprob > LOGPROB_FLOOR
        assert step.prob == 1.0 and len(step.alternatives) == 1  # the chat's own numbers are unchanged
        history.append(step.token_id)
    assert any(step.logprobs.raw_top[0][0] != step.token_id for step in steps)  # the penalty changed a pick


def test_the_stream_decodes_a_few_ids_a_token_and_its_pieces_make_the_whole_text(builtin_session):
    """Characters split across tokens (Chinese, emoji) come out whole, the pieces add up to one decode of
    the reply, and each token decodes only the last few ids (not the whole reply: quadratic in its length)."""
    from playground.core.generation.stream import _IncrementalDecoder

    tokenizer = builtin_session.tokenizer
    text = ("大语言模型的一生：参数、预训练和微调。🙂🚀 Tokens, ünïcödé … " * 12) + open(__file__, encoding="utf-8").read()
    ids = encode_text(tokenizer, text)[:1500]
    lengths = []

    class Counting:
        def decode(self, token_ids, **kwargs):
            lengths.append(len(token_ids))
            return tokenizer.decode(token_ids, **kwargs)

    decoder = _IncrementalDecoder(Counting())
    pieces = [decoder.add(i) for i in ids]
    assert "".join(pieces) == tokenizer.decode(ids, skip_special_tokens=True)
    assert "\ufffd" not in "".join(pieces) and sum(1 for p in pieces if p == "") > 0  # some waited for a whole character
    assert len(ids) == 1500 and max(lengths) <= 8
