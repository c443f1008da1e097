"""The kernel server forks each grading kernel from a process that has imported what kernels
need, and the forked kernel is as confined as a freshly started one: its own folder, temp folder
and network namespace, no way back to the server, interrupts delivered, and death when its
stand-in dies."""

import glob
import json
import os
import shutil
import signal
import socket
import time
from contextlib import contextmanager

import pytest
from jupyter_client import KernelManager

import convnets
from autograder.assignments import allowed_modules, forbidden_packages
from autograder.nbgrader_cli import child_environment
from autograder.sandbox.cgroups import MAX_PROCESSES, kill_cgroup
from autograder.sandbox.kernelspec import KERNEL_NAME, install_kernel, kernel_server, server_log, socket_name
from autograder.sandbox.lifetime import session_niceness

WORK = "autograded/student/conv_numpy"  # where nbgrader runs a notebook, inside the grading folder


@contextmanager
def sandbox_of(assignment, folder, monkeypatch):
    """(a grading folder with the assignment's kernelspec, its runtime folder, the kernel server)."""
    (folder / WORK).mkdir(parents=True)
    _, env, cgroup, runtime = install_kernel(folder, forbidden_packages(assignment), allowed_modules(assignment))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        with kernel_server(runtime, child_environment(env)) as server:
            yield folder, runtime, server
    finally:
        kill_cgroup(cgroup)
        shutil.rmtree(runtime, ignore_errors=True)  # under /tmp, not the test's folder


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    with sandbox_of("conv_numpy", tmp_path, monkeypatch) as found:
        yield found


@contextmanager
def started_kernel(folder, runtime):
    started = Kernel(folder, runtime)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def kernel(sandbox):
    """A kernel started in the sandbox's grading folder, shut down after the test."""
    folder, runtime, _ = sandbox
    with started_kernel(folder, runtime) as started:
        yield started


@pytest.fixture
def lenet_kernel(tmp_path, monkeypatch):
    """A kernel of the LeNet exercise's sandbox, which allows convnets.data of the course's package."""
    with sandbox_of("lenet", tmp_path, monkeypatch) as (folder, runtime, _), started_kernel(folder, runtime) as started:
        yield started


class Kernel:
    def __init__(self, folder, runtime):
        self.manager = KernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=str(runtime / "ipc"))
        self.manager.start_kernel(cwd=str(folder / WORK))
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def run(self, code, timeout=30):
        """(stdout, the error's name or None)."""
        printed, error = self.run_with_message(code, timeout)
        return printed, error and error[0]

    def run_with_message(self, code, timeout=30):
        """(stdout, (the error's name, its message) or None)."""
        printed, error = [], None

        def collect(message):
            nonlocal error
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])
            elif message["msg_type"] == "error":
                error = message["content"]["ename"], message["content"]["evalue"]

        self.client.execute_interactive(code, timeout=timeout, output_hook=collect)
        return "".join(printed), error

    def value(self, expression, setup=""):
        printed, error = self.run(f"{setup}import json as _json; print(_json.dumps({expression}))")
        assert error is None, f"{expression} raised {error}"
        return json.loads(printed)

    def stop(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def test_a_forked_kernel_has_numpy_before_its_first_import_but_never_a_forbidden_package(sandbox, kernel):
    folder, _, _ = sandbox
    assert kernel.value("'numpy' in __import__('sys').modules"), "the kernel was not forked from the server"
    assert not kernel.value("'torch' in __import__('sys').modules")
    assert kernel.run_with_message("import torch")[1] == (
        "ModuleNotFoundError",
        "torch is not allowed in this exercise: the grader cannot import it",
    )
    assert kernel.value("__import__('os').getcwd()") == str(folder / WORK)


def test_no_module_of_the_course_package_is_importable_where_the_exercise_allows_none(kernel):
    assert kernel.run_with_message("import convnets.data")[1] == (
        "ModuleNotFoundError",
        "convnets is not allowed in this exercise: the grader cannot import it",
    )


COURSE_FILES = os.path.dirname(convnets.__file__)
WITHOUT_THE_MESSAGE = (
    "import sys; sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != 'RefusedImports']"
)


def test_a_kernel_imports_only_the_course_modules_its_exercise_allows(lenet_kernel):
    shapes = lenet_kernel.value(
        "[list(part.shape) for part in digits_tensors()]", setup="from convnets.data import digits_tensors\n"
    )
    assert shapes[0][1:] == [1, 32, 32], shapes
    for code, module in [
        ("import convnets.training", "convnets.training"),
        ("from convnets import training", "convnets.training"),
        ("from convnets.geometry import output_size", "convnets.geometry"),
    ]:
        assert lenet_kernel.run_with_message(code)[1] == (
            "ModuleNotFoundError",
            f"{module} is not allowed in this exercise (of convnets, it may import only convnets.data): "
            "the grader cannot import it",
        ), code
    # The message is a courtesy: the files themselves are unreadable.
    compiled = glob.glob(os.path.join(COURSE_FILES, "__pycache__", "*.pyc"))
    for path in [os.path.join(COURSE_FILES, name) for name in ("training.py", "geometry.py")] + compiled:
        assert lenet_kernel.run(f"open({path!r}, 'rb').read()")[1] == "PermissionError", path
    assert lenet_kernel.run(f"{WITHOUT_THE_MESSAGE}\nimport convnets.training")[1] == "PermissionError"


FIRST_DISPATCH_MODE = """
import sys, torch
from torch.utils._python_dispatch import TorchDispatchMode

class Passing(TorchDispatchMode):
    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        return func(*args, **(kwargs or {}))

known = set(sys.modules)
with Passing():
    torch.ones(2) + 1
"""


def test_a_pytorch_kernel_imports_nothing_for_the_harness_first_dispatch_mode(lenet_kernel):
    """check_model records feature maps in a TorchDispatchMode, whose first use imports
    torch._dynamo: a second of CPU per notebook, unless the server has imported it."""
    assert lenet_kernel.value("sorted(set(sys.modules) - known)", setup=FIRST_DISPATCH_MODE) == []


MAPPED_BYTES = """
import ctypes, numpy
class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split())]
libc = ctypes.CDLL(None)
libc.mallinfo2.restype = MallInfo2
block = numpy.ones(2**26)  # 512 MB: glibc's default maps it apart from the heap
"""


def test_a_kernel_keeps_large_blocks_in_its_heap(kernel):
    # bytes glibc holds in separate mappings while a large array lives: none with the server's setting
    assert kernel.value("libc.mallinfo2().hblkhd", setup=MAPPED_BYTES) == 0


def test_a_forked_kernel_has_its_own_temp_folder_network_and_random_state(sandbox):
    folder, runtime, server = sandbox
    seen = []
    for _ in range(2):  # one after another, as nbgrader runs them
        kernel = Kernel(folder, runtime)
        try:
            seen.append(
                kernel.value(
                    "[__import__('tempfile').gettempdir(), __import__('os').readlink('/proc/self/ns/net'), "
                    "__import__('numpy').random.random()]"
                )
            )
            assert kernel.run(f"open({str(folder / 'kernels' / KERNEL_NAME / 'kernel.json')!r})")[1] == (
                "PermissionError"
            )
        finally:
            kernel.stop()
    (first_temp, namespace, first_draw), (second_temp, _, second_draw) = seen
    assert first_temp.startswith(str(runtime)) and first_temp != second_temp
    assert namespace not in (os.readlink(f"/proc/{server.pid}/ns/net"), os.readlink("/proc/self/ns/net"))
    assert first_draw != second_draw, "forked kernels share NumPy's random state"


def test_a_kernel_cannot_ask_the_server_for_another_kernel(sandbox, kernel):
    _, runtime, _ = sandbox
    printed, error = kernel.run(
        "import socket\n"
        "s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)\n"
        f"s.connect('\\0' + {socket_name(runtime)!r})"
    )
    assert error in ("ConnectionRefusedError", "PermissionError"), (printed, error)


def test_a_kernel_has_no_capability_and_no_way_back_to_the_graders_network(kernel):
    answers = kernel.value(
        "_socket_namespaces()",
        setup="import errno, fcntl, os\n"
        "def _socket_namespaces():\n"
        "    answers = []\n"
        "    for name in os.listdir('/proc/self/fd'):\n"
        "        try:\n"
        "            if not os.readlink(f'/proc/self/fd/{name}').startswith('socket:'):\n"
        "                continue\n"
        "        except OSError:\n"
        "            continue\n"
        "        try:  # SIOCGSKNS: the socket's network namespace, from which setns would lead out\n"
        "            answers.append(os.readlink(f'/proc/self/fd/{fcntl.ioctl(int(name), 0x894C)}'))\n"
        "        except OSError as error:\n"
        "            answers.append(errno.errorcode[error.errno])\n"
        "    return answers\n",
    )
    assert answers and set(answers) == {"EPERM"}, answers
    capabilities = kernel.value(
        "[line.split()[1] for line in open('/proc/self/status') if line.startswith(('CapEff', 'CapBnd'))]"
    )
    assert [int(mask, 16) for mask in capabilities] == [0, 0], "a kernel kept capabilities"


def test_a_kernel_reads_no_disk_and_no_other_kernels_connection_file(sandbox, kernel):
    _, runtime, _ = sandbox
    disks = kernel.value(
        "[f'/dev/{name}' for name in __import__('os').listdir('/dev') "
        "if __import__('stat').S_ISBLK(__import__('os').stat(f'/dev/{name}').st_mode)]"
    )
    for disk in disks:
        assert kernel.run(f"open({disk!r}, 'rb')")[1] == "PermissionError", disk
    assert kernel.run(f"__import__('os').listdir({str(runtime)!r})")[1] == "PermissionError"
    assert kernel.run("open('/dev/null', 'w').write('ok')")[1] is None


def test_the_server_refuses_a_kernel_outside_the_graded_folders(sandbox):
    folder, runtime, _ = sandbox
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    connection.connect("\0" + socket_name(runtime))
    request = {"connection_file": str(runtime / "k.json"), "cwd": "/", "env": {}}
    socket.send_fds(connection, [json.dumps(request).encode()], [0, 1, 2])
    assert connection.recv(64) == b"", "the server started a kernel with / as its folder"
    assert "a kernel folder outside" in server_log(runtime).read_text()


def test_the_stand_in_exits_with_the_kernels_status(kernel):
    kernel.client.execute("import os; os._exit(3)")
    assert kernel.manager.provisioner.process.wait(timeout=10) == 3


def test_an_interrupt_reaches_the_forked_kernel(kernel):
    sleeping = kernel.client.execute("import time; time.sleep(60)")
    time.sleep(1)
    kernel.manager.interrupt_kernel()
    errors, deadline = [], time.monotonic() + 10
    while time.monotonic() < deadline:
        message = kernel.client.get_iopub_msg(timeout=10)
        if message["parent_header"].get("msg_id") != sleeping:
            continue
        if message["msg_type"] == "error":
            errors.append(message["content"]["ename"])
        if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            break
    assert errors == ["KeyboardInterrupt"], "the interrupt did not reach the kernel"
    assert kernel.value("1 + 1") == 2, "the kernel does not go on after an interrupt"


def running(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has finished
    except FileNotFoundError:
        return False


def gone(pid, seconds=10):
    deadline = time.monotonic() + seconds
    while running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_a_kernel_and_what_it_started_die_with_its_stand_in(kernel):
    pid = kernel.value("__import__('os').getpid()")
    child = kernel.value("__import__('subprocess').Popen(['sleep', '300']).pid")
    kernel.run("import ctypes; ctypes.CDLL(None).prctl(1, 0, 0, 0, 0)")  # no parent-death signal now
    assert pid != kernel.manager.provisioner.pid, "the stand-in is not the kernel"
    os.kill(kernel.manager.provisioner.pid, signal.SIGKILL)
    assert gone(pid), "the kernel outlived its stand-in"
    assert gone(child), "a process the kernel started outlived it"


FORK_BOMB = """
import os, time
children = 0
try:
    while True:
        if os.fork() == 0:
            os.setsid()  # out of the kernel's process group: only its cgroup holds it
            time.sleep(600)
            os._exit(0)
        children += 1
except OSError:
    pass
print(children)
"""
THREADS = """
import threading
stop = threading.Event()
started = 0
try:
    for _ in range({count}):
        threading.Thread(target=stop.wait).start()
        started += 1
finally:
    stop.set()
print(started)
"""


def test_after_a_fork_bomb_the_next_kernel_has_its_whole_process_allowance(sandbox):
    """What a fork bomb left is killed and reaped before the workspace's next kernel runs: a killed
    process counts against the cap until it is reaped, and the next student's kernel would start
    with no room for its own threads (it died before answering, or a cell failed)."""
    folder, runtime, _ = sandbox
    with started_kernel(folder, runtime) as bomb:
        printed, error = bomb.run(FORK_BOMB)
        assert error is None and int(printed) > MAX_PROCESSES // 2, (printed, error)
    with started_kernel(folder, runtime) as after:
        printed, error = after.run(THREADS.format(count=MAX_PROCESSES // 2))
    assert (printed.strip(), error) == (str(MAX_PROCESSES // 2), None)


ORPHAN = """
import os, time
readable, writable = os.pipe()
if os.fork() == 0:
    grandchild = os.fork()
    if grandchild == 0:
        time.sleep(300)
        os._exit(0)
    os.write(writable, str(grandchild).encode())
    os._exit(0)
os.wait()
orphan = int(os.read(readable, 32))
"""


def parent_of(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(next(line for line in status if line.startswith("PPid:")).split()[1])


def test_the_server_adopts_and_reaps_what_a_kernel_leaves(sandbox, kernel):
    """Not the machine's init, which may reap late or never (a container's): until then a
    killed process still counts against the workspace's process cap."""
    _, _, server = sandbox
    orphan = kernel.value("orphan", setup=ORPHAN)
    assert parent_of(orphan) == server.pid
    os.kill(orphan, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{orphan}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{orphan}"), "the orphan's zombie was not reaped"


def test_without_a_server_the_stand_in_says_so(tmp_path, monkeypatch, capfd):
    (tmp_path / WORK).mkdir(parents=True)
    _, env, cgroup, runtime = install_kernel(tmp_path, ())
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    manager = KernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=str(runtime / "ipc"))
    manager.start_kernel(cwd=str(tmp_path / WORK))
    try:
        assert gone(manager.provisioner.pid, seconds=5) or not manager.is_alive()
        assert "no kernel server answers" in capfd.readouterr().err
    finally:
        manager.shutdown_kernel(now=True)
        kill_cgroup(cgroup)
        shutil.rmtree(runtime, ignore_errors=True)


def test_a_forked_kernel_grades_at_the_servers_niceness_in_a_session_of_its_own(sandbox):
    folder, runtime, server = sandbox
    niceness = os.getpriority(os.PRIO_PROCESS, server.pid) + 4
    os.setpriority(os.PRIO_PROCESS, server.pid, niceness)  # as if the grader ran under `nice`
    with started_kernel(folder, runtime) as kernel:
        pid = kernel.value("__import__('os').getpid()")
        assert os.getsid(pid) == pid, "the kernel shares a session with the grader"
        assert os.getpriority(os.PRIO_PROCESS, pid) == niceness
        if session_niceness() is not None:  # autogroups apply: Linux weighs the sessions by this
            assert session_niceness(pid) == niceness
