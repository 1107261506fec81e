"""Redaction of personal data for the report and exports (pure functions).

Left out: names of individuals, personal email addresses (any address whose local part names no function
from `pipeline/data/privacy.yaml`, or that holds a contact's name), and mobile numbers. Kept: shared
mailboxes (recruitment@, jobs@) and office numbers. The curated tables keep everything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import pandas as pd
import pyarrow as pa

from pipeline.load.schemas import TABLES
from pipeline.resources import load_yaml

REDACTED = "[redacted]"
EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# UK mobile numbers as people write them: 07700 900123, 07700900123, +44 7700 900 123, +44 (0)7700 900123
MOBILE_IN_TEXT = re.compile(r"(?<![\d+])(?:\+44\s?(?:\(0\)\s?)?|0)7(?:[\s-]?\d){9}(?!\d)")
_LOCAL_PARTS = re.compile(r"[._+-]+")
_NAME_PART = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")


@cache
def _mailbox_words() -> tuple[frozenset[str], tuple[str, ...]]:
    words = [w.lower() for w in load_yaml("privacy.yaml")["mailbox_words"]]
    return frozenset(words), tuple(w for w in words if len(w) > 3)


@cache
def _mobile_prefixes() -> tuple[str, ...]:
    return tuple(load_yaml("privacy.yaml")["mobile_prefixes"])


def name_parts(names: Iterable[str]) -> set[str]:
    """The lower-case words (3 letters or more) of people's names."""
    return {part.lower() for name in names for part in _NAME_PART.findall(name)}


def is_shared_mailbox(email: str) -> bool:
    """True when the address's local part names a function (recruitment@, fostering.team@), not a person."""
    local = email.split("@", 1)[0].lower()
    whole, long_words = _mailbox_words()
    parts = [re.sub(r"\d+", "", part) for part in _LOCAL_PARTS.split(local)]
    return any(part in whole for part in parts) or any(word in local for word in long_words)


def is_personal_email(email: str, names: Iterable[str] = ()) -> bool:
    """True for a person's address: its local part holds a contact's name, or names no function."""
    local = email.split("@", 1)[0].lower()
    parts = _LOCAL_PARTS.split(local)
    for name in name_parts(names):
        if name in parts or (len(name) > 3 and (local.startswith(name) or local.endswith(name))):
            return True
    return not is_shared_mailbox(email)


def is_mobile(phone: str) -> bool:
    """True for a UK mobile number (E.164 +447...); office, freephone and 03 numbers are not."""
    compact = re.sub(r"[\s()-]", "", phone)
    if compact.startswith("07"):
        compact = "+44" + compact[1:]
    return compact.startswith(_mobile_prefixes())


def redact_text(text: str, names: Iterable[str] = ()) -> str:
    """The text with people's names, personal email addresses and mobile numbers replaced by [redacted]."""
    names = [n for n in names if n and n.strip()]
    out = MOBILE_IN_TEXT.sub(REDACTED, text)
    out = EMAIL_IN_TEXT.sub(lambda m: REDACTED if is_personal_email(m.group(0), names) else m.group(0), out)
    for name in sorted(set(names), key=len, reverse=True):
        out = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", REDACTED, out, flags=re.IGNORECASE)
    return out


def personal_columns(table: str) -> list[str]:
    """The columns of a curated table that the data dictionary marks as holding personal data."""
    return [f.name for f in TABLES[table] if (f.metadata or {}).get(b"personal") == b"true"]


def redact_frame(table: str, frame: pd.DataFrame, names: Iterable[str]) -> pd.DataFrame:
    """A copy of a curated table's rows with personal data left out: contact names removed, personal
    emails and mobile numbers nulled, and the other personal text columns scrubbed with redact_text."""
    names = list(names)
    out = frame.copy()
    for column in personal_columns(table):
        if column not in out.columns:
            continue
        values = out[column]
        if table == "contacts" and column == "name":
            out[column] = None
        elif table == "contacts" and column == "email":
            out[column] = [None if isinstance(v, str) and is_personal_email(v, names) else v for v in values]
        elif table == "contacts" and column == "phone":
            out[column] = [None if isinstance(v, str) and is_mobile(v) else v for v in values]
        else:
            out[column] = [redact_text(v, names) if isinstance(v, str) else v for v in values]
    return out


def redact_text_columns(frame: pd.DataFrame, names: Iterable[str]) -> pd.DataFrame:
    """A copy of any frame with every text cell passed through redact_text (whatever the column's dtype:
    object or pandas' string dtype)."""
    names = list(names)
    out = frame.copy()
    for column in out.columns:
        values = out[column].tolist()
        if any(isinstance(v, str) for v in values):
            out[column] = [redact_text(v, names) if isinstance(v, str) else v for v in values]
    return out


def redact_table(table: str, rows: pa.Table, names: Iterable[str]) -> pa.Table:
    """redact_frame for an Arrow table, keeping its schema."""
    frame = redact_frame(table, rows.to_pandas(types_mapper=pd.ArrowDtype), names)
    return pa.Table.from_pandas(frame, schema=rows.schema, preserve_index=False)
