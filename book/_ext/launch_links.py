"""Sphinx extension: launch buttons (Binder, Colab, a JupyterHub) for the site's deployment.

Launching needs the public git repository the course is published from, which only whoever
deploys the site knows; the buttons appear when the build is given it:

    COURSE_REPOSITORY_URL=https://github.com/ORG/REPO [COURSE_REPOSITORY_BRANCH=main]
    [COURSE_JUPYTERHUB_URL=https://hub.example.edu] make book

Without COURSE_REPOSITORY_URL the pages carry no launch button (and the site stays offline-clean).
The buttons open book/<chapter>.ipynb, committed beside each chapter (scripts/chapter_notebooks.py),
and on a translated build locales/<language>/book/<chapter>.ipynb, the chapter in that language;
Colab is offered for repositories on GitHub, the only host it opens notebooks from.
"""

import os

BINDER = "https://mybinder.org"
COLAB = "https://colab.research.google.com"


def launch_options(environ, language=None):
    """The sphinx-book-theme options that turn the buttons on, or {} when not configured."""
    repository = environ.get("COURSE_REPOSITORY_URL", "").strip()
    if not repository:
        return {}
    launch = {"notebook_interface": "jupyterlab", "binderhub_url": BINDER}
    if repository.startswith("https://github.com/"):
        launch["colab_url"] = COLAB
    if environ.get("COURSE_JUPYTERHUB_URL"):
        launch["jupyterhub_url"] = environ["COURSE_JUPYTERHUB_URL"].strip()
    return {
        "repository_url": repository,
        "repository_branch": environ.get("COURSE_REPOSITORY_BRANCH", "main"),
        "path_to_docs": f"locales/{language}" if language not in (None, "en") else "",
        "use_repository_button": True,
        "launch_buttons": launch,
    }


def configure(app, config):
    options = launch_options(os.environ, config.language)
    if options:
        config.html_theme_options = {**config.html_theme_options, **options}


def setup(app):
    app.connect("config-inited", configure)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
