"""CREATE MODEL / SHOW MODEL / DROP MODEL grammar: every clause and each error."""
import pytest

from redduck.engine.ml.grammar import parse_create_model
from redduck.engine.sqltext import split_statements
from redduck.protocol.errors import PgError


def parse(sql):
    return parse_create_model(split_statements(sql)[0])


def test_walkthrough_statement():
    s = parse("""CREATE model creditcardsfrauds_mlp
FROM (select * from creditcardsfrauds where txtime < 120954)
TARGET class FUNCTION creditcardsfrauds_mlp_fn IAM_ROLE default
SETTINGS (S3_BUCKET '<<your-amazon-s3-bucket-name>>', MAX_RUNTIME 9600)""")
    assert (s.name, s.target, s.function, s.model_type) == ("creditcardsfrauds_mlp", "class",
                                                             "creditcardsfrauds_mlp_fn", "AUTO")
    assert s.query_sql == "select * from creditcardsfrauds where txtime < 120954"
    assert s.settings == {"MAX_RUNTIME": 9600}
    assert s.ignored == ["IAM_ROLE", "S3_BUCKET"]


def test_every_clause():
    s = parse("""create model s.m from t target y function f(int4, float8, text)
        iam_role 'arn:aws:iam::1:role/x' auto off model_type mlp problem_type (multiclass_classification)
        objective ('F1_Macro') preprocessors '[]' hyperparameters default except (epochs '5', hidden_layers '16')
        settings (s3_bucket 'b', max_runtime 60, max_cells 1000, kms_key_id 'k', s3_garbage_collect off)""")
    assert (s.schema, s.name, s.query_sql) == ("s", "m", "SELECT * FROM t")
    assert s.arg_types == ["INT", "DOUBLE PRECISION", "TEXT"]
    assert (s.auto, s.model_type, s.problem_type, s.objective) == (False, "MLP", "multiclass", "F1_Macro")
    assert s.hyperparameters == {"EPOCHS": "5", "HIDDEN_LAYERS": "16"}
    assert s.settings == {"MAX_RUNTIME": 60, "MAX_CELLS": 1000}
    assert set(s.ignored) == {"IAM_ROLE", "S3_BUCKET", "KMS_KEY_ID", "S3_GARBAGE_COLLECT"}


@pytest.mark.parametrize("sql,code,fragment", [
    ("create model m from t target c", "42601", "end of input"),
    ("create model m from t function f", "42601", "function"),
    ("create model m from t target c function f settings (foo 1)", "42601", 'unknown setting "foo"'),
    ("create model m from t target c function f model_type xgboost", "0A000", "supported: MLP"),
    ("create model m from t target c function f model_type nonsense", "42601", "unknown MODEL_TYPE"),
    ("create model m from t target c function f problem_type (clustering)", "42601", "PROBLEM_TYPE"),
    ("create model m from t target c function f objective 'rmsle'", "42601", "OBJECTIVE"),
    ("create model m from (insert into x values (1)) target c function f", "42601", "SELECT"),
    ("create model m from t target c function f bogus", "42601", 'clause "bogus"'),
    ("create model m from t target c function f auto on auto off", "42601", "more than once"),
    # values are checked at the value (before, training failed later with a Python message)
    ("create model m from t target c function f settings (max_runtime -5)", "22023", "MAX_RUNTIME must be"),
    ("create model m from t target c function f settings (max_runtime 'soon')", "22023", "positive number"),
    ("create model m from t target c function f settings (max_cells 2.5)", "22023", "positive integer"),
    ("create model m from t target c function f settings (seed 'x')", "22023", "SEED must be an integer"),
    ("create model m from t target c function f hyperparameters default except (epochs 'lots')", "22023", "EPOCHS"),
    ("create model m from t target c function f hyperparameters default except (hidden_layers '64,x')", "22023",
     "layer widths"),
    ("create model m from t target c function f hyperparameters default except (ensemble 'maybe')", "22023",
     "on or off"),
    ("create model m from t target c function f problem_type regression objective 'F1'", "22023",
     "does not apply to PROBLEM_TYPE REGRESSION"),
])
def test_errors_have_sqlstate_and_position(sql, code, fragment):
    with pytest.raises(PgError) as ei:
        parse(sql)
    assert ei.value.code == code
    assert fragment.lower() in ei.value.message.lower()
    assert ei.value.position > 0
    if code == "22023":    # at the offending value
        assert sql[ei.value.position - 1:].startswith(("-5", "'soon'", "2.5", "'x'", "'lots'", "'64,x'", "'maybe'", "'F1'"))


def test_values_that_will_do_are_kept():
    s = parse("create model m from t target c function f hyperparameters default except (hidden_layers '64;32', "
              "distill '32,16', ensemble off, learning_rate 1e-3, weight_decay 0) settings (max_runtime 60.5, seed -3)")
    assert s.hyperparameters == {"HIDDEN_LAYERS": "64;32", "DISTILL": "32,16", "ENSEMBLE": "off",
                                 "LEARNING_RATE": 1e-3, "WEIGHT_DECAY": 0}
    assert s.settings == {"MAX_RUNTIME": 60.5, "SEED": -3}
