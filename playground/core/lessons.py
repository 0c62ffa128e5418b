"""Lessons for the Learn panel and scenes for presenter mode: data files, read and checked here (no Qt).

A lesson is two files side by side in `lessons/<lang>/`: `NAME.md` (a `# Title` line, a few paragraphs, and
optionally the key formula in a `$$ … $$` block) and `NAME.json` (the demo that **Show me** sets up, e.g.
`{"order": 10, "action": "config_compare", "args": {"presets": ["GPT-2 small (124M)", "Llama-3-8B"]}}`).
Lessons are read from the app's `resources/lessons/` and from `<data dir>/lessons/` (a teacher's own), and
sorted by `order`, then name. A malformed pair is reported by its file name and skipped, never raised.

A scenes file (a presenter's script) is a JSON list of `{"title": …, "action": …, "args": {…}}`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from playground.core.paths import RESOURCES

LANGUAGES = ("en", "zh_CN")
DEFAULT_LANGUAGE = "en"
LESSONS_DIR = RESOURCES / "lessons"
_FORMULA = re.compile(r"^\$\$\s*\n?(.*?)\n?\s*\$\$\s*$", re.S | re.M)


@dataclass(frozen=True)
class Demo:
    """What Show me does: the name of a registered action and its arguments."""

    action: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Lesson:
    key: str  # the file name without extension ("01-parameters"): the same in every language
    language: str
    title: str
    body: str  # Markdown, the title line and the formula block removed
    formula: str  # plain Unicode text ("C ≈ 6·N·D"), "" if none
    demo: Demo
    order: int = 1000
    path: Path | None = None


@dataclass(frozen=True)
class Scene:
    title: str
    demo: Demo


@dataclass(frozen=True)
class Loaded:
    """What was read: the good items, and one message per file that was skipped (naming the file)."""

    items: tuple
    problems: tuple[str, ...] = ()


def language_for_locale(name: str) -> str:
    """'zh_CN' for any Chinese locale name ('zh_CN', 'zh-Hans', 'zh_TW'…), else English."""
    return "zh_CN" if name.lower().replace("-", "_").startswith("zh") else DEFAULT_LANGUAGE


def lesson_dirs(language: str, extra: Iterable[Path] = ()) -> list[Path]:
    """Where lessons in `language` live: the app's folder, then each `extra` root's `<language>/`."""
    return [root / language for root in (LESSONS_DIR, *extra)]


def _demo(raw: Any, where: str) -> Demo:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a JSON object")
    action = raw.get("action")
    if not isinstance(action, str) or not action.strip():
        raise ValueError(f'{where}: "action" must be the name of a demo (a string)')
    args = raw.get("args", {})
    if not isinstance(args, dict):
        raise ValueError(f'{where}: "args" must be a JSON object')
    return Demo(action.strip(), dict(args))


def parse_lesson(markdown: str, demo_json: str, *, key: str, language: str, path: Path | None = None) -> Lesson:
    """One lesson from its two texts; ValueError says what is wrong (the caller names the file)."""
    try:
        raw = json.loads(demo_json)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{key}.json is not valid JSON ({exc.msg}, line {exc.lineno})") from None
    demo = _demo(raw, f"{key}.json")
    order = raw.get("order", 1000)
    if not isinstance(order, int) or isinstance(order, bool):
        raise ValueError(f'{key}.json: "order" must be a whole number')
    lines = markdown.strip().splitlines()
    if not lines or not lines[0].startswith("# ") or not lines[0][2:].strip():
        raise ValueError(f"{key}.md must start with a '# Title' line")
    body = "\n".join(lines[1:]).strip()
    formula = ""
    match = _FORMULA.search(body)
    if match:
        formula = match.group(1).strip()
        body = (body[: match.start()] + body[match.end():]).strip()
    if not body:
        raise ValueError(f"{key}.md has a title but no explanation")
    return Lesson(key, language, lines[0][2:].strip(), body, formula, demo, order, path)


def load_lessons(language: str, extra: Iterable[Path] = ()) -> Loaded:
    """Every lesson in `language` (a teacher's lesson with the same key replaces the app's)."""
    found: dict[str, Lesson] = {}
    problems: list[str] = []
    for folder in lesson_dirs(language, extra):
        if not folder.is_dir():
            continue
        for md in sorted(folder.glob("*.md")):
            demo_file = md.with_suffix(".json")
            try:
                if not demo_file.exists():
                    raise ValueError(f"{md.name} has no {demo_file.name} beside it (the Show me demo)")
                lesson = parse_lesson(md.read_text(encoding="utf-8"), demo_file.read_text(encoding="utf-8"),
                                      key=md.stem, language=language, path=md)
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                problems.append(f"Lesson {md.name} ({language}) skipped: {exc}")
                continue
            found[lesson.key] = lesson
        for orphan in sorted(folder.glob("*.json")):
            if not orphan.with_suffix(".md").exists():
                problems.append(f"Lesson {orphan.name} ({language}) skipped: no {orphan.stem}.md beside it")
    lessons = sorted(found.values(), key=lambda lesson: (lesson.order, lesson.key))
    return Loaded(tuple(lessons), tuple(problems))


def parse_scenes(text: str, name: str = "scenes") -> Loaded:
    """A presenter's script: a JSON list of {"title", "action", "args"}. A bad entry is reported by its
    position and skipped; a file that is not a JSON list raises ValueError naming it."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{name} is not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(raw, list):
        raise ValueError(f"{name} must be a JSON list of scenes")
    scenes, problems = [], []
    for i, entry in enumerate(raw, 1):
        try:
            demo = _demo(entry, f"{name}, scene {i}")
            title = entry.get("title") or demo.action
            if not isinstance(title, str):
                raise ValueError(f'{name}, scene {i}: "title" must be text')
        except ValueError as exc:
            problems.append(f"{exc} (skipped)")
            continue
        scenes.append(Scene(title, demo))
    return Loaded(tuple(scenes), tuple(problems))


def read_scenes(path: str | Path) -> Loaded:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"Could not read {path.name}: {exc}") from None
    return parse_scenes(text, path.name)


def lesson_scenes(lessons: Iterable[Lesson]) -> tuple[Scene, ...]:
    """The lessons as a script, in their order."""
    return tuple(Scene(lesson.title, lesson.demo) for lesson in lessons)
