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
