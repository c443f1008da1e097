"""The grader's side of the sandbox: a kernelspec and policy per private grading folder, and the
kernel server that forks its kernels while nbgrader runs there.

Student code runs in a kernel the kernel server forks (autograder.sandbox.kernel): in a network
namespace of its own (no network), under Landlock (reads only the Python installation, writes
only its own folder), with a cap on processes (a pids cgroup when the grader runs as root, whom
RLIMIT_NPROC does not bind; RLIMIT_NPROC otherwise). The kernelspec starts the kernel's stand-in
(kernel_proxy.py), which asks the server for it. The grader reaches the kernel over Unix sockets
in a short-named runtime folder under /tmp.
"""

import importlib.util
import json
import os
import shutil
import site
import socket
import subprocess
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

from . import kernel_proxy, landlock
from .cgroups import MAX_PROCESSES, pids_cgroup
from .lifetime import child_setup

KERNEL_NAME = "convnets-sandbox"

SYSTEM_READ_PATHS = ("/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc", "/proc", "/sys")
# What the kernel server imports before it forks: what the notebooks import anyway (ipykernel too).
# torch._dynamo is what the harness's first TorchDispatchMode (check_model's feature-map recorder)
# imports: a second of CPU in every PyTorch kernel, paid once in the server instead.
PRELOADED_PACKAGES = ("numpy", "torch", "torch._dynamo")
# glibc gives every block over 32 MB (AlexNet's weights, their gradients, Adam's moments) its own
# mapping and hands it back on free, so each step of a training loop page-faults and zeroes
# hundreds of MB afresh. The kernels keep their heap instead: the AlexNet solution's tests take a
# quarter less CPU (12.5 -> 9.0 s), for a peak resident size ~5% higher, within the memory cap.
# Read once, when the server's allocator starts; its forked kernels inherit the setting.
ALLOCATOR_ENVIRONMENT = {"MALLOC_MMAP_THRESHOLD_": str(2**32), "MALLOC_TRIM_THRESHOLD_": str(2**34)}


def unshare_prefix():
    """The command that puts the kernel server in a network namespace of its own (and, unless the
    grader is root, in a user namespace where its kernels may each make their own)."""
    if os.geteuid() == 0:
        return ["unshare", "--net"]
    return ["unshare", "--user", "--map-root-user", "--net"]


def unavailable_reason():
    """Why this machine cannot sandbox student code, or None when it can."""
    if landlock.abi_version() < 1:
        return "this Linux kernel has no Landlock (needs Linux 5.13+ with the landlock LSM enabled)"
    if not shutil.which("unshare"):
        return "the `unshare` command (util-linux) is missing"
    probe = subprocess.run([*unshare_prefix(), "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"cannot create a network namespace ({probe.stderr.strip() or probe.returncode})"
    return None


def _forbidden(name, forbidden):
    lowered = name.lower()
    return any(
        lowered == package or lowered.startswith((package + "-", package + ".", package + "_")) for package in forbidden
    )


def python_paths(forbidden, allowed=()):
    """(read, list-only) paths that make this Python installation importable, minus `forbidden`
    but with the `allowed` modules of forbidden packages (imports.is_refused)."""
    read, listed = [sys.base_prefix], []
    prefix = Path(sys.prefix)
    if prefix != Path(sys.base_prefix):
        listed.append(str(prefix))
        read += [str(entry) for entry in prefix.iterdir() if entry.name not in ("lib", "lib64")]
        listed += [str(prefix / "lib"), *map(str, (prefix / "lib").iterdir())]
    for packages in site.getsitepackages():
        listed.append(packages)
        read += [str(entry) for entry in Path(packages).iterdir() if not _forbidden(entry.name, forbidden)]
    spec = importlib.util.find_spec("convnets")  # an editable install lives outside site-packages
    if spec and spec.submodule_search_locations and "convnets" not in forbidden:
        read += list(spec.submodule_search_locations)
    for name in allowed:
        module_read, module_listed = module_paths(name)
        read += module_read
        listed += module_listed
    return read, listed


def module_paths(name):
    """(read, list-only) paths that let a kernel import the module `name` and nothing beside it:
    its file (a package: its folder), each parent package's __init__.py, the parents' folders
    listable (the import system lists a package's folder to find a module in it)."""
    spec = importlib.util.find_spec(name)  # imports the parent packages, here in the grader's process
    if spec is None or spec.origin is None:
        raise ValueError(f"the grading kernel should be allowed {name}, which is not installed here")
    read = list(spec.submodule_search_locations) if spec.submodule_search_locations else [spec.origin]
    listed = []
    parts = name.split(".")
    for depth in range(1, len(parts)):
        parent = importlib.util.find_spec(".".join(parts[:depth]))
        read.append(parent.origin)
        listed += list(parent.submodule_search_locations)
    return read, listed


# The devices a kernel may use: never /dev as a whole, whose disks a root kernel could read raw.
DEVICES = ("null", "zero", "full", "random", "urandom", "tty", "ptmx", "pts", "shm")


def device_paths():
    """DEVICES, and the GPUs' device files (CUDA opens /dev/nvidia*) where there are any."""
    return [f"/dev/{name}" for name in DEVICES] + sorted(str(path) for path in Path("/dev").glob("nvidia*"))


def short_runtime_dir():
    """A fresh folder for the kernel's Unix sockets, connection file and home. Socket paths are
    limited to 107 bytes, so it lives directly under /tmp rather than in the (deep) grading folder."""
    base = "/tmp" if os.access("/tmp", os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="autograder-", dir=base))


def socket_name(runtime):
    """The abstract Unix socket where a workspace's kernel server listens."""
    return f"autograder-kernels-{Path(runtime).name}"


def server_log(runtime):
    return Path(runtime) / "kernel-server.log"


def install_kernel(folder, forbidden_packages=(), allowed_modules=()):
    """Write folder/kernels/<KERNEL_NAME> and its policy; the kernel cannot import `forbidden_packages`
    but the `allowed_modules` of them (e.g. `convnets.data` of `convnets`).

    Returns (nbgrader config lines, environment, pids cgroup, runtime folder to remove afterwards).
    """
    folder = Path(folder).resolve()
    runtime = short_runtime_dir()
    cgroup = pids_cgroup(f"{folder.name}-{uuid.uuid4().hex[:8]}")
    read, listed = python_paths(forbidden_packages, allowed_modules)
    policy = {
        "read_paths": [*SYSTEM_READ_PATHS, *read],
        "list_paths": [*listed, "/dev"],
        "write_paths": device_paths(),
        "runtime_dir": str(runtime),
        "pids_cgroup": cgroup,
        "max_processes": MAX_PROCESSES,
        "preload": [name for name in PRELOADED_PACKAGES if not _forbidden(name, forbidden_packages)],
        "forbidden": list(forbidden_packages),
        "allowed_modules": list(allowed_modules),
        "kernel_folders": str(folder / "autograded"),  # where nbgrader runs each notebook
    }
    (runtime / "policy.json").write_text(json.dumps(policy, indent=1))
    spec_dir = folder / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    proxy = [sys.executable, "-I", "-S", kernel_proxy.__file__]
    argv = [*proxy, socket_name(runtime), str(server_log(runtime)), "-f", "{connection_file}"]
    (spec_dir / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "Python 3 (grading sandbox)", "language": "python"}, indent=1)
    )
    config = [
        f"c.Execute.kernel_name = {KERNEL_NAME!r}",
        "c.KernelManager.transport = 'ipc'",
        f"c.KernelManager.ip = {str(runtime / 'ipc')!r}",
    ]
    env = {"JUPYTER_PATH": str(folder), "JUPYTER_RUNTIME_DIR": str(runtime)}
    return config, env, cgroup, runtime


@contextmanager
def kernel_server(runtime, env, memory_limit_bytes=None):
    """The workspace's kernel server, running for as long as the block: started with the
    environment nbgrader gets (the math libraries read their thread counts at import) and the
    memory cap its kernels inherit; stopped with its kernels. Its errors go to server_log."""
    runtime = Path(runtime)
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as listener, open(server_log(runtime), "ab") as log:
        listener.bind("\0" + socket_name(runtime))
        listener.listen(16)
        process = subprocess.Popen(
            [
                *unshare_prefix(),
                sys.executable,
                "-m",
                "autograder.sandbox.kernel_server",
                "--policy",
                str(runtime / "policy.json"),
                "--listen-fd",
                str(listener.fileno()),
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            pass_fds=[listener.fileno()],
            env={**env, **ALLOCATOR_ENVIRONMENT},
            preexec_fn=child_setup(memory_limit_bytes),
        )
    # The server holds the listener now: if it dies, a stand-in's connect fails at once.
    try:
        yield process
    finally:
        process.terminate()  # the server kills its kernels
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
