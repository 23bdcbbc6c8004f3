import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples", "creditcard"))

FAST = "HYPERPARAMETERS DEFAULT EXCEPT (EPOCHS '6', HIDDEN_LAYERS '32')"


@pytest.fixture(scope="session")
def creditcard_csv(server):
    """A small generated credit-card table in the server's import folder."""
    import pyarrow.csv as pacsv
    from generate import generate
    path = os.path.join(server.import_dir, "creditcard_small.csv")
    if not os.path.exists(path):
        pacsv.write_csv(generate(rows=40_000, seed=11, frauds=120), path,
                        pacsv.WriteOptions(quoting_style="none"))
    return path
