"""An anchor for the record: the audit head printed in an issued document (`svdesk verify
--expect-head HASH`).

A hash chain alone cannot show that its tail was cut off together with the rows it created (a
signature, the sign-off): what remains is still a valid chain. A document already issued carries
the head as it was then; the record it came from must still hold that entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from svdesk.model.entities import AuditEntry, Tender
from svdesk.model.errors import ValidationError
from svdesk.model.names import quoted
from svdesk.model.services.replacements import replacements

HEAD = re.compile(r"[0-9a-f]{16,64}")


@dataclass(frozen=True)
class AnchorCheck:
    expected: str
    found_at: int | None  # the entry's place in this tender's chain, or None
    since: int  # changes appended after it
    problem: str | None


def check_expected_head(session: Session, tender: Tender, expected: str) -> AnchorCheck:
    """Is the head `expected` (its full 64 hex digits, or at least the first 16) on this tender's
    chain? A head found on a chain this tender replaced, or nowhere, is a problem, named."""
    wanted = expected.strip().lower()
    if not HEAD.fullmatch(wanted):
        raise ValidationError(
            f"--expect-head {quoted(expected)}: an audit head is 16 to 64 hex digits, as the reports print it"
        )
    rows = session.execute(
        select(AuditEntry.tender_uid, AuditEntry.seq).where(AuditEntry.hash.startswith(wanted, autoescape=True))
    ).all()
    newest = session.scalar(select(func.max(AuditEntry.seq)).where(AuditEntry.tender_uid == tender.uid)) or 0
    on_chain = [seq for uid, seq in rows if uid == tender.uid]
    if on_chain:
        seq = on_chain[0]
        return AnchorCheck(wanted, seq, newest - seq, None)
    replaced = {r.tender_uid: r for r in replacements(session, tender.uid)}
    earlier = [uid for uid, _seq in rows if uid in replaced]
    if earlier:
        r = replaced[earlier[0]]
        problem = (
            f"the expected audit head {wanted[:16]}… is on the chain of an earlier tender that this one "
            f"replaced (by {r.replaced_by} at {r.replaced_at}): the document was issued from a record "
            "that has since been replaced"
        )
    else:
        problem = (
            f"the expected audit head {wanted[:16]}… is not on this tender's audit chain: the log has been "
            "cut back since the document that printed it was issued, or the document is of another record"
        )
    return AnchorCheck(wanted, None, 0, problem)
