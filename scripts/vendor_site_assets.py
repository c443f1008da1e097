"""Copy the scripts the book's pages load (MathJax, require.js, the widget manager) out of
node_modules, and the Korean pages' font (NanumGothic, from the koreanize-matplotlib package the
Korean figures are drawn with) into book/_offline/vendor/, which Sphinx serves from the site root,
so the built site needs no CDN. Run `npm ci` first."""

import shutil
import sys
from pathlib import Path

from fontTools.ttLib import TTFont

from convnets.i18n import hangul_font

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "book" / "_offline" / "vendor"

# Visual TrueType's source tables: of no use to a reader, and browsers refuse a font that has them
# empty (Chromium: "OTS parsing error: TSI3: zero-length table"), which NanumGothic's are.
FONT_EDITOR_TABLES = ("TSI0", "TSI1", "TSI2", "TSI3", "TSI5")

COPIES = {
    "mathjax/es5": "mathjax",
    "requirejs/require.js": "requirejs/require.js",
    "@jupyter-widgets/html-manager/dist": "html-manager",
}


def main():
    missing = [source for source in COPIES if not (NODE_MODULES / source).exists()]
    if missing:
        sys.exit(f"missing {', '.join(missing)} in node_modules/: run `npm ci` in {ROOT} first")
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    for source, target in COPIES.items():
        destination = VENDOR / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        if (NODE_MODULES / source).is_dir():
            shutil.copytree(NODE_MODULES / source, destination, ignore=shutil.ignore_patterns("*.map"))
        else:
            shutil.copy2(NODE_MODULES / source, destination)
    write_web_font(hangul_font(), VENDOR / "fonts")
    print(f"site assets copied to {VENDOR.relative_to(ROOT)}")


def write_web_font(font_file, folder):
    font = TTFont(font_file)
    for table in FONT_EDITOR_TABLES:
        if table in font:
            del font[table]
    folder.mkdir(parents=True, exist_ok=True)
    font.save(folder / Path(font_file).name)


if __name__ == "__main__":
    main()
