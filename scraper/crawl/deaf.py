"""The first module the extraction pool's forkserver imports (its preload list): it ignores SIGTERM.

A process group's SIGTERM (systemd's stop) would otherwise end the forkserver, and the pool, which
learns from it that a worker exited, would count as broken under pages still in flight; the crawl
decides when its workers stop.  Ignoring the signal in the crawl while the forkserver starts (which
an exec would inherit) lost a SIGTERM sent to the crawl in that moment, and the crawl ran on to its
end.  Importing this module makes a process ignore SIGTERM: nothing but the preload list imports it.
"""

import signal

signal.signal(signal.SIGTERM, signal.SIG_IGN)
