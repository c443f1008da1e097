from functools import cache

import pytest
from helpers.book_build import start_in_background
from helpers.class_grading import grade_class

# With `pytest -n 2 --dist loadgroup --no-loadscope-reorder` (the default, pyproject.toml) each
# group runs on one worker, in this order: the tests of one assignment's class grading form a
# group (it is graded once), every other module is a group of its own (so that its fixtures run
# once). Heaviest first, so that the two workers finish together. The book's tests come last and
# in no group, spread over both workers: they read the site that the build started with the run
# (helpers/book_build.py) makes in the background meanwhile.
HEAVIEST_FIRST = [
    "class-alexnet",
    "class-vgg",
    "class-lenet",
    "class-resnet",
    "test_autograder_cli.py",
    "class-googlenet",
    "class-conv1x1",
    "class-conv_numpy",
    "class-conv_backward",
    "class-batchnorm",
    "test_cluster.py",
    "test_resume.py",
    "test_release.py",
    "test_run_cache.py",
    "test_kernel_server.py",
    "test_jupyterlab.py",
]
SPREAD_LAST = "test_book.py"
GROUP = pytest.StashKey[str]()


def group_of(item):
    if "class_grades" in item.fixturenames:
        return f"class-{item.callspec.params['assignment']}"
    return item.path.name


def pytest_itemcollected(item):  # marked as collected, before pytest-xdist reads the marks
    item.stash[GROUP] = group_of(item)
    if item.stash[GROUP] != SPREAD_LAST:
        item.add_marker(pytest.mark.xdist_group(item.stash[GROUP]))


def pytest_collection_finish(session):
    start_in_background(session)


def pytest_collection_modifyitems(items):
    rank = {group: index for index, group in enumerate(HEAVIEST_FIRST)}
    unlisted = len(rank)
    rank[SPREAD_LAST] = unlisted + 1
    items.sort(key=lambda item: rank.get(item.stash[GROUP], unlisted))


@pytest.fixture(scope="session")
def class_grades(tmp_path_factory):
    """class_grades(assignment) -> ClassGrades: the assignment's solution, blank release, wrong
    answers, legitimate variants, red team and mutant sample, graded in one run of the autograder."""

    @cache
    def grade(assignment):
        root = tmp_path_factory.mktemp(f"class-{assignment}")
        return grade_class(assignment, root / "submitted", root / "grading")

    return grade
