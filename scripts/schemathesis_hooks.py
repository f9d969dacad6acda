"""Hooks for scripts/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

tus's PATCH body is `application/offset+octet-stream`: raw bytes like `application/octet-stream`,
under a media type schemathesis has no serializer for. It is sent as bytes, as tus clients do.
"""

import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
