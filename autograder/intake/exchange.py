"""nbgrader's exchange inbound folder: every hand-in is kept, one folder each, named
`<student>+<assignment>+<timestamp>+<random>` (older nbgrader: without `+<random>`), holding the
notebooks and a timestamp.txt. Of several hand-ins by one student the latest is graded; the
others stay where they are.
"""

import re
import shutil
from pathlib import Path

from nbgrader.utils import parse_utc

HAND_IN = re.compile(r"^(?P<student>[^+]+)\+(?P<assignment>[^+]+)\+(?P<timestamp>[^+]+)(\+[^+]*)?$")


def hand_in_time(folder, match):
    stamp = folder / "timestamp.txt"
    return parse_utc(stamp.read_text().strip() if stamp.exists() else match["timestamp"])


def find_hand_ins(folder, assignment):
    """[(student, time, folder)] of the assignment's hand-ins in an exchange inbound folder."""
    found = []
    for path in sorted(Path(folder).iterdir()):
        match = HAND_IN.match(path.name) if path.is_dir() else None
        if match and match["assignment"] == assignment:
            found.append((match["student"], hand_in_time(path, match), path))
    return found


def stage_latest_hand_ins(folder, assignment, staging):
    """Copy each student's latest hand-in to staging/<student>/<assignment>/; returns notes."""
    by_student, notes = {}, []
    for student, time, path in find_hand_ins(folder, assignment):
        by_student.setdefault(student, []).append((time, path))
    for student, hand_ins in sorted(by_student.items()):
        hand_ins.sort(key=lambda hand_in: hand_in[0])
        latest_time, latest = hand_ins[-1]
        shutil.copytree(latest, Path(staging) / student / assignment)
        if len(hand_ins) > 1:
            notes.append(
                f"{student}: {len(hand_ins)} hand-ins, graded the latest ({latest_time:%Y-%m-%d %H:%M:%S} UTC, "
                f"{latest.name}); the {len(hand_ins) - 1} earlier one(s) stay in {Path(folder)}"
            )
    return notes
