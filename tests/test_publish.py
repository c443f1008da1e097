"""`make publish DIR`: the public tree holds the book, the releases and the chapters' package, and
nothing of the instructors' (no hidden test, no solution, no reference value); the check that
says so finds each of them when they are planted; bad folders are refused with what to do."""

import base64
import importlib.util
import io
import json
import shutil
import sqlite3
import subprocess

import nbformat
import numpy as np
import pytest
import yaml
from leak_check import NPY_BASE64, find_leaks, instructor_blocks, marked_blocks
from publish import PUBLIC_NOTE, PublishError, check_destination, main, public_files, publish, toc_files

from autograder.assignments import EXERCISES_DIR, REPO_ROOT, SOLUTIONS_DIR, assignment_names
from autograder.pipeline.harness import OBSERVATION_MIME
from autograder.pipeline.notebook_cells import SOLUTION_MARKERS

PUBLIC_URL = "https://github.com/example/convnets-public"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return publish(tmp_path_factory.mktemp("public") / "course")


def source_cells(assignment):
    return nbformat.read(str(SOLUTIONS_DIR / assignment / f"{assignment}.ipynb"), as_version=4).cells


def test_the_public_tree_holds_the_book_the_releases_and_the_chapters_package(published):
    files = public_files()
    for folder in ("book/", f"{EXERCISES_DIR.name}/", "convnets/"):
        tracked = [path for path in files if path.startswith(folder)]
        assert tracked, folder
        for path in tracked:
            assert (published / path).read_bytes() == (REPO_ROOT / path).read_bytes(), path
    for chapter in toc_files(yaml.safe_load((published / "_toc.yml").read_text())):
        assert (published / f"{chapter}.md").is_file(), chapter
    for assignment in assignment_names():
        assert (published / EXERCISES_DIR.name / assignment / f"{assignment}.ipynb").is_file(), assignment
    for name in ("_config.yml", "requirements.txt", "pyproject.toml", "Makefile", "LICENSE", "package-lock.json"):
        assert (published / name).is_file(), name
    readme = (published / "README.md").read_text()
    assert readme == PUBLIC_NOTE + (REPO_ROOT / "README.md").read_text()


def test_the_public_tree_holds_no_instructor_material(published):
    assert not (published / SOLUTIONS_DIR.name).exists() and not (published / "tests").exists()
    assert find_leaks(published) == []
    # the check knows what to look for: every assignment's hidden tests and solutions
    labels = set(instructor_blocks().values())
    for assignment in assignment_names():
        assert any(label.startswith(f"the hidden test of {assignment}/") for label in labels), assignment
        assert any(label.startswith(f"the solution of {assignment}/") for label in labels), assignment


def test_the_public_tree_works_for_make_serve_and_make_lab(published):
    for target, command in (("serve", "scripts/build_book.py"), ("lab", "jupyter lab")):
        dry_run = subprocess.run(["make", "-n", target], cwd=published, capture_output=True, text=True)
        assert dry_run.returncode == 0 and command in dry_run.stdout, (target, dry_run.stderr)
    config = subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "jupyter-book"), "config", "sphinx", str(published)],
        capture_output=True,
        text=True,
    )
    assert config.returncode == 0, config.stderr
    assert "launch_links" in (published / "conf.py").read_text()
    (published / "conf.py").unlink()


def test_the_launch_buttons_open_the_public_repositorys_chapter_notebooks(published):
    spec = importlib.util.spec_from_file_location("public_launch_links", published / "book/_ext/launch_links.py")
    launch_links = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(launch_links)
    options = launch_links.launch_options({"COURSE_REPOSITORY_URL": PUBLIC_URL})
    assert options["repository_url"] == PUBLIC_URL and options["path_to_docs"] == ""
    chapters = toc_files(yaml.safe_load((published / "_toc.yml").read_text()))
    notebooks = [chapter for chapter in chapters if (REPO_ROOT / f"{chapter}.ipynb").is_file()]
    assert notebooks, "no chapter notebook for the launch buttons"
    for chapter in notebooks:
        assert (published / f"{chapter}.ipynb").is_file(), chapter


def plant_solution_notebook(tree):
    """The mistake publishing is there to prevent: the source notebook where the release belongs."""
    shutil.copy(SOLUTIONS_DIR / "lenet" / "lenet.ipynb", tree / EXERCISES_DIR.name / "lenet" / "lenet.ipynb")
    return "the solution of lenet/lenet5"


def plant_unmarked_solution(tree):
    """A solution block pasted into a chapter, markers gone and indented anew."""
    cell = next(cell for cell in source_cells("lenet") if "BEGIN SOLUTION" in cell.source)
    block = marked_blocks(cell.source, *SOLUTION_MARKERS)[0]
    with open(tree / "book" / "lenet.md", "a") as chapter:
        chapter.write("\n```python\n" + "\n".join("  " + line.strip() for line in block.split("\n")) + "\n```\n")
    return "the solution of lenet/lenet5"


def plant_hidden_test(tree):
    """A hidden block copied, without its markers, into the chapters' package."""
    cell = next(cell for cell in source_cells("conv_numpy") if "BEGIN HIDDEN TESTS" in cell.source)
    from autograder.pipeline.redaction import BEGIN_HIDDEN, END_HIDDEN

    (tree / "convnets" / "checks.py").write_text(marked_blocks(cell.source, BEGIN_HIDDEN, END_HIDDEN)[0])
    return "the hidden test of conv_numpy/"


def plant_hidden_marker(tree):
    (tree / "book" / "notes.md").write_text(
        "```python\n### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS\n```\n"
    )
    return "a hidden test block"


def plant_reference_values(tree):
    """A reference file as the grader keeps it: {notebook: {test cell: [observations]}}."""
    buffer = io.BytesIO()
    np.save(buffer, np.arange(4.0))
    payload = {"name": "conv2d", "npy": base64.b64encode(buffer.getvalue()).decode()}
    (tree / "lenet-0123456789abcdef.json").write_text(json.dumps({"lenet.ipynb": {"test_conv2d": [payload]}}))
    return "an observation payload"


def plant_observed_notebook(tree):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("x = 1")]
    notebook.cells[0].outputs = [nbformat.v4.new_output("display_data", {OBSERVATION_MIME: {"name": "x"}})]
    nbformat.write(notebook, str(tree / "book" / "graded.ipynb"))
    return "the grader's observations"


def plant_gradebook(tree):
    sqlite3.connect(tree / "gradebook.db").execute("create table grade (id integer)").connection.commit()
    return "an SQLite database"


def plant_answer_library(tree):
    (tree / "tests" / "legitimate").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "tests" / "legitimate" / "lenet.yaml", tree / "tests" / "legitimate")
    return "a file of the instructors' tests/"


@pytest.mark.parametrize(
    "plant",
    [
        plant_solution_notebook,
        plant_unmarked_solution,
        plant_hidden_test,
        plant_hidden_marker,
        plant_reference_values,
        plant_observed_notebook,
        plant_gradebook,
        plant_answer_library,
    ],
)
def test_the_check_finds_planted_instructor_material(published, tmp_path, plant):
    tree = tmp_path / "tree"
    shutil.copytree(published, tree)
    expected = plant(tree)
    leaks = find_leaks(tree)
    assert any(expected in leak for leak in leaks), leaks


def test_an_observation_payload_starts_as_the_check_expects():
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(1))
    assert base64.b64encode(buffer.getvalue()).decode().startswith(NPY_BASE64)


def test_bad_folders_are_refused_with_what_to_do(tmp_path):
    with pytest.raises(PublishError, match="inside the repository.*outside it"):
        check_destination(REPO_ROOT / "public")
    with pytest.raises(PublishError, match="inside the repository"):
        check_destination(REPO_ROOT)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    with pytest.raises(PublishError, match=r"not empty \(notes.txt\): publish into a new or empty folder"):
        check_destination(tmp_path / "full")
    (tmp_path / "file").write_text("")
    with pytest.raises(PublishError, match="is a file"):
        check_destination(tmp_path / "file")
    (tmp_path / "clone" / ".git").mkdir(parents=True)  # an emptied clone of the public repository
    assert check_destination(tmp_path / "clone") == (tmp_path / "clone").resolve()
    assert check_destination(tmp_path / "new") == (tmp_path / "new").resolve()


def test_make_publish_runs_the_script_and_without_dir_says_how_to_call_it(capsys):
    dry_run = subprocess.run(["make", "-n", "publish", "DIR=/tmp/x"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert "scripts/publish.py /tmp/x" in dry_run.stdout, dry_run.stdout + dry_run.stderr
    with pytest.raises(SystemExit, match="make publish DIR=<a new or empty folder outside this repository>"):
        main([])
