"""A local OpenAI-compatible HTTP server for the current model (FastAPI + uvicorn). No Qt here.

`LocalServer(session, host=, port=).start()` (see `runner.py`) serves `POST /v1/chat/completions`,
`POST /v1/completions`, `GET /v1/models` and a simple `POST /chat`; every request goes through one
model worker thread.
"""
