"""How a token looks on screen: visible whitespace, a tint for its probability, a tooltip with alternatives."""

from __future__ import annotations

import html

from PySide6.QtGui import QColor

_VISIBLE = {" ": "␣", "\n": "⏎", "\t": "⇥", "\r": "␍"}


def visible_token(text: str, limit: int = 24) -> str:
    """A token's text with whitespace made visible, e.g. ' Paris' → '␣Paris'."""
    if text == "":
        return "∅"
    shown = "".join(_VISIBLE.get(ch, ch) for ch in text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def prob_color(prob: float, dark: bool) -> QColor:
    """Green for a likely token fading to red for an unlikely one; likely tokens are barely tinted
    so the surprising ones stand out. Translucent, so text stays readable on light and dark themes."""
    prob = min(max(prob, 0.0), 1.0)
    hue = int(120 * prob)  # 0 red … 120 green
    alpha = int(45 + 120 * (1.0 - prob) ** 0.7)
    color = QColor.fromHsv(hue, 200, 150 if dark else 255)
    color.setAlpha(alpha)
    return color


def token_tooltip(step, *, clickable: bool = True) -> str:
    """Rich-text tooltip: the token, its probabilities, and the top-5 alternatives at that position."""
    rows = "".join(
        f"<tr><td>{'▶' if token_id == step.token_id else ''}</td>"
        f"<td><code>{html.escape(visible_token(text))}</code></td>"
        f"<td align='right'>&nbsp;{prob:.1%}</td></tr>"
        for token_id, text, prob in step.alternatives)
    hint = "<br><i>Click to see the whole distribution.</i>" if clickable else ""
    return (f"<b><code>{html.escape(visible_token(step.text or ''))}</code></b> — {step.prob:.1%} when sampled "
            f"(model's raw softmax: {step.raw_prob:.1%})<br>Top 5 at this position:<table>{rows}</table>{hint}")
