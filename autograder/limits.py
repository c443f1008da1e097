"""What one submission may use while it is graded."""

from dataclasses import dataclass


@dataclass
class Limits:
    """Seconds per cell, seconds in all, memory (bytes, or None); and whether its code runs in the
    sandbox (no network, no file access outside its folder)."""

    cell_timeout: int = 60
    notebook_timeout: float = 900
    memory_bytes: int | None = 8 * 2**30
    sandbox: bool = True
