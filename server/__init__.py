"""The asyncio network server: startup, sessions, cancel, shutdown."""
