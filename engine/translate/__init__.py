"""PostgreSQL SQL → DuckDB SQL on the sqlglot AST: parse, rewrite by rules, generate."""
from .translator import Translation, Translator, TranslateContext

__all__ = ["Translation", "Translator", "TranslateContext"]
