"""Branches of a reply: other versions of it, each forked from one of its tokens with another token forced
there (the Chat tab: click an alternative in the next-token distribution chart).

A reply (`history.Message`) with branches keeps them all in `branches`, the one shown at `branch`; its own
fields (content, tokens, note, …) are always those of the branch shown, so everything that reads a
message (prompts, the view, the token inspector) sees one plain reply. Saved files hold every branch
(`branches_to_json`); Markdown shows the branch on show and lists the others from where they part.
No Qt, no torch.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

from playground.core.generation.history import Message


class BranchesError(ValueError):
    """Saved branches that do not fit together; the message says which (conversation.py reports it)."""


@dataclass(frozen=True)
class Branch:
    reply: Message  # the whole reply in this branch, from its first token (its own `branches` empty)
    fork: int = 0  # the index of its first token that differs from its parent's (0: the first version)
    parent: int | None = None  # the branch it was forked from (None: the first version)


@dataclass(frozen=True)
class Divergence:
    """Where the branch on show and other branches part: at token `position` of the one on show."""

    position: int
    others: tuple[tuple[int, str], ...]  # (branch number from 1, its token there; "" if it ends there)


def branches_of(message: Message) -> tuple[Branch, ...]:
    """Every version of `message`: its branches, or itself alone."""
    return message.branches or (Branch(_bare(message)),)


def _bare(message: Message) -> Message:
    return replace(message, branches=(), branch=0)


def add_branch(message: Message, reply: Message, fork: int) -> Message:
    """`message` with `reply` as a new branch forked at token `fork` of the branch on show; it is shown."""
    branches = branches_of(message) + (Branch(_bare(reply), fork, message.branch),)
    return select_branch(replace(message, branches=branches), len(branches) - 1)


def select_branch(message: Message, index: int) -> Message:
    """`message` showing branch `index` (0-based); IndexError when it has no such branch."""
    branches = branches_of(message)
    if not 0 <= index < len(branches):
        raise IndexError(f"This reply has {len(branches)} branches, not {index + 1}.")
    return replace(branches[index].reply, branches=branches if len(branches) > 1 else (), branch=index)


def shared_length(a, b) -> int:
    """How many first tokens two token sequences (TokenStep) have in common."""
    n = 0
    for x, y in zip(a, b):
        if x.token_id != y.token_id:
            break
        n += 1
    return n


def divergences(message: Message) -> tuple[Divergence, ...]:
    """The positions of the branch on show where other branches take another token, in order."""
    shown, found = message.tokens, {}
    for number, branch in enumerate(message.branches, 1):
        if number - 1 == message.branch:
            continue
        other = branch.reply.tokens
        at = shared_length(shown, other)
        if at < len(shown):
            found.setdefault(at, []).append((number, other[at].text if at < len(other) else ""))
    return tuple(Divergence(at, tuple(others)) for at, others in sorted(found.items()))


# ---------------------------------------------------------------- files
def branches_to_json(message: Message, message_to_json: Callable[[Message], dict]) -> dict[str, Any]:
    """The fields a saved reply with branches adds: "branch" (shown, 0-based) and "branches", each a reply
    with its "fork" and "parent" and only its tokens from the fork on (the rest are its parent's)."""
    if not message.branches:
        return {}
    items = []
    for branch in message.branches:
        reply = replace(branch.reply, tokens=branch.reply.tokens[branch.fork:])
        items.append({"fork": branch.fork, "parent": branch.parent, **message_to_json(reply)})
    return {"branch": message.branch, "branches": items}


def branches_from_json(item: dict, n: int, message_from_json: Callable[[dict, int], Message]) -> Message | None:
    """The reply (message `n`, 0-based) `item` holds with its branches, or None if it has none;
    raises BranchesError saying which branch is wrong."""
    if not isinstance(item, dict) or "branches" not in item:
        return None
    items, shown = item["branches"], item.get("branch", 0)
    if item.get("role") != "assistant" or not isinstance(items, list) or not items:
        raise BranchesError(f"Message {n + 1}: only a reply has branches, and they must be a list.")
    if not isinstance(shown, int) or isinstance(shown, bool) or not 0 <= shown < len(items):
        raise BranchesError(f"Message {n + 1}: “branch” must be the number of one of its branches.")
    branches: list[Branch] = []
    for k, entry in enumerate(items):
        where = f"Message {n + 1}, branch {k + 1}"
        if not isinstance(entry, dict):
            raise BranchesError(f"{where} is not an object.")
        fork, parent = entry.get("fork", 0), entry.get("parent")
        whole = lambda value: isinstance(value, int) and not isinstance(value, bool)  # noqa: E731
        if k == 0 and (fork != 0 or parent is not None):
            raise BranchesError(f"{where}: the first branch is the reply as written (fork 0, no parent).")
        if k and not (whole(parent) and 0 <= parent < k and whole(fork)
                      and 0 <= fork <= len(branches[parent].reply.tokens)):
            raise BranchesError(f"{where}: its “parent” must be an earlier branch and its “fork” one of "
                                        "that branch's token positions.")
        reply = message_from_json(entry, n)
        head = branches[parent].reply.tokens[:fork] if k else ()
        tokens = head + tuple(replace(step, index=fork + i) for i, step in enumerate(reply.tokens))
        branches.append(Branch(_bare(replace(reply, role="assistant", tokens=tokens)), fork, parent))
    return select_branch(replace(branches[0].reply, branches=tuple(branches)), shown)


# ---------------------------------------------------------------- Markdown
def branches_markdown(message: Message) -> list[str]:
    """After the branch on show: the other branches, each from where it parts from the one on show."""
    if len(message.branches) < 2:
        return []
    lines = [f"*Branch {message.branch + 1} of {len(message.branches)} is shown above. The others, from where "
             "they part from it:*", ""]
    for number, branch in enumerate(message.branches, 1):
        if number - 1 == message.branch:
            continue
        tokens = branch.reply.tokens
        at = shared_length(message.tokens, tokens)
        tail = "".join(step.text for step in tokens[at:]).rstrip().replace("\n", "\n  ") or "*(ends there)*"
        lines += [f"- **Branch {number}** (from token {at + 1}): …{tail}"]
    return lines + [""]
