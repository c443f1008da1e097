import sys
from functools import lru_cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

# With `pytest -n 2 --dist loadgroup` (the default, pyproject.toml) each group runs on one worker:
# the tests that share the per-assignment grading folders (and so their reference runs) form one
# group, every other module its own group, so that a module's fixtures (the book build) run once.
SHARED_GRADING_GROUP = "shared-grading-folders"
# Longest first, so that the two workers finish together.
HEAVIEST_FIRST = [SHARED_GRADING_GROUP, "test_book.py", "test_autograder_cli.py", "test_jupyterlab.py"]
GROUP = pytest.StashKey[str]()


def pytest_collection_modifyitems(items):
    for item in items:
        group = SHARED_GRADING_GROUP if "course_dir_for" in item.fixturenames else item.path.name
        item.add_marker(pytest.mark.xdist_group(group))
        item.stash[GROUP] = group
    items.sort(key=lambda item: HEAVIEST_FIRST.index(item.stash[GROUP])
               if item.stash[GROUP] in HEAVIEST_FIRST else len(HEAVIEST_FIRST))


@pytest.fixture(scope="session")
def course_dir_for(tmp_path_factory):
    """course_dir_for(assignment) -> one grading folder per assignment for the whole test run, so
    that the wrong answers, the red team and the mutants share its reference run."""
    @lru_cache(maxsize=None)
    def course(assignment):
        return tmp_path_factory.mktemp(f"course-{assignment}") / "course"
    return course
