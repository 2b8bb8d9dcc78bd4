"""Send what torch, Brevitas and FINN print while lowering to a log file, not the terminal."""

from __future__ import annotations

import contextlib
import logging
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

from hwnas.errors import UserError


LIBRARIES = ("torch", "brevitas", "qonnx", "finn", "onnxscript")


@contextlib.contextmanager
def library_output_to(path: Path) -> Iterator[None]:
    """Redirect Python-level prints, warnings and log records to ``path`` for the duration."""
    import torch.onnx  # noqa: F401  torch sets up its loggers on import; let it before they are redirected

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        log = path.open("w")
    except OSError as exc:
        raise UserError(f"cannot write to output folder {path.parent}: {exc.strerror}") from None
    handler = logging.StreamHandler(log)
    root = logging.getLogger()
    root.addHandler(handler)
    saved_handlers = {
        name: logger.handlers[:]
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger) and logger.handlers and name.split(".")[0] in LIBRARIES
    }
    for name in saved_handlers:
        logging.getLogger(name).handlers = [handler]
    saved_showwarning = warnings.showwarning

    def to_log(message, category, filename, lineno, file=None, line=None):
        log.write(warnings.formatwarning(message, category, filename, lineno, line))

    warnings.showwarning = to_log
    try:
        with contextlib.redirect_stdout(log):
            yield
    finally:
        warnings.showwarning = saved_showwarning
        for name, handlers in saved_handlers.items():
            logging.getLogger(name).handlers = handlers
        root.removeHandler(handler)
        log.close()
        sys.stdout.flush()
