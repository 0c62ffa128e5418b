"""How a token looks on screen: visible whitespace, a tint for its probability, a tooltip with alternatives,
and a dotted underline for a near-tie (`core.generation.ties`)."""

from __future__ import annotations

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QColor

from playground.ui.i18n import translate

_VISIBLE = {" ": "␣", "\n": "⏎", "\t": "⇥", "\r": "␍"}
NEAR_TIE_LEGEND = QT_TRANSLATE_NOOP("Tokens", "Dotted underline: a near-tie, a greedy pick whose runner-up was almost as likely (at least "
                   "90% as likely); a small change, such as another engine or int8 weights, can flip it and "
                   "everything after it.")


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


def near_tie_color(dark: bool) -> QColor:
    return QColor("#ffb74d" if dark else "#e65100")


def near_tie_text(tie) -> str:
    """"near-tie: 'The' 15.2% vs 'L' 14.0%" (ties.NearTie)."""
    return translate("Tokens", "near-tie: '{chosen}' {chosen_prob} vs '{runner_up}' {runner_up_prob}").format(
        chosen=visible_token(tie.chosen), chosen_prob=f"{tie.chosen_prob:.1%}", runner_up=visible_token(tie.runner_up),
        runner_up_prob=f"{tie.runner_up_prob:.1%}")


def token_tooltip(step, *, clickable: bool = True) -> str:
    """Rich-text tooltip: the token, its probabilities, and the top-5 alternatives at that position; a
    near-tie first."""
    from playground.core.generation.ties import near_tie

    tie = near_tie(step)
    head = translate("Tokens", "<b>⚠ {tie}</b> (raw softmax): the model barely preferred this token; a small change "
                     "(another engine, int8 weights) can flip it.").format(
        tie=html.escape(near_tie_text(tie), quote=False)) + "<br>" if tie is not None else ""
    rows = "".join(
        f"<tr><td>{'▶' if token_id == step.token_id else ''}</td>"
        f"<td><code>{html.escape(visible_token(text))}</code></td>"
        f"<td align='right'>&nbsp;{prob:.1%}</td></tr>"
        for token_id, text, prob in step.alternatives)
    hint = "<br><i>" + translate("Tokens", "Click to see the whole distribution.") + "</i>" if clickable else ""
    token = f"<b><code>{html.escape(visible_token(step.text or ''))}</code></b>"
    line = translate("Tokens", "{token} — {prob} when sampled (model's raw softmax: {raw_prob})").format(
        token=token, prob=f"{step.prob:.1%}", raw_prob=f"{step.raw_prob:.1%}")
    top = translate("Tokens", "Top 5 at this position:")
    return f"{head}{line}<br>{top}<table>{rows}</table>{hint}"
