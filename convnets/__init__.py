"""Shared code for the chapters of ConvNets from Scratch: images, plots and widgets."""

import os

# A translated page (CONVNETS_LANGUAGE, set by scripts/build_book.py) draws its figures in its
# language. Imported only then: a grading kernel may read no more of convnets than convnets.data.
if os.environ.get("CONVNETS_LANGUAGE", "en") != "en":
    from convnets import i18n

    i18n.install()
