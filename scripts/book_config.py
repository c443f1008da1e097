"""The book's Jupyter Book configuration for each language, written from the one `_config.yml`.

English is built at the site's root, every other language at `/<language>/` of the same site,
from the same sources: the pages' prose comes from the language's Sphinx catalogs
(`locales/<language>/LC_MESSAGES/`), the code cells are the very same. A translated build reads
`locales/<language>/config.yml` for the few settings that are words (title, footer, search
box) and finds the site's shared assets (MathJax, the widget scripts) one folder up.
"""

import copy
from pathlib import Path

import yaml

from autograder.pipeline.translation import LOCALES, SOURCE_LANGUAGE, TRANSLATIONS  # noqa: F401 (re-exported)

REPO_ROOT = Path(__file__).resolve().parents[1]

# Settings of _config.yml that name a path relative to the site's _static/ folder.
STATIC_RELATIVE = ("mathjax_path", "html_js_files", "html_css_files", "nb_ipywidgets_js")


def base_config():
    """_config.yml, its local extensions' folders made absolute (the written copy lives elsewhere)."""
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())
    sphinx = config.setdefault("sphinx", {})
    sphinx["local_extensions"] = {
        name: str(REPO_ROOT / folder) for name, folder in sphinx.get("local_extensions", {}).items()
    }
    return config


def merged(base, override):
    """base with override's values in place, nested dictionaries merged key by key."""
    result = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def one_folder_up(value):
    if isinstance(value, str):
        return "../" + value
    if isinstance(value, list):
        return ["../" + item for item in value]
    return {"../" + key: item for key, item in value.items()}


def messages_config():
    """For extracting the pages' messages (Sphinx's gettext builder): nothing executed, one
    catalog per page, no source line numbers (they would change every catalog at every edit)."""
    config = base_config()
    config["execute"]["execute_notebooks"] = "off"
    config["sphinx"]["config"].update(gettext_compact=False, gettext_location=False)
    return config


def language_config(language):
    """The configuration that builds the book in `language`."""
    config = base_config()
    if language == SOURCE_LANGUAGE:
        return config
    settings = config["sphinx"]["config"]
    settings.update(language=language, locale_dirs=[str(LOCALES)], gettext_compact=False)
    for name in STATIC_RELATIVE:
        if name in settings:
            settings[name] = one_folder_up(settings[name])
    settings.pop("html_extra_path", None)  # the shared assets are at the site's root
    return merged(config, yaml.safe_load((LOCALES / language / "config.yml").read_text()))


def write_config(config, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return path
