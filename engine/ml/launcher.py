"""Starting training processes (engine.ml.worker), with one spare kept warm.

A fresh worker spends about three seconds importing PyTorch and ONNX before it reads its
first row: a tenth of a CREATE MODEL on the walkthrough's data. So when a job starts, a
spare is started beside it (`worker --standby`: it imports, then waits for a job
directory, one JSON string on stdin), and the next job is handed to the spare. A spare whose server has
gone reads end-of-file and exits; one that died is replaced by a fresh start.
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading

log = logging.getLogger("redduck.ml")

WORKER = [sys.executable, "-m", "redduck.engine.ml.worker"]


class WorkerLauncher:
    def __init__(self, env: dict) -> None:
        self.env = env
        self._spare: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._closed = False

    def start(self, job_dir: str, log_path: str) -> subprocess.Popen:
        """A process running the job in job_dir, its output in log_path."""
        proc = self._hand_to_spare(job_dir)
        if proc is None:
            with open(log_path, "wb") as logf:
                proc = subprocess.Popen([*WORKER, job_dir], stdout=logf, stderr=subprocess.STDOUT, env=self.env)
        self._replenish()
        return proc

    def _hand_to_spare(self, job_dir: str) -> subprocess.Popen | None:
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is None:
            return None
        try:
            if spare.poll() is not None:
                raise BrokenPipeError(f"spare worker exited with {spare.returncode}")
            spare.stdin.write(json.dumps(job_dir).encode() + b"\n")   # one line, whatever the path holds
            spare.stdin.close()
            return spare
        except OSError as e:
            log.info("spare training process not used: %s", e)
            _stop(spare)
            return None

    def _replenish(self) -> None:
        with self._lock:
            if self._closed or self._spare is not None:
                return
            try:
                self._spare = subprocess.Popen([*WORKER, "--standby"], stdin=subprocess.PIPE,
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=self.env)
            except OSError as e:
                log.warning("cannot start a spare training process: %s", e)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            spare, self._spare = self._spare, None
        if spare is not None:
            _stop(spare)


def _stop(proc: subprocess.Popen) -> None:
    try:
        proc.kill()
        proc.wait(timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        pass
