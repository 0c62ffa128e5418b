"""Lessons and scenes are data: both languages have every lesson, and a bad file is reported by name."""

from __future__ import annotations

import json

import pytest

from playground.core import lessons


def test_every_lesson_exists_in_english_and_chinese_with_the_same_demo():
    en, zh = lessons.load_lessons("en"), lessons.load_lessons("zh_CN")
    assert en.problems == () and zh.problems == ()
    assert len(en.items) >= 9
    assert [lesson.key for lesson in en.items] == [lesson.key for lesson in zh.items]
    for a, b in zip(en.items, zh.items):
        assert a.demo == b.demo and a.order == b.order
        assert a.formula and b.formula and a.title != b.title
        assert any("\u4e00" <= ch <= "\u9fff" for ch in b.body), b.key  # really Chinese
        assert "$$" not in a.body and not a.body.startswith("#")


def test_chinese_lessons_use_the_usual_terms():
    text = "".join(lesson.title + lesson.body for lesson in lessons.load_lessons("zh_CN").items)
    for term in ("参数", "预训练", "微调", "优化器", "正则化", "自注意力", "温度", "量化", "剪枝", "蒸馏"):
        assert term in text, term


def test_the_key_formulas_are_there():
    formulas = " ".join(lesson.formula for lesson in lessons.load_lessons("en").items)
    for piece in ("6·N·D", "softmax(Q·Kᵀ / √d_h)", "exp(zᵢ / T)", "λ₁·Σ|w|", "2·L·h_kv·d_h", "Adam"):
        assert piece in formulas, piece


def test_a_malformed_lesson_is_reported_by_name_and_skipped(tmp_path):
    folder = tmp_path / "en"
    folder.mkdir()
    (folder / "good.md").write_text("# Good\n\nText.\n\n$$\nE = mc²\n$$\n", encoding="utf-8")
    (folder / "good.json").write_text('{"action": "attention", "order": 1}', encoding="utf-8")
    (folder / "broken.md").write_text("# Broken\n\nText.", encoding="utf-8")
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    (folder / "notitle.md").write_text("No title line", encoding="utf-8")
    (folder / "notitle.json").write_text('{"action": "attention"}', encoding="utf-8")
    (folder / "lonely.md").write_text("# Lonely\n\nNo demo beside me.", encoding="utf-8")
    (folder / "orphan.json").write_text('{"action": "attention"}', encoding="utf-8")
    (folder / "badargs.md").write_text("# Bad args\n\nText.", encoding="utf-8")
    (folder / "badargs.json").write_text('{"action": "attention", "args": [1]}', encoding="utf-8")
    loaded = lessons.load_lessons("en", [tmp_path])
    keys = [lesson.key for lesson in loaded.items]
    assert keys[0] == "good" and "broken" not in keys and "notitle" not in keys and "lonely" not in keys
    good = loaded.items[0]
    assert good.title == "Good" and good.body == "Text." and good.formula == "E = mc²"
    problems = "\n".join(loaded.problems)
    for name in ("broken.md", "notitle.md", "lonely.md", "orphan.json", "badargs.md"):
        assert name in problems, name
    assert "not valid JSON" in problems and "'# Title'" in problems and '"args"' in problems


def test_a_teachers_lesson_replaces_the_apps_one_with_the_same_name(tmp_path):
    folder = tmp_path / "en"
    folder.mkdir()
    (folder / "06-attention.md").write_text("# My attention lesson\n\nMine.", encoding="utf-8")
    (folder / "06-attention.json").write_text('{"action": "attention", "order": 60}', encoding="utf-8")
    loaded = lessons.load_lessons("en", [tmp_path])
    titles = [lesson.title for lesson in loaded.items]
    assert "My attention lesson" in titles and "Self-attention and the Transformer" not in titles
    assert len(loaded.items) == len(lessons.load_lessons("en").items)


@pytest.mark.parametrize("locale, language", [("zh_CN", "zh_CN"), ("zh-Hans", "zh_CN"), ("zh_TW", "zh_CN"),
                                              ("en_US", "en"), ("de_DE", "en"), ("C", "en")])
def test_the_locale_picks_the_language(locale, language):
    assert lessons.language_for_locale(locale) == language


def test_scenes_parse_and_bad_entries_are_named(tmp_path):
    path = tmp_path / "talk.json"
    path.write_text(json.dumps([{"title": "Sizes", "action": "config_compare", "args": {"presets": ["Llama-3-8B"]}},
                                {"title": "no action"}, "text", {"action": "sampling"}]), encoding="utf-8")
    loaded = lessons.read_scenes(path)
    assert [s.title for s in loaded.items] == ["Sizes", "sampling"]
    assert loaded.items[0].demo.args == {"presets": ["Llama-3-8B"]}
    assert len(loaded.problems) == 2 and "talk.json, scene 2" in loaded.problems[0]
    assert "scene 3" in loaded.problems[1]
    with pytest.raises(ValueError, match="talk.json must be a JSON list"):
        lessons.parse_scenes("{}", "talk.json")
    with pytest.raises(ValueError, match="not valid JSON"):
        lessons.parse_scenes("[", "talk.json")


def test_lessons_become_scenes_in_order():
    loaded = lessons.load_lessons("en")
    scenes = lessons.lesson_scenes(loaded.items)
    assert [s.title for s in scenes] == [lesson.title for lesson in loaded.items]
    assert scenes[0].demo.action == "config_compare"
