"""The Jupyter kernel the batch runs notebooks in.

It is always the interpreter the batch itself runs in (no dependence on a
``python3`` kernelspec installed elsewhere on the machine), and it talks to
the runner over IPC: Unix sockets in a private directory (mode 0700), rather
than unencrypted TCP on localhost where another local user could attach to a
kernel holding personal data.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager

__all__ = ["ReviewKernelManager", "KERNEL_NAME"]

KERNEL_NAME = "qualepref-review"


class ReviewKernelManager(AsyncKernelManager):
    """Kernel manager: this interpreter's ipykernel, over IPC sockets in a private folder."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._socket_dir = tempfile.mkdtemp(prefix="qualepref-kernel-")
        os.chmod(self._socket_dir, 0o700)
        self.transport = "ipc"
        self.ip = os.path.join(self._socket_dir, "kernel")

    @property
    def kernel_spec(self) -> KernelSpec:  # type: ignore[override]
        if self._kernel_spec is None:
            self._kernel_spec = KernelSpec(
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                display_name="Python (qualepref-analysis)",
                language="python",
                env={"PYTHONHASHSEED": "0"},
            )
        return self._kernel_spec

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: object) -> None:
        # The kernel's own console chatter (shutdown notices…) is not for the user: failures are
        # recorded in the executed notebook, which the review keeps.
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
