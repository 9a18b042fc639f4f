"""Peak resident memory of this process. Linux's `ru_maxrss` survives exec(), so a child started
from a big parent would report the parent's size; /proc/self/status VmHWM is the child's own."""

from __future__ import annotations

import resource


def peak_rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
