"""The kernel-side half of grading: the first cell of every graded notebook is this file's text.

The grader puts this source, unchanged, in front of the student's notebook (integrity.rebuild);
run as that cell (`__name__ == "__main__"`), it defines two names and nothing else:

* `_observe(name, value)` hands a value to the grader as an inert .npy payload. The grader
  compares it, outside the kernel, with the value the instructor's solution produced
  (observations.py). Only plain values travel: an exact `torch.Tensor` or `numpy.ndarray`,
  a Python or NumPy number, or lists and tuples of these. Anything else the student's code
  returns (a tensor subclass, an object with its own `__array__`, `__float__` or `__eq__`) is
  sent as "rejected": a failed check, flagged to the instructor.
* `_grader`, the hidden tests' helpers: `check_model` (what a model computes, with the grader's
  parameters), `count_parameters`, `learns`, `runs_on_device`, and `python_lines_run` (how
  much Python a function runs: the NumPy exercises' "no loop over output positions").

Every library function the harness relies on is looked up here, before any student code runs,
so patching `torch.Tensor.detach`, `numpy.save` or a builtin later changes nothing it hands over.
Elsewhere (unit tests, an instructor running a source notebook by hand) the module can be
imported and `make_harness()` called directly.
"""

OBSERVATION_MIME = "application/vnd.convnets.observation+json"


def make_harness(publish=None):
    """(_observe, _grader): see the module's docstring. `publish` replaces IPython's display."""
    import base64
    import builtins
    import io
    import sys
    import types
    import zlib

    import numpy

    mime = OBSERVATION_MIME  # the module-level name is deleted once the harness is made
    if publish is None:
        from IPython.display import publish_display_data as publish
    try:
        import torch
        from torch.utils._python_dispatch import TorchDispatchMode
    except Exception:  # a from-scratch exercise's sandbox makes PyTorch unreadable
        torch = TorchDispatchMode = None

    exact_type, is_instance, length, as_list = builtins.type, builtins.isinstance, builtins.len, builtins.list
    to_float, to_str, to_int, enumerate_, sorted_ = (
        builtins.float,
        builtins.str,
        builtins.int,
        builtins.enumerate,
        builtins.sorted,
    )
    total, largest, every, identity = builtins.sum, builtins.max, builtins.all, builtins.id
    set_attribute, delete_attribute, as_dict = builtins.setattr, builtins.delattr, builtins.dict
    variables, backwards, text_of, as_tuple = builtins.vars, builtins.reversed, builtins.repr, builtins.tuple
    b64encode, crc32, save, as_array, stack = base64.b64encode, zlib.crc32, numpy.save, numpy.asarray, numpy.stack
    python_numbers = (builtins.bool, builtins.int, builtins.float)
    if torch is not None:
        Tensor, Module, Size = torch.Tensor, torch.nn.Module, torch.Size
        detach, cpu, to_numpy, double = Tensor.detach, Tensor.cpu, Tensor.numpy, Tensor.double
        is_floating_point, requires_grad_, backward = Tensor.is_floating_point, Tensor.requires_grad_, Tensor.backward
        copy_, zero_, numel, tensor_sum = Tensor.copy_, Tensor.zero_, Tensor.numel, Tensor.sum
        clone, item, count_nonzero = Tensor.clone, Tensor.item, torch.count_nonzero
        module_call, named_parameters, named_buffers = Module.__call__, Module.named_parameters, Module.named_buffers
        train_mode, zero_grad, parameters_of = Module.train, Module.zero_grad, Module.parameters
        no_grad, manual_seed, randn, rand, Generator = (
            torch.no_grad,
            torch.manual_seed,
            torch.randn,
            torch.rand,
            torch.Generator,
        )
        cross_entropy, Adam = torch.nn.functional.cross_entropy, torch.optim.Adam
        # What torch looked like before any student code ran: the checks run with it restored, so
        # a model computes with the real library, not with a patched nn.Module.__call__ or F.relu.
        classes = [
            Tensor,
            Module,
            *[value for value in variables(torch.nn).values() if is_instance(value, builtins.type)],
        ]
        library_snapshot = [(space, as_dict(variables(space))) for space in [torch, torch.nn.functional, *classes]]
        class_spaces = {identity(space) for space in classes}
    missing = object()

    class PristineLibraries:
        """Within: every library attribute the student's code replaced (or added to a class) is
        the original again; afterwards the student's versions are back."""

        def __enter__(self):
            self.undo = []
            for space, saved in library_snapshot:
                current = variables(space)
                for name, value in saved.items():
                    if name not in current or current[name] is not value:
                        self.undo.append((space, name, current.get(name, missing)))
                        set_attribute(space, name, value)
                if identity(space) in class_spaces:
                    for name in [name for name in current if name not in saved]:
                        self.undo.append((space, name, current[name]))
                        delete_attribute(space, name)
            return self

        def __exit__(self, *exc):
            for space, name, value in backwards(self.undo):
                if value is missing:
                    delete_attribute(space, name)
                else:
                    set_attribute(space, name, value)
            return False

    class Rejected(Exception):
        """A value the student's code returned that is not a plain tensor, array or number."""

    def plain_array(value):
        """A NumPy array of `value`, built by the harness itself; Rejected for anything not plain."""
        kind = exact_type(value)
        if kind in python_numbers:
            return as_array(value)
        if kind is numpy.ndarray:
            if value.dtype.kind not in "biuf":
                raise Rejected(f"an array of {value.dtype}")
            return value
        if is_instance(value, numpy.generic) and kind.__module__ == "numpy" and value.dtype.kind in "biuf":
            return as_array(value)
        if torch is not None and kind is Tensor:
            value = cpu(detach(value))
            return to_numpy(double(value) if is_floating_point(value) else value)
        if torch is not None and kind is Size:
            return as_array([to_int(size) for size in value])
        if kind in (builtins.list, builtins.tuple):
            parts = [plain_array(part) for part in value]
            try:
                return stack(parts) if parts else as_array([])
            except ValueError:
                raise Rejected("a ragged sequence") from None
        raise Rejected(f"a {kind.__module__}.{kind.__qualname__}")

    def reject(name, why):
        publish({mime: {"name": to_str(name), "rejected": f"{why} is not a plain tensor, array or number"}})

    def observe(name, value, rtol=None, atol=None, asserted=False):
        """Hand a value computed from the student's code to the grader, which checks it outside this kernel.

        asserted: the test also asserts this value in the kernel, so a mismatch the kernel let
        pass means the test was interfered with."""
        try:
            array = plain_array(value)
        except Rejected as why:
            return reject(name, why)
        buffer = io.BytesIO()
        save(buffer, array, allow_pickle=False)
        payload = {"name": to_str(name), "npy": b64encode(buffer.getvalue()).decode("ascii")}
        if asserted:
            payload["asserted"] = True
        if rtol is not None or atol is not None:
            payload["tolerance"] = {"rtol": to_float(rtol or 0.0), "atol": to_float(atol or 0.0)}
        publish({mime: payload})

    library_prefixes, settrace = as_tuple({sys.prefix, sys.base_prefix, sys.exec_prefix}), sys.settrace

    def python_lines_run(func, *args, **kwargs):
        """How many lines of Python outside the installed libraries func(*args, **kwargs) runs:
        a loop over output positions shows as thousands, a vectorised body as a few dozen."""
        count = 0

        def tracer(frame, event, arg):
            nonlocal count
            if frame.f_code.co_filename.startswith(library_prefixes):
                return None
            if event == "line":
                count += 1
            return tracer

        settrace(tracer)
        try:
            func(*args, **kwargs)
        finally:
            settrace(None)
        return count

    if torch is None:
        return observe, types.SimpleNamespace(python_lines_run=python_lines_run)

    grader_values = {}

    def grader_value(shape, leaf_name):
        """The grader's value for a parameter or buffer: a function of its shape alone (and, for a
        batch norm's running variance, of that role), never of its name or declaration order, so a
        student's model and the reference get the same values however they are written. Made once
        per kernel: drawing AlexNet's 58M classifier weights takes longer than a forward pass."""
        key = (as_tuple(to_int(size) for size in shape), leaf_name == "running_var")
        if key not in grader_values:
            grader_values[key] = draw_grader_value(*key)
        return grader_values[key]

    def draw_grader_value(shape, running_var):
        generator = Generator().manual_seed(crc32(text_of(shape).encode()))
        if running_var:
            return 0.5 + rand(shape, generator=generator)
        value = randn(shape, generator=generator)
        if length(shape) >= 2:
            fan_in = 1
            for size in shape[1:]:
                fan_in *= size
            return value * (2.0 / fan_in) ** 0.5  # He scale: activations keep their size through depth
        return 0.5 * value

    def set_grader_parameters(model):
        with no_grad():
            for name, tensor in [*named_parameters(model), *named_buffers(model)]:
                if is_floating_point(tensor):
                    copy_(tensor, grader_value(tensor.shape, name.rsplit(".", 1)[-1]))
                else:
                    zero_(tensor)  # num_batches_tracked

    def count_parameters(model):
        return total(numel(p) for p in parameters_of(model))

    FEATURE_MAP_OPS = {"convolution": 1, "max_pool2d": 2, "max_pool2d_with_indices": 2, "avg_pool2d": 3}

    class FeatureMaps(TorchDispatchMode):
        """Records (kind, *shape) of every convolution and pooling the computation executes."""

        def __init__(self):
            super().__init__()
            self.seen = []

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            result = func(*args, **(kwargs or {}))
            kind = FEATURE_MAP_OPS.get(func._overloadpacket.__name__)
            if kind is not None:
                first = result[0] if is_instance(result, builtins.tuple) else result
                self.seen.append([kind, *[to_int(size) for size in first.shape]])
            return result

    def tolerance(array):
        return {"rtol": 1e-4, "atol": 1e-4 * largest(1.0, to_float(numpy.abs(array).max()) if array.size else 1.0)}

    def observe_close(name, value):
        """Observe a floating-point result with a tolerance scaled to its size."""
        try:
            array = plain_array(value)
        except Rejected as why:
            return reject(name, why)
        observe(name, array, **tolerance(array))

    def output_of(model, inputs):
        out = module_call(model, *inputs)
        if exact_type(out) is not Tensor:
            raise Rejected(f"a {exact_type(out).__module__}.{exact_type(out).__qualname__}")
        return out

    class FullPrecision:
        """Within: no TF32 on CUDA, so that the comparison is not at TF32's precision."""

        def __enter__(self):
            self.saved = (torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32)
            torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False

        def __exit__(self, *exc):
            torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = self.saved
            return False

    def check_model(label, model, *inputs, train=False, seed=0):
        """Observe what `model` computes on `inputs` with the grader's parameters: the output in eval
        mode, the feature maps (every convolution and pooling output shape), the gradient with
        respect to each input, the parameter count and how many parameters get no gradient; with
        `train`, also the output in training mode (dropout and batch statistics) under a fixed seed."""
        if not is_instance(model, Module):
            return reject(f"{label}: the model", f"a {exact_type(model).__qualname__}, not an nn.Module,")
        with PristineLibraries(), FullPrecision():
            measure_model(label, model, inputs, train, seed)

    def measure_model(label, model, inputs, train, seed):
        set_grader_parameters(model)
        train_mode(model, False)
        leaves = [requires_grad_(clone(detach(x)), True) for x in inputs]
        recorder = FeatureMaps()
        try:
            with recorder:
                out = output_of(model, leaves)
        except Rejected as why:
            return reject(f"{label}: the model's output", why)
        weights = randn(out.shape, generator=Generator().manual_seed(7), dtype=torch.float64)
        zero_grad(model, set_to_none=True)
        backward(tensor_sum(double(out) * weights.to(out.device)))
        observe_close(f"{label}: output (eval mode, the grader's parameters)", out)
        observe(f"{label}: feature-map shapes (convolutions and poolings)", sorted_(recorder.seen))
        for index, leaf in enumerate_(leaves):
            observe_close(
                f"{label}: gradient with respect to input {index}",
                leaf.grad if leaf.grad is not None else torch.zeros_like(leaf),
            )
        parameters = as_list(parameters_of(model))
        unused = total(1 for p in parameters if p.grad is None or item(count_nonzero(p.grad)) == 0)
        observe(f"{label}: parameters", total(numel(p) for p in parameters))
        observe(f"{label}: parameters that get no gradient", unused)
        if train:
            set_grader_parameters(model)
            train_mode(model, True)
            manual_seed(seed)
            with no_grad():
                observe_close(f"{label}: output in training mode (seed {seed})", output_of(model, inputs))

    def learns(model, x, y, steps=10, lr=1e-3):
        """Whether `steps` of Adam on one batch lower the cross-entropy, from the grader's parameters."""
        with PristineLibraries():
            try:
                return training_lowers_the_loss(model, x, y, steps, lr)
            except Rejected as why:
                reject("the model's output while training", why)
                return False

    def fused_adam(parameters, lr):
        """Adam as one fused kernel per step where PyTorch has one for these parameters: several
        times faster on the CPU for AlexNet's 58M classifier weights; else the default Adam."""
        try:
            return Adam(parameters, lr=lr, fused=True)
        except (RuntimeError, ValueError):
            return Adam(parameters, lr=lr)

    def training_lowers_the_loss(model, x, y, steps, lr):
        set_grader_parameters(model)
        train_mode(model, True)
        manual_seed(0)
        optimizer = fused_adam(as_list(parameters_of(model)), lr)
        losses = []
        for _ in range(steps + 1):
            loss = cross_entropy(output_of(model, [x]), y)
            losses.append(item(loss))
            optimizer.zero_grad()
            backward(loss)
            optimizer.step()
        return losses[-1] < losses[0]

    def runs_on_device(model, x, device, autocast_dtype):
        """[output on the device, parameters on the device, output shape under autocast...]."""
        with PristineLibraries():
            try:
                return device_and_shape(model, x, device, autocast_dtype)
            except Rejected as why:
                reject("the model's output on the device", why)
                return []

    def device_and_shape(model, x, device, autocast_dtype):
        train_mode(model, False)
        with no_grad():
            out = output_of(model, [x])
            with torch.autocast(device_type=device.type, dtype=autocast_dtype):
                mixed = output_of(model, [x])
        on_device = every(p.device.type == device.type for p in parameters_of(model))
        return [to_int(out.device.type == device.type), to_int(on_device), *[to_int(size) for size in mixed.shape]]

    return observe, types.SimpleNamespace(
        check_model=check_model,
        count_parameters=count_parameters,
        learns=learns,
        runs_on_device=runs_on_device,
        set_grader_parameters=set_grader_parameters,
        python_lines_run=python_lines_run,
    )


if __name__ == "__main__":  # run as the first cell of a graded notebook
    _observe, _grader = make_harness()
    del make_harness, OBSERVATION_MIME
