"""Linux Landlock, through its three system calls: a process gives up file and network access
for itself and every process it starts, irrevocably, without privileges (Linux 5.13 and newer).

Access is an allow-list: after `restrict`, the process reads only under `read_paths`, writes
only under `write_paths`, opens no TCP connection and binds no TCP port, and (ABI 6 and newer)
cannot signal or reach abstract sockets of processes outside its sandbox.
"""

import ctypes
import os
import platform

SYSCALLS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446)}
CREATE_RULESET_VERSION = 1 << 0
RULE_PATH_BENEATH, RULE_NET_PORT = 1, 2
PR_SET_NO_NEW_PRIVS = 38

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1

FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV  # what a rule on a file may grant
READ = EXECUTE | READ_FILE | READ_DIR


class RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class LandlockError(OSError):
    pass


_libc = ctypes.CDLL(None, use_errno=True)


def _syscall(number, *args):
    result = _libc.syscall(number, *args)
    if result < 0:
        error = ctypes.get_errno()
        raise LandlockError(error, os.strerror(error))
    return result


def abi_version():
    """The Landlock ABI this kernel offers, or 0 when it offers none."""
    numbers = SYSCALLS.get(platform.machine())
    if not numbers:
        return 0
    try:
        return _syscall(numbers[0], None, ctypes.c_size_t(0), ctypes.c_uint32(CREATE_RULESET_VERSION))
    except LandlockError:
        return 0


def handled_fs(abi):
    access = (1 << 13) - 1  # ABI 1: EXECUTE .. MAKE_SYM
    if abi >= 2:
        access |= REFER
    if abi >= 3:
        access |= TRUNCATE
    if abi >= 5:
        access |= IOCTL_DEV
    return access


def restrict(read_paths, write_paths, list_paths=(), socket_paths=()):
    """Confine this process (and its future children) to the given paths; no TCP at all.

    list_paths may be listed but files beneath them not read (unless also under read_paths);
    in socket_paths, Unix sockets may be made and files removed, nothing read.
    Paths that do not exist are skipped. Raises LandlockError when the kernel has no Landlock.
    """
    abi = abi_version()
    if abi < 1:
        raise LandlockError(0, "this Linux kernel offers no Landlock (needs 5.13+ with landlock enabled)")
    create, add_rule, restrict_self = SYSCALLS[platform.machine()]
    fs = handled_fs(abi)
    attr = RulesetAttr(
        fs,
        NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0,
        SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0,
    )
    size = ctypes.sizeof(RulesetAttr) if abi >= 6 else (16 if abi >= 4 else 8)
    ruleset = _syscall(create, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    try:
        rules = (
            (list_paths, READ_DIR),
            (socket_paths, MAKE_SOCK | REMOVE_FILE),
            (read_paths, READ & fs),
            (write_paths, fs),
        )
        for paths, access in rules:
            for path in paths:
                _allow(add_rule, ruleset, path, access)
        _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        _syscall(restrict_self, ctypes.c_int(ruleset), ctypes.c_uint32(0))
    finally:
        os.close(ruleset)
    return abi


def _allow(add_rule, ruleset, path, access):
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except FileNotFoundError:
        return
    try:
        if not os.path.isdir(path):
            access &= FILE_ONLY
        rule = PathBeneathAttr(access, fd)
        _syscall(
            add_rule, ctypes.c_int(ruleset), ctypes.c_int(RULE_PATH_BENEATH), ctypes.byref(rule), ctypes.c_uint32(0)
        )
    finally:
        os.close(fd)
