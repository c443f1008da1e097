"""nbgrader configuration for working on the course with nbgrader's own tools (formgrader,
`nbgrader generate_assignment`, ...) from the repository root: nbgrader's source/ and release/
are our solutions/ and exercises/. `python -m autograder` does not use this file; it writes a
config of its own into each grading folder."""

import os

c = get_config()  # noqa: F821 (provided by nbgrader)
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")
