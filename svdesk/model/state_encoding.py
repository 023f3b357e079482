"""The record already encoded: the canonical JSON of every entity and the fingerprint, in one pass.

`verify` (and so every report) needs the canonical JSON of every entity twice: keyed by names for
the fingerprint, keyed by ids to compare with the audit log's snapshot. For the 100,000 entities of
a large tender, building a dict per entity and encoding the maps through json was most of the
time; here each value of the bulk kinds is encoded once, straight from its row, with the exact
bytes canonical_json writes (a value of any other type than expected goes through canonical_json
itself). The encoders are compiled from the record's description (`record_spec.Kind.encode`).

This module also owns the text of an encoded state and of the snapshot entry, so that `verify`
compares them without slicing JSON itself.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_left, insort
from dataclasses import dataclass

from svdesk.model import state
from svdesk.model.audit import canonical_json
from svdesk.model.entities import Tender
from svdesk.model.record_spec import KEY_PATTERN

_string = json.encoder.encode_basestring  # what canonical_json uses for every str (C when available)


class _Names(dict[int, str]):
    """id -> readable name; an unknown id reads as '#id', as in `readable_key`."""

    def __missing__(self, ident: int) -> str:
        return f"#{ident}"


_PLAIN_KEY = re.compile(KEY_PATTERN)


def is_plain_key(key: str) -> bool:
    """A key as `current_state` makes them ('score/3/7/2'): JSON-encoded as is, and sorted alike."""
    return _PLAIN_KEY.fullmatch(key) is not None


@dataclass(frozen=True)
class EncodedState:
    """`current_state`, encoded: canonical_json(state) == "{" + ",".join(members) + "}"."""

    members: list[str]  # '"key":<canonical JSON of the value>', one per entity, sorted (= by key: plain keys)
    fingerprint: str  # = content_fingerprint(state)
    # False when two rows share a key (only possible with the database's unique constraints dropped)
    # or two keys share a readable name: `members` is then not the state, only its rows.
    exact: bool = True

    def text_of(self, key: str) -> str | None:
        """The canonical JSON of one entity's value, or None when the state has no such key."""
        if not is_plain_key(key):
            raise ValueError(f"not a state key: {key!r}")
        prefix = f'"{key}":'
        i = bisect_left(self.members, prefix)
        if i < len(self.members) and self.members[i].startswith(prefix):
            return self.members[i][len(prefix) :]
        return None

    def text_with(self, texts: dict[str, str]) -> str:
        """The canonical JSON of the state with each key of `texts` set to that canonical JSON
        ("null": the key removed). The keys must be plain (`is_plain_key`)."""
        if len(texts) > 256:  # many changes (a tender built in the app): filter in one pass
            kept = [m for m in self.members if m[1 : m.index('"', 1)] not in texts]
            kept += [f'"{key}":{text}' for key, text in texts.items() if text != "null"]
            kept.sort()
        else:
            kept = list(self.members)
            for key, text in texts.items():
                prefix = f'"{key}":'
                i = bisect_left(kept, prefix)
                if i < len(kept) and kept[i].startswith(prefix):
                    del kept[i]
                if text != "null":
                    insort(kept, prefix + text)
        return "{" + ",".join(kept) + "}"


def snapshot_holds(snapshot: str, text: str) -> bool:
    """True when the snapshot entry's `after` (canonical JSON: {"state": <state>}, or with other
    members such as "source" before it) holds exactly the state whose canonical JSON is `text`.

    Compared in place, not decoded, when the snapshot's state is written byte for byte as `text`;
    otherwise (the same values written differently, e.g. a number the log holds as an int) decoded.
    Raises ValueError (or TypeError, KeyError) when the snapshot is not such an object.
    """
    end = len(snapshot) - 1  # the snapshot is {..."state":<text>}: compared in place, not copied
    start = end - len(text)
    if start >= 9 and snapshot.endswith("}") and snapshot.startswith(text, start, end):
        if snapshot[:start] == '{"state":':
            return True
        if snapshot.startswith(',"state":', start - 9, start):
            # what precedes "state" must be whole members of the object (e.g. "source"), so that
            # the snapshot's "state" is exactly `text`
            head = json.loads(snapshot[: start - 9] + "}")
            return isinstance(head, dict) and bool(head) and "state" not in head
    return bool(json.loads(text) == json.loads(snapshot)["state"])


def encode_state(tender: Tender, record: state.Record) -> EncodedState:
    """`current_state` with each value as canonical JSON, and its content fingerprint, in one pass.

    The same as canonical_json(state_of(tender, record)) and content_fingerprint(state_of(tender,
    record)), byte for byte (tests/test_verify_speed_rules.py checks it), at a fraction of the cost.
    """
    small = state.small_state(tender, record)
    names = state.names_for(small)  # the bulk kinds name nothing themselves
    by_id = {kind: _Names({int(i): n for i, n in of_kind.items()}) for kind, of_kind in names.items()}
    texts = {key: canonical_json(value) for key, value in small.items()}
    members = [f'"{key}":{text}' for key, text in texts.items()]  # keys made from ids: nothing to escape
    keys = [key for key in small if not key.startswith(state.NOT_FINGERPRINTED)]
    printed = []
    for key in keys:
        drop = state.unprinted_fields(key)
        printed.append(canonical_json({k: v for k, v in small[key].items() if k not in drop}) if drop else texts[key])
    content = dict(zip(state.readable_keys(keys, names), printed, strict=True))
    # The bulk kinds in `state_of` order, so that (impossible in practice) clashing readable keys
    # resolve alike.
    bulk_rows = 0
    for kind in state.BULK:
        rows = state.rows_of(record, kind)
        kind.encode(rows, members.append, content, *(by_id[part.kind] for part in kind.key))
        bulk_rows += len(rows)
    members.sort()
    if len(content) != len(keys) + bulk_rows:
        return EncodedState(members, state.content_fingerprint(state.state_of(tender, record)), exact=False)
    # Readable keys are made of plain keys and names: when no name needs escaping, neither do they.
    plain = all(_string(name) == f'"{name}"' for kind in names.values() for name in kind.values())
    return EncodedState(members, hashlib.sha256(join_encoded(content, plain).encode("utf-8")).hexdigest())


def join_encoded(texts: dict[str, str], plain_keys: bool = False) -> str:
    """canonical_json of a map whose values are already canonical JSON: sorted keys, no spaces.

    `plain_keys`: no key has a character JSON escapes (quote, backslash, control characters)."""
    if plain_keys:
        return "{" + ",".join([f'"{key}":{texts[key]}' for key in sorted(texts)]) + "}"
    return "{" + ",".join([f"{_string(key)}:{texts[key]}" for key in sorted(texts)]) + "}"
