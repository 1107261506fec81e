"""Explicit pyarrow schemas of the curated tables; every column carries a description."""

from __future__ import annotations

import pyarrow as pa

from pipeline.load.columns import _B, _D, _F, _I, _PROVENANCE, _S, _TS, _f
from pipeline.load.employer_schemas import EMPLOYER_MENTIONS, EMPLOYERS
from pipeline.normalise.salary import DAYS_PER_WEEK, HOURS_PER_WEEK, MONTHS_PER_YEAR, WEEKS_PER_YEAR

PAGES = pa.schema(
    [
        *_PROVENANCE,
        _f("url", _S, "Where the document came from: an http(s) URL or a file:// URI.", False),
        _f(
            "fetched_at",
            _TS,
            "When the document was fetched (UTC); for local files, the file's modification time.",
            False,
        ),
        _f("content_sha256", _S, "SHA-256 of the raw bytes; the raw snapshot is stored under this name.", False),
        _f("raw_path", _S, "Path of the raw snapshot, relative to the raw directory.", False),
        _f("title", _S, "Title of the page (<title> or first heading), as written."),
        _f(
            "page_kind",
            _S,
            "vacancy (one advert), listing (several adverts), job_description (a job description, person "
            "specification or application pack: its role is read but it is not an advert), campaign "
            "(recruitment campaign without concrete adverts), information, or other.",
            False,
        ),
        _f(
            "run_id",
            _S,
            "Id of the run that read the page: derived from the run's night, reference date and inputs, so "
            "re-running a night over the same inputs gives the same id.",
            False,
        ),
        _f("content_type", _S, "Media type of the document (text/html or text/plain)."),
        _f(
            "encoding",
            _S,
            "Text encoding detected from the bytes (BOM, UTF-8 validity, the page's declaration, or "
            "statistical detection).",
        ),
        _f("bytes", _I, "Size of the raw document in bytes."),
        _f("reference_date", _D, "Date used to complete dates written without a year (--as-of, else fetched_at)."),
        _f(
            "employer_name", _S, "The page's employer (source setting, or the employer the page names most), canonical."
        ),
        _f("vacancy_count", _I, "Vacancies read from this page (before de-duplication across pages)."),
        _f(
            "truncated",
            _S,
            "Which limits cut the document, and how (max_bytes, max_chars, max_depth: read as text); null when "
            "it was read whole.",
        ),
        _f(
            "snapshot_date",
            _D,
            "Night of the run that read the page (--as-of, else the run's UTC date); a re-run of an older "
            "night never replaces a page read on a later night.",
            False,
        ),
    ]
)

_VACANCY_COLUMNS = [
    _f(
        "vacancy_id",
        _S,
        "Stable id of the vacancy: hash of source, employer, normalised title and closing date; a "
        "sighting without a closing date takes the id of the one dated vacancy of the same source, employer "
        "and title seen that night (a listing entry and its detail page). The same advert keeps its id on "
        "every night it is seen.",
        False,
    ),
    *_PROVENANCE,
    _f(
        "employer_name",
        _S,
        "Employer, canonical name (ONS/mySociety official name for councils; for others the name without "
        "'The' or its legal form, or the name employers.yaml gives it). An agency's client, never the agency: "
        "null when an agency's advert does not name its client.",
    ),
    _f("via_agency", _S, "The recruitment agency that placed the advert, when the page names one."),
    _f(
        "agency_work",
        _B,
        "True for agency work: an agency's advert (via_agency, or the page says it recruits on behalf of a "
        "client) or an agency or locum contract. Null on rows written before the column existed.",
    ),
    _f(
        "page_kind",
        _S,
        "Kind of the page the vacancy was read from (pages.page_kind). Counts of open vacancies (the run "
        "summary, the report) use only vacancy and listing pages, not job descriptions.",
    ),
    _f("employer_gss_code", _S, "ONS GSS code of the employer when it is a local authority."),
    _f("region_code", _S, "ONS region code (E12...) of the employer; country code for Wales/Scotland/NI."),
    _f("region_name", _S, "ONS region name of the employer."),
    _f(
        "title",
        _S,
        'Role title as the page advertises it, with its specialism or team ("Social Worker - Children in '
        'Care"), without grade, reference, number of posts, place or employer; null when the page names the '
        "posts only as a group.",
    ),
    _f("title_normalised", _S, "Role title with its head noun singular and a trailing acronym removed."),
    _f("role_family", _S, "Role family from the vocabulary in pipeline/data/role_families.yaml."),
    _f("soc2020_code", _S, "SOC 2020 unit group (4 digits) of the role family."),
    _f("soc2020_title", _S, "Title of the SOC 2020 unit group."),
    _f("salary_min", _F, "Lowest figure of the salary, in salary_period units (GBP); null for 'up to £X'."),
    _f("salary_max", _F, "Highest figure of the salary, in salary_period units (GBP); a single figure sets both."),
    _f(
        "salary_period",
        _S,
        "year, month, week, day or hour; inferred from the size when the page states none (>= 5,000 year, < 100 hour).",
    ),
    _f(
        "salary_annual_min",
        _F,
        f"salary_min as a full-time annual figure: hour x {HOURS_PER_WEEK:g} h/week x "
        f"{WEEKS_PER_YEAR} weeks; day x {DAYS_PER_WEEK:g} x {WEEKS_PER_YEAR}; week x "
        f"{WEEKS_PER_YEAR}; month x {MONTHS_PER_YEAR:g}; rounded to pounds.",
    ),
    _f("salary_annual_max", _F, "salary_max annualised with the same constants as salary_annual_min."),
    _f("salary_text", _S, "The salary as written, with its period and qualifiers."),
    _f("salary_up_to", _B, "True when the page gives only a maximum ('up to £X')."),
    _f("salary_pro_rata", _B, "True when the salary is stated pro rata / FTE."),
    _f(
        "salary_plus_enhancements",
        _B,
        "True when the salary is stated plus enhancements or allowances (unsocial hours, sleep-in, supplements).",
    ),
    _f(
        "closing_date",
        _D,
        "Closing date for applications (UK day-first; a date without a year takes the "
        "reference year, or the next when it would fall over 60 days before the reference date).",
    ),
    _f("closing_date_text", _S, "The closing date as written."),
    _f("closing_year_inferred", _B, "True when the year of closing_date was not written on the page."),
    _f("hours", _S, "full-time, part-time, or null (not stated, or both offered)."),
    _f("hours_per_week", _F, "Weekly hours when stated."),
    _f("contract", _S, "permanent, temporary, fixed-term, casual, zero-hours, agency, or null."),
    _f("location_text", _S, "Where the role is based, as written."),
    _f("postcode", _S, "UK postcode of the workplace in canonical form (S40 2NT), when stated."),
    _f("evidence", _S, "The sentence(s) of the page the row was read from, one per line.", False, personal=True),
    _f(
        "extraction_method",
        _S,
        "jsonld (schema.org JobPosting), structure (page layout: cards, headings, "
        "labelled fields) or text (sentence rules).",
        False,
    ),
]
_PAGES_SEEN = _f("pages_seen", _I, "Number of pages of the source the vacancy was read from.", False)
VACANCIES = pa.schema(
    [
        *_VACANCY_COLUMNS,
        _PAGES_SEEN,
        _f("first_seen", _D, "First night (snapshot_date) the vacancy was seen.", False),
        _f("last_seen", _D, "Last night the vacancy was seen (carried-forward nights do not count).", False),
        _f(
            "status",
            _S,
            "open; closed (its closing date is before the latest night in the data, or it disappeared on or after "
            "its closing date, or it disappeared and had no closing date, or it was superseded by the same "
            "advert with a later closing date); withdrawn (it disappeared from its source before its closing "
            "date).",
            False,
        ),
        _f(
            "status_date",
            _D,
            "Night the vacancy was first found missing from its source (closed or withdrawn by disappearing); "
            "null while it is listed.",
        ),
        _f("nights_seen", _I, "Number of nights the vacancy was seen.", False),
        _f(
            "superseded_by",
            _S,
            "When the advert came back, on the night it disappeared, with the same source, employer and title "
            "and a later closing date (an extended closing date): the vacancy_id it continues as. The vacancy "
            "is then closed, not withdrawn.",
        ),
    ]
)
VACANCY_SIGHTINGS = pa.schema(_VACANCY_COLUMNS)
VACANCY_SNAPSHOTS = pa.schema(
    [
        *_VACANCY_COLUMNS,
        _PAGES_SEEN,
        _f("page_urls", pa.list_(_S), "URLs of the pages the vacancy was read from that night.", False),
        _f(
            "carried_forward",
            _B,
            "True when the vacancy's pages could not be read that night (transient failure, or an additive "
            "ingest) and the row repeats the night before; it keeps the vacancy open without counting as seen.",
            False,
        ),
        _f(
            "content_hash",
            _S,
            "Hash of the advertised fields (employer, title, salary, closing date, hours, contract, location); "
            "a change between nights counts the vacancy as updated.",
            False,
        ),
        _f(
            "advert_key",
            _S,
            "Hash of source, employer and normalised title (the vacancy_id without the closing date); links an "
            "advert re-published with a later closing date to its earlier vacancy. Null when there is no title.",
        ),
        _f("run_id", _S, "Run that wrote the night's snapshot.", False),
    ]
)
SOURCE_NIGHTS = pa.schema(
    [
        _f("snapshot_date", _D, "The night.", False),
        _f("source_id", _S, "The source.", False),
        _f("run_id", _S, "Run that observed the source that night (the latest run of that night).", False),
        _f("pages_changed", _I, "Pages read and extracted: new, or their content changed.", False),
        _f("pages_unchanged", _I, "Pages unchanged since they were last read (same content hash, or HTTP 304).", False),
        _f("pages_failed", _I, "Pages that could not be fetched or read.", False),
        _f("rejects", _I, "Rejects recorded for the source that night (fetch, decode, extract, validate).", False),
        _f("vacancies_seen", _I, "Vacancies seen that night.", False),
        _f("vacancies_carried", _I, "Vacancies carried forward because their pages could not be read.", False),
        _f("vacancies_open", _I, "Vacancies listed that night whose closing date had not passed.", False),
        _f("vacancies_new", _I, "Vacancies seen for the first time that night.", False),
        _f(
            "vacancies_updated",
            _I,
            "Vacancies also listed on the source's previous night whose advertised fields changed.",
            False,
        ),
        _f(
            "vacancies_closed",
            _I,
            "Vacancies of the previous night that closed since: their closing date passed, or they disappeared "
            "on or after it.",
            False,
        ),
        _f("vacancies_withdrawn", _I, "Vacancies of the previous night that disappeared before closing.", False),
    ]
)

CONTACTS = pa.schema(
    [
        _f("contact_id", _S, "Id of the contact point (hash of page and details).", False),
        *_PROVENANCE,
        _f("vacancy_id", _S, "The vacancy the contact is for, when the page advertises exactly one; else null."),
        _f("employer_name", _S, "The page's employer, canonical."),
        _f(
            "name",
            _S,
            "Person to contact, only when the page gives the name as a contact ('contact Jane Smith on').",
            personal=True,
        ),
        _f("phone", _S, "Phone number in E.164 (+447766367597); may be a person's mobile.", personal=True),
        _f("phone_label", _S, "What the page calls the number (Office, Freephone number for young people)."),
        _f("email", _S, "Email address; may be a person's.", personal=True),
        _f("address", _S, "Postal address, lines joined with commas, ending with the canonical postcode."),
        _f("postcode", _S, "UK postcode in canonical form (S40 2NT), validated against the postcode format."),
        _f("evidence", _S, "The passage of the page the contact was read from.", False, personal=True),
    ]
)

BENEFITS = pa.schema(
    [
        *_PROVENANCE,
        _f(
            "vacancy_id",
            _S,
            "The vacancy the benefit is offered with, when the page advertises exactly one; else null.",
        ),
        _f("employer_name", _S, "Employer offering the benefit: the one named in the passage, else the page's."),
        _f(
            "category",
            _S,
            "pension, annual_leave, family_leave, flexible_working, cycle_to_work, car_or_travel, "
            "wellbeing, discounts, training, professional_fees, relocation, enhancements or other.",
            False,
        ),
        _f("value", _F, "Amount stated with the benefit (18.5 for an 18.5% pension), else null."),
        _f("unit", _S, "Unit of value: percent, days, weeks, GBP, or 'GBP per day' (etc.)."),
        _f("benefit_text", _S, "The words that name the benefit, as written.", False),
        _f("evidence", _S, "The sentence the benefit was read from.", False, personal=True),
    ]
)

REJECTS = pa.schema(
    [
        _f("source_id", _S, "Source of the document.", False),
        _f("url", _S, "The document (URL, file:// URI or path as given).", False),
        _f(
            "stage",
            _S,
            "acquire (could not be read), fetch (HTTP failure), decode (empty, binary, unknown encoding), "
            "extract, or validate (a row failed the checks before publish).",
            False,
        ),
        _f("reason", _S, "One-line reason.", False),
        _f("content_sha256", _S, "SHA-256 of the bytes, when they could be read."),
        _f("run_id", _S, "Run that recorded the reject.", False),
        _f("snapshot_date", _D, "Night of the run that recorded the reject.", False),
        _f("table_name", _S, "For a validate reject: the table the row was meant for."),
        _f("row_id", _S, "For a validate reject: the row's id (vacancy_id, contact_id, page_id)."),
        _f("record", _S, "For a validate reject: the whole row as JSON, so nothing is lost.", personal=True),
    ]
)

FETCH_LOG = pa.schema(
    [
        _f("url", _S, "URL attempted (normalised: no fragment or tracking parameters, host in lower case).", False),
        _f("source_id", _S, "Source whose crawl attempted it.", False),
        _f("status", _I, "HTTP status of the last attempt (304: unchanged since the last run); null when no response."),
        _f("bytes", _I, "Bytes of body received (decoded).", False),
        _f("elapsed", _F, "Seconds spent on the URL, retries and waits included.", False),
        _f("attempts", _I, "Requests made (0 when robots.txt forbade it).", False),
        _f("from_cache", _B, "True when the server answered 304 and the stored snapshot was reused.", False),
        _f(
            "error", _S, "Why the URL gave no page (timeout, HTTP 500, disallowed by robots.txt, ...); null on success."
        ),
        _f("final_url", _S, "URL the page was read from after redirects; null when no page was read."),
        _f(
            "redirects",
            pa.list_(_S),
            "URLs redirected to, hop by hop, in order (each checked like a new URL before it was requested); null "
            "when the URL answered without redirecting.",
        ),
        _f(
            "refused",
            _S,
            "Why the URL or one of its redirect hops was not requested: robots.txt, outside the source's domains, a "
            "private/loopback/link-local/reserved address, or a host deferred after repeated failures; null otherwise.",
        ),
        _f("fetched_at", _TS, "When the URL was fetched (UTC).", False),
        _f("run_id", _S, "Run that attempted it.", False),
        _f("snapshot_date", _D, "Night of the run (null in rows written before this column existed)."),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "pages": PAGES,
    "vacancies": VACANCIES,
    "vacancy_sightings": VACANCY_SIGHTINGS,
    "contacts": CONTACTS,
    "benefits": BENEFITS,
    "employers": EMPLOYERS,
    "employer_mentions": EMPLOYER_MENTIONS,
    "rejects": REJECTS,
    "fetch_log": FETCH_LOG,
    "vacancy_snapshots": VACANCY_SNAPSHOTS,
    "source_nights": SOURCE_NIGHTS,
}
# Tables stored as hive partitions: <table>/<column>=<value>/part-0.parquet (the column is in the path only).
PARTITIONED = {"vacancy_snapshots": "snapshot_date"}
TABLE_DESCRIPTIONS = {
    "pages": "One row per document per run: where it came from, its snapshot, its kind.",
    "vacancies": "One row per role ever advertised (a role advertised on several pages of a source counts once), "
    "with first_seen, last_seen and status derived from vacancy_snapshots.",
    "vacancy_sightings": "One row per role per page it was read from (before de-duplication).",
    "contacts": "One row per contact point (a person, phone, email or office).",
    "benefits": "One row per benefit category mentioned per passage.",
    "employers": "One row per employer named or configured, with ONS codes.",
    "employer_mentions": "One row per employer named on a page.",
    "rejects": "Documents that could not be read or extracted, with the reason; nothing is lost silently.",
    "fetch_log": "One row per URL attempted per run (crawled sources): status, size, time, attempts, cache, error.",
    "vacancy_snapshots": "What each night saw: one row per vacancy per night, hive-partitioned by snapshot_date "
    "(vacancy_snapshots/snapshot_date=YYYY-MM-DD/part-0.parquet).",
    "source_nights": "One row per source per night: pages changed, unchanged and failed; vacancies seen, new, "
    "updated, closed and withdrawn.",
}
