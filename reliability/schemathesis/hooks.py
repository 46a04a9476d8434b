"""Schemathesis hooks for the fuzz run of the local stack (loaded by run.sh).

Each hook exists because the API's contract says something its OpenAPI
document cannot; the reason is on each.
"""

import uuid

import schemathesis

IDEMPOTENCY_KEY = "idempotency-key"


@schemathesis.hook
def before_call(context, case, kwargs):
    """Gives every write a fresh Idempotency-Key, as a real client does.

    The header means "a unique key per intended write": a second request with
    the same key replays the first answer (201 with the first secret's id, even
    after that secret was deleted) or answers 422 idempotency_key_reused for a
    different body. Hypothesis draws the same short strings again and again
    (`0` most of all), so without this the stateful checks read a replay as a
    "created resource not found" and a 422 as a valid request rejected. A key
    that breaks the header's schema (empty, over 128 characters) is left as
    generated, so negative tests still send it.
    """
    headers = case.headers or {}
    for name, value in list(headers.items()):
        if name.lower() == IDEMPOTENCY_KEY and isinstance(value, str) and 1 <= len(value) <= 128:
            headers[name] = str(uuid.uuid4())


@schemathesis.deserializer("text/csv")
def deserialize_csv(ctx, response):
    """The CSV export is validated as what the document says it is: a string."""
    return response.text
