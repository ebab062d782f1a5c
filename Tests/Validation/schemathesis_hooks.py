"""schemathesis hooks for reader-server (PYTHONPATH=Tests SCHEMATHESIS_HOOKS=Validation.schemathesis_hooks).

Generated requests name the library given in READER_LIBRARY_NAME, so that they
reach the protocol's checks instead of stopping at `404 not_found` (a wrong
library's 404 is tested by validate_openapi.py and the Swift tests).
"""
import os

import schemathesis

LIBRARY = os.environ.get("READER_LIBRARY_NAME", "lab")


@schemathesis.hook
def before_generate_path_parameters(context, strategy):
    return strategy.map(lambda parameters: {**(parameters or {}), "lib": LIBRARY})


@schemathesis.hook
def before_generate_query(context, strategy):
    """A generated `wait` of more than a second would hold each example for up to a
    minute; the waiting itself is tested in LongPollTests and WatchTests."""
    def short(query):
        if isinstance(query, dict) and isinstance(query.get("wait"), int) and query["wait"] > 1:
            return {**query, "wait": 1}
        return query
    return strategy.map(short)
