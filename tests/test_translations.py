"""The Korean edition's catalogs, terms, search and figure words (fast: nothing is executed).

The built Korean site is checked in test_book.py; here, what can be judged from the sources."""

import json
import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest
import yaml
from babel.messages.pofile import read_po
from helpers.chapters import CHAPTERS, TOC

from autograder.assignments import REPO_ROOT

matplotlib.use("Agg")

sys.path.insert(0, str(REPO_ROOT / "book" / "_ext"))
sys.path.insert(0, str(REPO_ROOT / "scripts"))
import korean_search  # noqa: E402
from update_catalogs import extract_messages  # noqa: E402

from convnets import i18n  # noqa: E402

MESSAGES = REPO_ROOT / "locales" / "ko" / "LC_MESSAGES"
PAGES = [TOC["root"], *(entry["file"] for part in TOC["parts"] for entry in part["chapters"])]
CATALOGS = sorted(MESSAGES.rglob("*.po"))
GLOSSARY = yaml.safe_load((REPO_ROOT / "locales" / "ko" / "glossary.yml").read_text())


def read_catalog(path):
    with path.open("rb") as file:
        return read_po(file)


def messages(path):
    return [message for message in read_catalog(path) if message.id]


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: str(path.relative_to(MESSAGES)))
def test_every_message_is_translated_and_none_is_fuzzy(catalog):
    untranslated = [message.id[:70] for message in messages(catalog) if not message.string]
    fuzzy = [message.id[:70] for message in messages(catalog) if message.fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated in {catalog.name}: {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy (the English changed) in {catalog.name}: {fuzzy[:5]}"


def test_every_page_has_a_catalog_with_every_message_of_its_source(tmp_path):
    templates = extract_messages(tmp_path)
    for page in PAGES:
        catalog = MESSAGES / f"{page}.po"
        assert catalog.is_file(), f"{page} has no Korean catalog: run `make catalogs` and translate it"
        source = {message.id for message in read_catalog(templates / f"{page}.pot") if message.id}
        translated = {message.id for message in messages(catalog)}
        assert source <= translated, f"{page}: {len(source - translated)} messages not in its catalog (`make catalogs`)"
        assert translated <= source, f"{page}: messages no longer in the source: {sorted(translated - source)[:3]}"


TITLE = re.compile(r"^(?:#+|:{3,}\{\w+\}|`{3,}\{\w+\})[ \t]+(.+)$", re.M)
ENGLISH_AFTER = re.compile(r"[^\s(]*(?:\s[^\s(]+)?\s?\([^)]*[A-Za-z]")


def titles(page):
    """The page's headings and directive titles (admonitions, drop-downs): a term's first use in
    a title is not where its English goes; the first use in the running text is."""
    return set(TITLE.findall((REPO_ROOT / f"{page}.md").read_text()))


def first_use(running_text, term):
    """The text around the first use of `term` in the page's running text, or None."""
    for text in running_text:
        text = re.sub(r"`[^`]*`|\$[^$]*\$|[*_]", "", text)
        found = re.search(f"(?<![\uac00-\ud7a3A-Za-z0-9]){re.escape(term)}", text)  # at a word's start
        if found:
            return text, found.start()
    return None, None


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_glossary_term_is_followed_by_its_english_at_its_first_use(chapter):
    skipped = titles(chapter)
    running_text = [message.string for message in messages(MESSAGES / f"{chapter}.po") if message.id not in skipped]
    missing = []
    for term in GLOSSARY:
        text, at = first_use(running_text, term["ko"])
        if text is not None and not ENGLISH_AFTER.match(text, at + len(term["ko"])):
            missing.append(f"{term['ko']} ({term['en']}): …{text[max(0, at - 10) : at + 40]}…")
    assert not missing, f"{chapter}: first use without the English term in parentheses: {missing}"


def test_glossary_terms_are_unique():
    assert len({term["ko"] for term in GLOSSARY}) == len(GLOSSARY)
    assert len({term["en"] for term in GLOSSARY}) == len(GLOSSARY)


# Search: inflected forms of one word give the same terms, in Python (the index) and JavaScript (the query)
INFLECTED = {
    "패딩": ["패딩을", "패딩은", "패딩이", "패딩의", "패딩으로", "패딩에서는"],
    "스트라이드": ["스트라이드를", "스트라이드가", "스트라이드와"],
    "정규화": ["정규화를", "정규화는", "정규화에"],
}


@pytest.mark.parametrize("word", sorted(INFLECTED))
def test_korean_search_terms_ignore_particles(word):
    terms = korean_search.split_words(word)
    assert terms and all(len(term) <= 2 for term in terms)
    for inflected in INFLECTED[word]:
        assert korean_search.split_words(inflected) == terms, inflected


def test_korean_search_finds_a_word_inside_a_compound_and_keeps_other_scripts():
    assert set(korean_search.split_words("정규화")) <= set(korean_search.split_words("배치정규화를 쓴다"))
    assert korean_search.split_words("ReLU를 3x3의 conv1") == ["ReLU", "3x3", "conv1"]
    assert korean_search.SearchKorean({}).stem("layers") == "layer"
    assert korean_search.SearchKorean({}).stem("패딩") == "패딩"


def test_the_browser_splits_queries_as_the_index_does():
    queries = [word for words in INFLECTED.values() for word in words] + [
        "배치 정규화를 쓴 ResNet의 3x3 합성곱(convolution)"
    ]
    script = korean_search.JS_SPLITTER + f"\nconsole.log(JSON.stringify({json.dumps(queries)}.map(splitQuery)));"
    completed = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    assert json.loads(completed.stdout) == [korean_search.split_words(query) for query in queries]


# Figure words
@pytest.fixture
def korean(monkeypatch, tmp_path):
    monkeypatch.setenv("CONVNETS_LANGUAGE", "ko")
    monkeypatch.setenv("CONVNETS_UNTRANSLATED", str(tmp_path / "untranslated.txt"))
    return tmp_path / "untranslated.txt"


def test_figure_words_with_numbers_and_lines(korean):
    words = i18n.catalog("ko")
    english, korean_text = next((key, value) for key, value in words.items() if "{}" not in key)
    assert i18n.translate(english) == korean_text
    template = next(key for key in words if key.count("{}") == 1 and "{{" not in words[key])
    filled = template.replace("{}", "17")
    assert "17" in i18n.translate(filled) and i18n.translate(filled) == words[template].replace("{}", "17")
    assert i18n.translate(f"{english}\n{english}") == f"{korean_text}\n{korean_text}"
    assert i18n.translate("3x3") == "3x3" and i18n.translate("12.5%") == "12.5%"  # no words: nothing to look up
    assert i18n.translate("$\\sigma^2$") == "$\\sigma^2$"  # math
    assert i18n.translate(english, language="en") == english


def test_numbers_are_put_back_in_the_translations_order():
    assert i18n.fill("{1}에서 {0}", ["3", "5"]) == "5에서 3"
    assert i18n.fill("{}개, $\\sigma^{{2}}$ {x}", ["7"]) == "7개, $\\sigma^{2}$ {x}"


def test_a_text_the_catalog_lacks_is_drawn_as_is_and_recorded(korean):
    assert i18n.translate("a sentence no figure draws") == "a sentence no figure draws"
    assert korean.read_text() == "a sentence no figure draws\n"


def test_a_figure_is_drawn_in_korean_with_a_hangul_font(korean):
    import matplotlib.pyplot as plt

    english, korean_text = next((key, value) for key, value in i18n.catalog("ko").items() if "{}" not in key)
    with matplotlib.rc_context():
        i18n.install("ko")
        figure, axes = plt.subplots()
        axes.set_title(english)
        figure.savefig(Path(korean.parent) / "figure.png")
        assert axes.get_title() == korean_text
        assert matplotlib.rcParams["font.family"][0] == "NanumGothic"
        plt.close(figure)
    assert "NanumGothic" in {font.name for font in matplotlib.font_manager.fontManager.ttflist}


# The chapters as Korean notebooks (what the Korean pages' launch buttons open)
import page_translation  # noqa: E402
from chapter_notebooks import as_notebook, chapter_sources, translated_path  # noqa: E402

SAMPLE_CATALOG = {
    "A paragraph that wraps over two lines.": "두 줄에 걸친 문단.",
    "A heading": "제목",
    "an item": "항목",
    "cell": "칸",
    "Answer": "답",
    "Inside the dropdown, **bold** and $x$.": "드롭다운 안, **굵게**와 $x$.",
}


def test_markdown_is_translated_block_by_block_and_markup_kept():
    source = "\n".join(
        [
            "## A heading",
            "",
            "A paragraph that wraps",
            "over two lines.",
            "",
            "- an item",
            "- not in the catalog",
            "",
            "| cell | cell |",
            "| --- | --- |",
            "",
            ":::{dropdown} Answer",
            ":class: note",
            "Inside the dropdown, **bold**",
            "and $x$.",
            ":::",
            "",
            "```python",
            "cell = 1  # an item",
            "```",
        ]
    )
    translated = page_translation.translate_markdown(source, SAMPLE_CATALOG).split("\n")
    assert translated == [
        "## 제목",
        "",
        "두 줄에 걸친 문단.",
        "",
        "- 항목",
        "- not in the catalog",
        "",
        "| 칸 | 칸 |",
        "| --- | --- |",
        "",
        ":::{dropdown} 답",
        ":class: note",
        "드롭다운 안, **굵게**와 $x$.",
        ":::",
        "",
        "```python",
        "cell = 1  # an item",
        "```",
    ]


ENGLISH_RUN = re.compile(r"\b[A-Za-z][A-Za-z'-]*(?:[ ,;:]+[A-Za-z][A-Za-z'-]*){5,}")
NOT_PROSE = re.compile(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|\([^()]*\)|\"[^\"]*\"|“[^”]*”|<[^>]*>", re.S)


@pytest.mark.parametrize("source", chapter_sources(), ids=lambda path: path.stem)
def test_korean_chapter_notebook_is_the_chapter_in_korean(source):
    path = translated_path(source, "ko")
    assert path.is_file() and path.read_text() == as_notebook(source, "ko"), "run `make notebooks`"
    korean = json.loads(path.read_text())["cells"]
    english = json.loads(source.with_suffix(".ipynb").read_text())["cells"]
    assert "CONVNETS_LANGUAGE" in "".join(korean[0]["source"]), "the figures would be drawn in English"
    assert [cell["source"] for cell in korean[1:] if cell["cell_type"] == "code"] == [
        cell["source"] for cell in english if cell["cell_type"] == "code"
    ], "the Korean notebook must run the very same code"
    prose = NOT_PROSE.sub(" ", "\n".join("".join(cell["source"]) for cell in korean if cell["cell_type"] == "markdown"))
    assert not ENGLISH_RUN.findall(prose), f"English left: {ENGLISH_RUN.findall(prose)[:3]}"


def test_translations_build_beside_english_only_when_english_runs_no_cell(tmp_path):
    """scripts/build_book.py builds the Korean book beside the English one only when every
    chapter's code is in the English execution cache, so a Korean run never misses an English
    training run it should replay."""
    from build_book import english_runs_no_cell
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from myst_nb.core.read import read_myst_markdown_notebook

    assert not english_runs_no_cell(tmp_path), "no cache yet: English executes"
    cache = get_cache(tmp_path / "_build" / ".jupyter_cache")
    sources = chapter_sources()
    for source in sources[1:]:
        notebook = read_myst_markdown_notebook(source.read_text(), path=str(source))
        cache.cache_notebook_bundle(CacheBundleIn(notebook, str(source)), check_validity=False)
    assert not english_runs_no_cell(tmp_path), f"{sources[0].name} is not cached"
    notebook = read_myst_markdown_notebook(sources[0].read_text(), path=str(sources[0]))
    cache.cache_notebook_bundle(CacheBundleIn(notebook, str(sources[0])), check_validity=False)
    assert english_runs_no_cell(tmp_path)
