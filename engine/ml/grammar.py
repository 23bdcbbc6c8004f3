"""The model statements' grammar: CREATE MODEL on sqlglot's parser, SHOW/DROP MODEL.

CREATE MODEL is a subclass of the PostgreSQL parser that recognises MODEL after CREATE
and returns its own expression node; the embedded SELECT stays an ordinary sqlglot tree.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.errors import ParseError
from sqlglot.tokens import Token, TokenType

from redduck.protocol.errors import FEATURE_NOT_SUPPORTED, INVALID_PARAMETER_VALUE, SYNTAX_ERROR, PgError

from ..dialect import Redduck
from ..sqltext import StatementText
from .option_values import objective_mismatch, problem_with

MODEL_TYPES = {"MLP", "LINEAR_LEARNER", "XGBOOST", "KMEANS", "AUTO"}
BUILT_MODEL_TYPES = {"MLP"}
PROBLEM_TYPES = {"REGRESSION": "regression", "BINARY_CLASSIFICATION": "binary",
                 "MULTICLASS_CLASSIFICATION": "multiclass"}
OBJECTIVES = {"F1": "F1", "F1_MACRO": "F1_Macro", "AUC": "AUC", "ACCURACY": "Accuracy", "MSE": "MSE",
              "MAE": "MAE", "RMSE": "RMSE", "R2": "R2"}
# settings redduck uses, and the cloud-only ones it accepts and ignores with a notice
SETTINGS = {"MAX_RUNTIME", "MAX_CELLS", "SEED", "MAX_BATCH_ROWS"}
CLOUD_SETTINGS = {"S3_BUCKET", "KMS_KEY_ID", "S3_GARBAGE_COLLECT", "REGION", "MAX_BATCH_ROWS"}
HYPERPARAMETERS = {"HIDDEN_LAYERS", "LEARNING_RATE", "EPOCHS", "BATCH_SIZE", "PATIENCE", "WEIGHT_DECAY",
                   "SEED", "HIDDEN_LAYER_SIZES", "MINI_BATCH_SIZE", "NUM_ROUND", "ENSEMBLE", "DISTILL"}


@dataclass
class CreateModelSpec:
    name: str
    schema: str | None
    query_sql: str              # the FROM query (or SELECT * FROM table) as PostgreSQL SQL
    query_offset: int
    target: str
    target_pos: int
    function: str
    function_pos: int
    arg_types: list | None = None
    model_type: str = "AUTO"
    problem_type: str | None = None
    objective: str | None = None
    preprocessors: str | None = None
    auto: bool = True
    hyperparameters: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    ignored: list = field(default_factory=list)   # cloud-only clauses and settings


class CreateModel(exp.Expression):
    arg_types = {"spec": True}


def _err(msg: str, tok: Token | None, code: str = SYNTAX_ERROR) -> PgError:
    return PgError(code, msg, position=(tok.start + 1) if tok is not None else 0)


class ModelParser(Redduck.Parser):
    STATEMENT_PARSERS = {**Redduck.Parser.STATEMENT_PARSERS,
                         TokenType.CREATE: lambda self: self._parse_create_or_model()}

    def _parse_create_or_model(self):
        if not self._done() and self._curr.text.upper() == "MODEL":
            self._advance()
            return self._parse_create_model()
        return self._parse_create()

    # -- helpers reporting PostgreSQL-style errors at the offending token
    def _done(self) -> bool:
        return self._index >= self._tokens_size

    def _tok(self):
        return None if self._done() else self._curr

    def _fail(self, msg: str | None = None):
        tok = self._tok()
        if msg is None:
            msg = f'syntax error at or near "{tok.text}"' if tok is not None else "syntax error at end of input"
        if tok is None:
            prev = self._prev
            e = PgError(SYNTAX_ERROR, msg, position=(prev.end + 2) if prev is not None else 0)
            raise e
        raise _err(msg, tok)

    def _word(self) -> str:
        return "" if self._done() else self._curr.text.upper()

    def _expect_word(self, word: str) -> Token:
        if self._word() != word:
            self._fail()
        self._advance()
        return self._prev

    def _name(self) -> str:
        tok = self._tok()
        if tok is None or tok.token_type in (TokenType.STRING, TokenType.NUMBER, TokenType.L_PAREN,
                                             TokenType.R_PAREN, TokenType.COMMA):
            self._fail()
        self._advance()
        return tok.text if tok.token_type == TokenType.IDENTIFIER else tok.text.lower()

    def _string(self) -> str:
        if self._done() or self._curr.token_type != TokenType.STRING:
            self._fail()
        self._advance()
        return self._prev.text

    def _value(self):
        """A setting or hyperparameter value: string, number or bare word."""
        tok = self._tok()
        if tok is None:
            self._fail()
        self._advance()
        if tok.token_type == TokenType.NUMBER:
            return float(tok.text) if "." in tok.text or "e" in tok.text.lower() else int(tok.text)
        if tok.token_type == TokenType.DASH and not self._done() and self._curr.token_type == TokenType.NUMBER:
            self._advance()
            text = self._prev.text
            return -(float(text) if "." in text or "e" in text.lower() else int(text))
        return tok.text

    def _parse_create_model(self) -> CreateModel:
        sql = self.sql
        objective_tok = None
        name = self._name()
        schema = None
        if self._match(TokenType.DOT):
            schema, name = name, self._name()
        if self._word() != "FROM":
            self._fail()
        self._advance()
        if self._match(TokenType.L_PAREN):
            open_tok = self._prev
            inner = self._parse_statement()
            if not isinstance(inner, (exp.Select, exp.Union, exp.Intersect, exp.Except, exp.With)):
                raise _err("CREATE MODEL … FROM ( … ) needs a SELECT", open_tok)
            if not self._match(TokenType.R_PAREN):
                self._fail()
            close = self._prev
            query_sql = sql[open_tok.end + 1 - self._offset:close.start - self._offset]
            query_offset = open_tok.end + 1
        else:
            table_tok = self._tok()
            table = self._name()
            while self._match(TokenType.DOT):
                table += "." + self._name()
            query_sql, query_offset = f"SELECT * FROM {table}", table_tok.start
        if self._word() != "TARGET":
            self._fail()
        self._advance()
        target_tok = self._tok()
        target = self._name()
        if self._word() != "FUNCTION":
            self._fail()
        self._advance()
        fn_tok = self._tok()
        function = self._name()
        arg_types = None
        if self._match(TokenType.L_PAREN):
            arg_types = []
            while not self._match(TokenType.R_PAREN):
                t = self._parse_types()
                if t is None:
                    self._fail()
                arg_types.append(t.sql(dialect="postgres"))
                self._match(TokenType.COMMA)
        spec = CreateModelSpec(name, schema, query_sql, query_offset, target, target_tok.start + 1, function,
                               fn_tok.start + 1, arg_types)
        seen: set[str] = set()
        while not self._done():
            clause_tok = self._curr
            clause = self._word()
            if clause in seen:
                raise _err(f"{clause} is given more than once", clause_tok)
            seen.add(clause)
            self._advance()
            if clause == "IAM_ROLE":
                if self._word() == "DEFAULT":
                    self._advance()
                else:
                    self._string()
                spec.ignored.append("IAM_ROLE")
            elif clause == "AUTO":
                w = self._word()
                if w not in ("ON", "OFF"):
                    self._fail()
                self._advance()
                spec.auto = w == "ON"
            elif clause == "MODEL_TYPE":
                tok = self._tok()
                w = self._word()
                if w not in MODEL_TYPES:
                    raise _err(f'unknown MODEL_TYPE "{tok.text if tok else ""}"; expected one of '
                               f'{", ".join(sorted(MODEL_TYPES))}', tok)
                self._advance()
                if w not in BUILT_MODEL_TYPES and w != "AUTO":
                    raise _err(f"MODEL_TYPE {w} is not supported yet; supported: "
                               f"{', '.join(sorted(BUILT_MODEL_TYPES))} (or AUTO)", tok, FEATURE_NOT_SUPPORTED)
                spec.model_type = w
            elif clause == "PROBLEM_TYPE":
                paren = self._match(TokenType.L_PAREN)
                tok = self._tok()
                w = self._word()
                if w not in PROBLEM_TYPES:
                    raise _err(f'unknown PROBLEM_TYPE "{tok.text if tok else ""}"; expected one of '
                               f'{", ".join(PROBLEM_TYPES)}', tok)
                self._advance()
                if paren and not self._match(TokenType.R_PAREN):
                    self._fail()
                spec.problem_type = PROBLEM_TYPES[w]
            elif clause == "OBJECTIVE":
                paren = self._match(TokenType.L_PAREN)
                tok = self._tok()
                w = self._string().upper()
                if w not in OBJECTIVES:
                    raise _err(f"unknown OBJECTIVE '{tok.text}'; expected one of "
                               f"{', '.join(OBJECTIVES.values())}", tok)
                if paren and not self._match(TokenType.R_PAREN):
                    self._fail()
                spec.objective = OBJECTIVES[w]
                objective_tok = tok
            elif clause == "PREPROCESSORS":
                spec.preprocessors = self._string()
            elif clause == "HYPERPARAMETERS":
                self._expect_word("DEFAULT")
                if self._word() == "EXCEPT":
                    self._advance()
                    spec.hyperparameters = self._key_values(HYPERPARAMETERS, "hyperparameter")
            elif clause == "SETTINGS":
                values = self._key_values(SETTINGS | CLOUD_SETTINGS, "setting")
                for k, v in values.items():
                    if k in CLOUD_SETTINGS and k not in SETTINGS:
                        spec.ignored.append(k)
                    else:
                        spec.settings[k] = v
            else:
                raise _err(f'unknown CREATE MODEL clause "{clause_tok.text}"', clause_tok)
        mismatch = objective_mismatch(spec.problem_type, spec.objective,
                                      next((k for k, v in PROBLEM_TYPES.items() if v == spec.problem_type), ""))
        if mismatch:
            raise _err(mismatch, objective_tok, INVALID_PARAMETER_VALUE)
        return CreateModel(spec=spec)

    def _key_values(self, allowed: set, what: str) -> dict:
        if not self._match(TokenType.L_PAREN):
            self._fail()
        out = {}
        while True:
            tok = self._tok()
            key = self._word()
            if key not in allowed:
                raise _err(f'unknown {what} "{tok.text if tok else ""}"; expected one of {", ".join(sorted(allowed))}',
                           tok)
            self._advance()
            vtok = self._tok()
            out[key] = self._value()
            wanted = problem_with(key, out[key])
            if wanted:
                shown = f"'{out[key]}'" if isinstance(out[key], str) else out[key]
                raise _err(f"{key} must be {wanted}, not {shown}", vtok, INVALID_PARAMETER_VALUE)
            if self._match(TokenType.COMMA):
                continue
            if self._match(TokenType.R_PAREN):
                return out
            self._fail()


def parse_create_model(stmt: StatementText) -> CreateModelSpec:
    parser = ModelParser(error_level=None)
    parser._offset = stmt.offset  # tokens carry positions in the whole query string
    try:
        trees = parser.parse(list(stmt.tokens), stmt.sql)
    except ParseError as e:
        err = e.errors[0] if e.errors else {}
        raise PgError(SYNTAX_ERROR, f"syntax error in CREATE MODEL: {err.get('description', e)}",
                      position=stmt.offset + 1) from None
    tree = trees[0] if trees else None
    if not isinstance(tree, CreateModel):
        raise PgError(SYNTAX_ERROR, "syntax error in CREATE MODEL", position=stmt.offset + 1)
    return tree.args["spec"]
