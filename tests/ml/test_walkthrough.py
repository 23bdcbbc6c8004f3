"""The Redshift ML walkthrough, statement by statement, through real psql."""
import re
from pathlib import Path

from tests.conftest import psql

SEED_SQL = Path(__file__).resolve().parents[2] / "examples" / "creditcard" / "walkthrough.sql"


def test_walkthrough_runs_verbatim_through_psql(server, creditcard_csv):
    p = psql(server, "-v", f"datafile={creditcard_csv}", "-f", str(SEED_SQL))
    out = p.stdout
    assert "COPY 40000" in out
    assert "CREATE MODEL" in out
    assert re.search(r"Model State\s+\|\s+READY", out)
    assert re.search(r"validation:binary_f_beta\s+\|\s+0\.\d+", out)
    assert re.search(r"Model Type\s+\|\s+mlp", out)
    assert re.search(r"Problem Type\s+\|\s+BinaryClassification", out)
    assert "creditcardsfrauds_mlp_fn_prob" in out
    assert re.search(r"Function Parameter Types\s+\|\s+int4 float8", out)
    # explain_model: every feature has a value
    for f in ["txtime", "v14", "amount"]:
        assert f'"{f}":' in out
    # the validation query: most rows are predicted right
    matches = int(re.search(r"PredictedMatchesActual\s+\|\s+(\d+)", out).group(1))
    no_match = re.search(r"NoMatch\s+\|\s+(\d+)", out)
    assert matches > 0.99 * (matches + (int(no_match.group(1)) if no_match else 0))
    # fn on the staging row, then labels[0]/probabilities[0] (0-based, most likely first)
    m = re.search(r"174965 \|\s+([01])\s+\|\s+(0\.\d+|1)\s*$", out, re.M)
    assert m, out[-800:]
    label, prob = int(m.group(1)), float(m.group(2))
    assert prob >= 0.5
    fn_label = int(re.search(r"174965 \|\s+([01])\s*$", out, re.M).group(1))
    assert fn_label == label
    assert out.rstrip().endswith("DROP MODEL")
