"""`playground chat`: one reply streamed to stdout, or a multi-turn conversation in the terminal."""

from __future__ import annotations

import argparse
import math
import sys

from playground.core.engines.names import CHOICES
from playground.core.errors import PlaygroundError

REPL_HELP = "Type a message and press Enter. /reset forgets the conversation, /exit (or Ctrl+D) quits."


_KIND_NAMES = {int: "whole number", float: "number"}


def number_type(kind, low: float, high: float | None = None, *, low_open: bool = False):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text[:40]}' is not a {_KIND_NAMES.get(kind, kind.__name__)}") from None
        if not math.isfinite(value):  # NaN passes every < and > check; inf is no setting either
            raise argparse.ArgumentTypeError(f"{text} is not a finite number")
        too_low = value <= low if low_open else value < low
        if too_low or (high is not None and value > high):
            bound = f"{'>' if low_open else '>='} {low}" + (f" and <= {high}" if high is not None else "")
            raise argparse.ArgumentTypeError(f"{value} is out of range (must be {bound})")
        return value
    return parse


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", "-m", default="builtin",
                        help="'builtin' (default), a model folder, a .gguf file, or a run name "
                             "(see `playground models`)")
    parser.add_argument("--device", default="cpu", help="cpu (default), cuda, mps, or auto")
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16", "float16"])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("prompt", nargs="?", help="the message; leave it out for an interactive conversation")
    add_model_arguments(parser)
    parser.add_argument("--system", help="a system prompt (instructions the model follows)")
    parser.add_argument("--temperature", "-t", type=number_type(float, 0.0, 5.0), default=0.7,
                        help="0 = greedy (always the most likely token); higher = more varied (default 0.7)")
    parser.add_argument("--top-k", type=number_type(int, 0), default=50, help="keep the k likeliest tokens; 0 = off")
    parser.add_argument("--top-p", type=number_type(float, 0.0, 1.0, low_open=True), default=0.95,
                        help="keep the smallest set of tokens whose probability reaches p; 1 = off")
    parser.add_argument("--repetition-penalty", type=number_type(float, 0.0, 10.0, low_open=True), default=1.0,
                        help=">1 discourages repeating tokens (default 1 = off)")
    parser.add_argument("--max-tokens", "-n", type=number_type(int, 1), default=256, help="reply length limit")
    parser.add_argument("--seed", type=number_type(int, -(2**63), 2**63 - 1), help="a fixed seed reproduces a sampled reply")
    parser.add_argument("--stats", action="store_true", help="print tokens/s after each reply (on stderr)")
    parser.add_argument("--logprobs", type=number_type(int, 0, 20), metavar="N",
                        help="after each reply, print every token's log-probability and the N likeliest tokens "
                             "at its position (0-20), one line per token, on stderr")
    parser.add_argument("--engine", default="exact", choices=CHOICES,
                        help="exact: PyTorch (default); gguf-fast/gguf-exact: the GGUF file's own quantized blocks "
                             "on ONNX Runtime (int8 / float32 activations; the built-in model); "
                             "int4/fp32/int8: the fast ONNX Runtime engine (Llama-family "
                             "models; built once, ~30 s, then cached; falls back to exact with a notice); "
                             "int8 is experimental: may change greedy answers")


def settings_from_args(args):
    from playground.core.generation.sampling import SamplingSettings

    return SamplingSettings(temperature=args.temperature, top_k=args.top_k, top_p=args.top_p,
                            repetition_penalty=args.repetition_penalty, max_new_tokens=args.max_tokens,
                            seed=args.seed)


def run(args: argparse.Namespace) -> int:
    from playground.cli.models import load_session

    session = load_session(args.model, args.device, args.dtype)
    engine = open_cli_engine(session, args.engine)
    settings = settings_from_args(args)
    base = [{"role": "system", "content": args.system}] if args.system else []
    if args.prompt is not None:
        if not args.prompt.strip():
            raise PlaygroundError("The prompt is empty.")
        try:
            _reply(session, base + [{"role": "user", "content": args.prompt}], settings, args.stats, [], engine,
                   args.logprobs)
        except KeyboardInterrupt:
            print("\n[stopped]", file=sys.stderr)
            return 130
        return 0
    return _repl(session, base, settings, args.stats, engine, args.logprobs)


def open_cli_engine(session, choice: str):
    """The engine for --engine; building the ONNX model (first time only) reports on stderr."""
    from playground.core.engines.names import engine_note
    from playground.core.engines.selection import open_engine

    last = [-1]

    def on_progress(progress) -> None:
        if int(progress.fraction * 10) != last[0]:  # every 10 %
            last[0] = int(progress.fraction * 10)
            print(f"[fast engine: {progress.fraction:.0%} {progress.message}]", file=sys.stderr)

    chosen = open_engine(session, choice, on_progress=on_progress)
    if chosen.notice:
        print(f"[{chosen.notice}]", file=sys.stderr)
    elif engine_note(choice):
        print(f"[{engine_note(choice)}]", file=sys.stderr)
    return chosen.engine


def _repl(session, base: list[dict], settings, stats: bool, engine=None, logprobs: int | None = None) -> int:
    interactive = sys.stdin.isatty()
    if interactive:
        print(REPL_HELP, file=sys.stderr)
    messages = list(base)
    failed = False  # piped input: a turn that failed makes the exit status 1 (a script must notice)
    while True:
        try:
            line = input("> " if interactive else "")
        except (EOFError, KeyboardInterrupt):
            if interactive:
                print(file=sys.stderr)
            return 1 if failed and not interactive else 0
        line = line.strip()
        if not line:
            continue
        if line in ("/exit", "/quit"):
            return 0
        if line == "/reset":
            messages = list(base)
            print("(conversation cleared)", file=sys.stderr)
            continue
        messages.append({"role": "user", "content": line})
        pieces: list[str] = []
        try:
            reply = _reply(session, messages, settings, stats, pieces, engine, logprobs)
        except KeyboardInterrupt:  # Ctrl+C stops this reply; the conversation goes on
            reply = "".join(pieces)
            print("\n[stopped]", file=sys.stderr)
        except (PlaygroundError, RuntimeError) as exc:
            messages.pop()
            print(f"error: {exc}", file=sys.stderr)
            failed = True
            continue
        messages.append({"role": "assistant", "content": reply})


def _prompt_ids(session, messages: list[dict], room_for_reply: int) -> list[int]:
    """Encode the conversation; drop the oldest turns (never the system prompt) until it fits."""
    from playground.core.generation.stream import encode_chat, encode_text

    def encode(msgs: list[dict]) -> list[int]:
        if session.has_chat_template:
            return encode_chat(session.tokenizer, msgs)
        return encode_text(session.tokenizer, "\n".join(m["content"] for m in msgs))  # plain continuation

    keep = 1 if messages and messages[0]["role"] == "system" else 0
    limit = session.context_length - min(room_for_reply, session.context_length // 2)
    msgs = list(messages)
    ids = encode(msgs)
    while len(ids) > limit and len(msgs) - keep > 1:
        del msgs[keep]
        ids = encode(msgs)
    if len(ids) >= session.context_length:
        raise PlaygroundError(f"The prompt is {len(ids)} tokens but the model's context is "
                              f"{session.context_length}. Shorten it.")
    return ids


def _reply(session, messages: list[dict], settings, stats: bool, pieces: list[str], engine=None,
           logprobs: int | None = None) -> str:
    """Stream one reply to stdout; `pieces` collects it so far (kept if Ctrl+C stops it). `logprobs`: then
    print each token's log-probabilities on stderr."""
    from playground.core.generation.engine import TorchEngine
    from playground.core.generation.stream import eos_ids, generate_stream

    ids = _prompt_ids(session, messages, settings.max_new_tokens)
    steps = []

    def on_token(step) -> None:
        pieces.append(step.text)
        steps.append(step)
        sys.stdout.write(step.text)
        sys.stdout.flush()

    result = generate_stream(engine or TorchEngine(session.model), session.tokenizer, ids, settings,
                             stop_ids=eos_ids(session.model, session.tokenizer), on_token=on_token,
                             context_length=session.context_length, top_logprobs=logprobs)
    sys.stdout.write("\n")
    sys.stdout.flush()
    if logprobs is not None:
        print("\n".join(logprob_lines(steps)), file=sys.stderr)
    if result.stop_reason == "context":
        print(f"[cut: the model's context ({session.context_length} tokens) is full]", file=sys.stderr)
    if stats:
        print(f"[{len(result.token_ids)} tokens, first after {result.time_to_first_token:.2f} s, "
              f"{result.tokens_per_second:.1f} tokens/s, stopped: {result.stop_reason}, "
              f"{getattr(engine, 'name', 'Exact (PyTorch)')}]", file=sys.stderr)
    return result.text



def logprob_lines(steps) -> list[str]:
    """One line per token: its log-probability (and probability) where it was picked from, the raw
    softmax's where that differs (sampling settings changed it), then the top tokens at that position."""
    lines = ["[logprobs: natural log (probability) in the distribution each token was picked from]"]
    for step in steps:
        lp = step.logprobs
        raw = f"  raw {lp.raw_logprob:.4f}" if abs(lp.raw_logprob - lp.logprob) > 1e-6 else ""
        top = ", ".join(f"{text!r} {value:.4f}" for _, text, value in lp.top)
        lines.append(f"{step.index + 1:>4} {step.text!r:<16} {lp.logprob:9.4f} ({math.exp(lp.logprob):6.1%}){raw}"
                     + (f"  top: {top}" if top else ""))
    return lines
