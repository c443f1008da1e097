import sys
from functools import lru_cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def course_dir_for(tmp_path_factory):
    """course_dir_for(assignment) -> one grading folder per assignment for the whole test run, so
    that the wrong answers, the red team and the mutants share its reference run."""
    @lru_cache(maxsize=None)
    def course(assignment):
        return tmp_path_factory.mktemp(f"course-{assignment}") / "course"
    return course
