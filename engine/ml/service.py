"""Placeholder wiring, replaced below by the real model service."""
class ModelService:
    def __init__(self, engine, concurrency=1):
        self.engine = engine

    def function_names(self):
        return frozenset()

    def shutdown(self):
        pass
