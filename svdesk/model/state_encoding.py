"""The record already encoded: the canonical JSON of every entity and the fingerprint, in one pass.

`verify` (and so every report) needs the canonical JSON of every entity twice: keyed by names for
the fingerprint, keyed by ids to compare with the audit log's snapshot. For the 100,000 entities of
a large tender, building a dict per entity and encoding the maps through json was most of the
time; here each value is encoded once, straight from its row, with the exact bytes canonical_json
writes (a value of any other type than expected goes through canonical_json itself).
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_left
from dataclasses import dataclass

from svdesk.model.audit import canonical_json
from svdesk.model.entities import Tender
from svdesk.model.state import (
    NOT_FINGERPRINTED,
    STATUS_FIELD,
    Record,
    _readable_keys,
    _small_state,
    content_fingerprint,
    names_for,
    state_of,
)

_string = json.encoder.encode_basestring  # what canonical_json uses for every str (C when available)


class _Names(dict[int, str]):
    """id -> readable name; an unknown id reads as '#id', as in `readable_key`."""

    def __missing__(self, ident: int) -> str:
        return f"#{ident}"


_PLAIN_KEY = re.compile(r"[a-z]+(?:/[0-9]+)*")


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


def encode_state(tender: Tender, record: Record) -> EncodedState:
    """`current_state` with each value as canonical JSON, and its content fingerprint, in one pass.

    The same as canonical_json(state_of(tender, record)) and content_fingerprint(state_of(tender,
    record)), byte for byte (tests/test_verify_speed_rules.py checks it), at a fraction of the cost.
    """
    small = _small_state(tender, record)
    names = names_for(small)  # the large tables name nothing themselves
    bidder, question, member, measure = (
        _Names({int(i): n for i, n in names[kind].items()}) for kind in ("bidder", "question", "member", "measure")
    )
    texts = {key: canonical_json(value) for key, value in small.items()}
    members = [f'"{key}":{text}' for key, text in texts.items()]  # keys made from ids: nothing to escape
    keys = [key for key in small if not key.startswith(NOT_FINGERPRINTED)]
    content = dict(
        zip(
            _readable_keys(keys, names),
            [
                canonical_json({k: v for k, v in small[key].items() if k != STATUS_FIELD})
                if key.startswith("tender/")
                else texts[key]
                for key in keys
            ],
            strict=True,
        )
    )
    # The large tables in `state_of` order, so that (impossible in practice) clashing readable
    # keys resolve alike. A float is written by canonical_json as repr() writes it, if finite.
    add = members.append
    for bid, mid, qty, acc, why in record.pledges:
        if (
            type(qty) is float
            and qty - qty == 0.0
            and (acc is None or (type(acc) is float and acc - acc == 0.0))
            and type(why) is str
        ):
            text = f'{{"accepted":{"null" if acc is None else repr(acc)},"quantity":{qty!r},"reason":{_string(why)}}}'
        else:
            text = canonical_json({"quantity": qty, "accepted": acc, "reason": why})
        add(f'"pledge/{bid}/{mid}":{text}')
        content[f"pledge/{bidder[bid]}/{measure[mid]}"] = text
    for bid, qid, mid, sc, why in record.scores:
        if type(sc) is float and sc - sc == 0.0 and type(why) is str:
            text = f'{{"rationale":{_string(why)},"score":{sc!r}}}'
        else:
            text = canonical_json({"score": sc, "rationale": why})
        add(f'"score/{bid}/{qid}/{mid}":{text}')
        content[f"score/{bidder[bid]}/{question[qid]}/{member[mid]}"] = text
    for bid, qid, sc, why in record.moderated:
        if type(sc) is float and sc - sc == 0.0 and type(why) is str:
            text = f'{{"rationale":{_string(why)},"score":{sc!r}}}'
        else:
            text = canonical_json({"score": sc, "rationale": why})
        add(f'"moderated/{bid}/{qid}":{text}')
        content[f"moderated/{bidder[bid]}/{question[qid]}"] = text
    members.sort()
    if len(content) != len(keys) + len(record.pledges) + len(record.scores) + len(record.moderated):
        return EncodedState(members, content_fingerprint(state_of(tender, record)), exact=False)
    # Readable keys are made of plain keys and names: when no name needs escaping, neither do they.
    plain = all(_string(name) == f'"{name}"' for kind in names.values() for name in kind.values())
    return EncodedState(members, hashlib.sha256(join_encoded(content, plain).encode("utf-8")).hexdigest())


def join_encoded(texts: dict[str, str], plain_keys: bool = False) -> str:
    """canonical_json of a map whose values are already canonical JSON: sorted keys, no spaces.

    `plain_keys`: no key has a character JSON escapes (quote, backslash, control characters)."""
    if plain_keys:
        return "{" + ",".join([f'"{key}":{texts[key]}' for key in sorted(texts)]) + "}"
    return "{" + ",".join([f"{_string(key)}:{texts[key]}" for key in sorted(texts)]) + "}"
