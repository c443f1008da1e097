"""The words in the chapters' figures and explorers, in the reader's language.

A translated page runs the very same code cells as the English page, with CONVNETS_LANGUAGE set
(scripts/build_book.py sets it). Importing convnets then draws with a font that has Hangul
(NanumGothic, from the koreanize-matplotlib package) and puts every text of a figure — titles,
axis labels, tick labels set by hand, legends, annotations — through the language's catalog
`locales/<language>/LC_MESSAGES/figures.po` just before the figure is rendered. The explorers'
control labels go through `translate` when they are made.

Numbers are not part of a catalog entry: "{} channels" → "채널 {}개" translates "128 channels", the
numbers put back in order (a translation may number them, "{1}, {0}", to reorder them). A text of
several lines not in the catalog as a whole is translated line by line. Math ($...$) needs no
translation. A text with words that the catalog lacks is drawn as it is and added, its numbers as
`{}`, to the file CONVNETS_UNTRANSLATED names, which `make catalogs` merges into the catalog for a
translator.
"""

import functools
import importlib.util
import os
import re
from pathlib import Path

LOCALES = Path(__file__).resolve().parents[1] / "locales"
SOURCE_LANGUAGE = "en"
PLACEHOLDER = "{}"
WORDS = re.compile(r"[A-Za-z]{2,}")
MATH = re.compile(r"\$[^$]*\$")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def hangul_font():
    """NanumGothic, as the koreanize-matplotlib package ships it (found without importing that
    package, whose import needs distutils)."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None:
        raise RuntimeError("the Korean pages need the koreanize-matplotlib package: run `make setup`")
    return Path(spec.origin).parent / "fonts" / "NanumGothic.ttf"


def current_language():
    return os.environ.get("CONVNETS_LANGUAGE", SOURCE_LANGUAGE)


@functools.cache
def catalog(language):
    """{English: translation} of the language's figure catalog (entries with `{}` for numbers)."""
    from babel.messages.pofile import read_po

    path = LOCALES / language / "LC_MESSAGES" / "figures.po"
    if not path.is_file():
        return {}
    with path.open("rb") as file:
        return {m.id: m.string for m in read_po(file) if m.id and m.string and not m.fuzzy}


FIELD = re.compile(r"\{\{|\}\}|\{(\d*)\}")


def fill(translation, numbers):
    """str.format's rules for {} and {0} and doubled braces, any other brace (TeX's) left as it is."""
    order = iter(numbers)

    def value(found):
        if found.group(0) in ("{{", "}}"):
            return found.group(0)[0]
        index = found.group(1)
        return numbers[int(index)] if index else next(order, "")

    return FIELD.sub(value, translation)


def translate(text, language=None):
    """text in `language` (default: CONVNETS_LANGUAGE); unchanged in English or when it has no words."""
    language = language or current_language()
    if language == SOURCE_LANGUAGE or not WORDS.search(MATH.sub("", text)):
        return text
    words = catalog(language)
    numbers, template = NUMBER.findall(text), NUMBER.sub(PLACEHOLDER, text)
    if template in words:
        return fill(words[template], numbers)
    if "\n" in text:
        return "\n".join(translate(line, language) for line in text.split("\n"))
    record_untranslated(template)
    return text


def record_untranslated(text):
    path = os.environ.get("CONVNETS_UNTRANSLATED")
    if path:
        with open(path, "a", encoding="utf-8") as file:
            file.write(text.replace("\\", "\\\\").replace("\n", "\\n") + "\n")


def translate_figure(figure):
    """Every text of the figure in the current language, in place."""
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        words = text.get_text()
        if words:
            text.set_text(translate(words))


def install(language=None):
    """Draw in `language` from now on: its font, and each figure's texts translated when rendered."""
    language = language or current_language()
    if language == SOURCE_LANGUAGE:
        return
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.backend_bases import FigureCanvasBase

    font_manager.fontManager.addfont(hangul_font())
    # NanumGothic first, DejaVu Sans for the glyphs it lacks (∂, ×, arrows)
    matplotlib.rcParams["font.family"] = ["NanumGothic", "DejaVu Sans"]
    print_figure = FigureCanvasBase.print_figure
    if getattr(print_figure, "translates", False):
        return

    @functools.wraps(print_figure)
    def print_translated_figure(self, *args, **kwargs):
        translate_figure(self.figure)
        return print_figure(self, *args, **kwargs)

    print_translated_figure.translates = True
    FigureCanvasBase.print_figure = print_translated_figure
