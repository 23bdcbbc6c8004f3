"""PostgreSQL v3 wire protocol, sans I/O: framing, messages, type OIDs, codecs, SQLSTATEs.

Nothing here imports asyncio or duckdb; the server feeds bytes in and writes bytes out.
"""
