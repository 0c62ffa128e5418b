"""`playground serve`: the OpenAI-compatible server in the foreground, one request log line each."""

from __future__ import annotations

import argparse
import os
import sys

from playground.core.engines.names import CHOICES
from playground.cli.chat import number_type, add_model_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_model_arguments(parser)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=number_type(int, 0, 65535), default=8000,
                        help="port (default 8000; 0 picks a free one)")
    parser.add_argument("--max-tokens-cap", type=number_type(int, 1), default=2048,
                        help="the most tokens one request may generate (default 2048)")
    parser.add_argument("--api-key", default=os.environ.get("PLAYGROUND_API_KEY") or None,
                        help="ask every request for 'Authorization: Bearer KEY' (what OpenAI clients send as "
                             "api_key); default: $PLAYGROUND_API_KEY, else no key")
    parser.add_argument("--quiet", "-q", action="store_true", help="no request log")
    parser.add_argument("--engine", default="exact", choices=CHOICES,
                        help="exact: PyTorch (default); gguf-fast/gguf-exact: the GGUF file's own quantized blocks "
                             "on ONNX Runtime (int8 / float32 activations; the built-in model); "
                             "int4/fp32/int8: the fast ONNX Runtime engine (Llama-family "
                             "models; built once, ~30 s, then cached; falls back to exact with a notice); "
                             "int8 is experimental: may change greedy answers")


def run(args: argparse.Namespace) -> int:
    from playground.cli.chat import open_cli_engine
    from playground.cli.models import load_session
    from playground.server.runner import LocalServer, is_loopback

    session = load_session(args.model, args.device, args.dtype)
    engine = open_cli_engine(session, args.engine)

    def log(entry) -> None:
        if not args.quiet:
            print(entry.line(), file=sys.stderr, flush=True)

    server = LocalServer(session, host=args.host, port=args.port, on_request=log,
                         max_tokens_cap=args.max_tokens_cap, engine=engine, api_key=args.api_key)
    if not is_loopback(args.host):
        guard = "Requests must send the API key." if args.api_key else \
            "There is no authentication: add --api-key KEY."
        print(f"warning: listening on {args.host}: anyone who can reach this machine can use the model. {guard}",
              file=sys.stderr)
    print(f"Serving {session.source.name} as '{server.model_id}' at {server.url}/v1 on {server.engine_name} "
          "(Ctrl+C stops)",
          file=sys.stderr)
    print(f"  try: curl {server.url}/chat -H 'Content-Type: application/json' -d '{{\"message\": \"Hi!\"}}'",
          file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl+C it handled: we are already shut down
        pass
    print("Server stopped.", file=sys.stderr)
    return 0
