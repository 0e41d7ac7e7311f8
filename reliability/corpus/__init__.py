"""The hostile-input corpus: requests a receiver must survive, each with the answer it must give.

:data:`CORPUS` is every case; :func:`quick` the deterministic subset that ``make test`` sends.
``reliability/hostile.py`` sends them to a running local stack over HTTP and checks each
answer, the quarantine, and that valid traffic still works afterwards.

Families (:class:`~reliability.corpus.case.Family`), hand-written (``markup.py``, ``text.py``,
``fields.py``, ``delivery.py``) and generated (``generated.py``, every rule applied to every
sample it fits):

- **xml-safety**: XML bombs (billion laughs, quadratic blow-up, also in UTF-16), external
  entities (a file, a cloud metadata URL), parameter entities, external and empty DTDs; and
  what looks dangerous but fetches nothing (XInclude, schemaLocation, processing instructions,
  CDATA, comments), which is valid.
- **nesting**: XML and JSON nested 100,000 deep, XML over 32 levels inside an event; a little
  nesting in an added field, which is kept.
- **huge-values**: a 1 MB attribute and 10,000 attributes (attributes carry no data), fields
  and elements that make one event too large for a queue message (``event_too_large``).
- **surrogates**, **nul-bytes**: lone and reversed UTF-16 surrogates as bytes (LE, BE, with and
  without a byte-order mark), as JSON escapes and XML references, UTF-8-encoded surrogates; NUL
  bytes in, before and after documents.
- **encodings**: every sample in every encoding docs/PAYLOADS.md accepts, each with a missing
  or wrong Content-Type (generated); Latin-1 and Windows-1252 named or not, a wrong byte-order
  mark, UTF-8 behind a UTF-16 mark, gzip.
- **content-type**: lying, missing, repeated and absurd Content-Type headers on valid bodies.
- **truncated**: every sample cut at a quarter, a half and before its last byte (generated).
- **base64-flag**: a lying ``isBase64Encoded``. API Gateway (and the local API) decides the flag,
  so these cases are sent **via a crafted event**, invoking the ingest function in-process.
- **not-a-notification**: empty, whitespace, byte-order marks alone, text, images, forms, YAML,
  JSON that is not an object or not JSON.
- **wrong-types**, **missing-fields** (generated): each field of each type given a value of
  another JSON type; each required field removed from each sample, as XML and as JSON (and each
  optional one, which stays valid).
- **extra-fields**, **repeated-fields**: fields Tilte may add (kept), Python names in place of
  Tilte's, nulls and ``xsi:nil``; keys and elements given twice.
- **unknown-types**: names no type has (case, spaces, markup, 1,000 characters), as XML and
  JSON (generated).
- **root-mismatch**: each XML sample under the next type's root, each batch with the next
  type's event elements (generated); JSON typed as another type.
- **dates**, **counts**, **emails** (generated): dates out of range or out of form, and valid
  extremes; counts in every wrong form, and the largest valid one; unicode and odd but valid
  email addresses (accepted), and invalid ones.
- **over-limit**: one byte over ``MaxBodyBytes`` (413, kept), exactly at it (valid), over API
  Gateway's 10 MB (413 from the API itself, by announced length and in chunks: nothing kept).
- **auth**: no token, wrong tokens, the token in places that are not accepted (401, nothing
  kept), and the three accepted places.

Every expectation comes from the documented contract, not from running the receiver: the
status and ``error.code`` from the README's Responses table and docs/PAYLOADS.md's Errors and
Fields tables; the types' roots, event elements and fields from :mod:`.contract`, written down
from docs/PAYLOADS.md; the number of queued events from the samples themselves (one message per
event); the size limit from the template's ``MaxBodyBytes``. Every 400, every 413 the function
answers and every 202 for an unknown type is kept in quarantine with its exact body; a 401
and the API's own 413 keep nothing.
"""

from __future__ import annotations

from collections import Counter

from reliability.corpus import delivery, fields, generated, markup, text
from reliability.corpus.case import Case, Family

CORPUS: list[Case] = [
    *markup.cases(),
    *text.cases(),
    *delivery.cases(),
    *fields.cases(),
    *generated.cases(),
]
QUICK_PER_FAMILY = 2


def quick() -> list[Case]:
    """The first two cases of each family, in corpus order: hand-written ones first, so the
    quick run still sends a bomb, an XXE, a lying base64 flag, a body over the limit..."""
    taken: Counter[Family] = Counter()
    chosen = []
    for case in CORPUS:
        if taken[case.family] < QUICK_PER_FAMILY:
            taken[case.family] += 1
            chosen.append(case)
    return chosen
