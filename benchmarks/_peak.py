"""The peak memory of a benchmark's process, measured in that process.

A benchmark step runs in a fresh interpreter started by the benchmark script. On Linux the
``ru_maxrss`` of such a process includes the peak of the process that started it (the
figure is carried over when a process starts a new program), so a step started after the
script wrote a large input would report the script's memory, not its own. ``VmHWM`` in
``/proc/self/status`` starts afresh with the new program: it is the step's own.
"""

from __future__ import annotations

#: Source defining ``peak_mb()`` in a step's process: its own peak resident memory in MB
#: (``VmHWM``), or that of a process it started and waited for (the workers of a build)
#: when larger. Where there is no ``/proc``, ``ru_maxrss`` stands in for the process's own.
PEAK_SOURCE = """
def peak_mb():
    import resource
    own = None
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    own = int(line.split()[1]) / 1024
    except OSError:
        pass
    if own is None:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""
