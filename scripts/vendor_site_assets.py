"""Copy the scripts the book's pages load (MathJax, require.js, the widget manager) out of
node_modules, and the Korean pages' font (NanumGothic, from the koreanize-matplotlib package the
Korean figures are drawn with) into book/_offline/vendor/, which Sphinx serves from the site root,
so the built site needs no CDN. Run `npm ci` first."""

import shutil
import sys
from pathlib import Path

from convnets.i18n import hangul_font

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "book" / "_offline" / "vendor"

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
    fonts = VENDOR / "fonts"
    fonts.mkdir()
    shutil.copy2(hangul_font(), fonts)
    print(f"site assets copied to {VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
