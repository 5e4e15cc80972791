"""`campaign audit`, `campaign export` and `campaign import`: for auditors."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cli.context import Refusal, engine_for, keep_snapshots, parse_date
from cli.options import key_option, read_options, store_options
from cli.output import counted, print_json, print_json_list, progress

if TYPE_CHECKING:
    from collections.abc import Iterator


@click.group()
def audit() -> None:
    """For auditors: verify the hash chain, list events, explain differences, reproduce."""


@audit.command("verify")
@click.option(
    "--digest",
    "expected",
    metavar="HASH@POSITION",
    help="Also check against a digest kept outside the store (as printed on receipts).",
)
@click.option(
    "--against",
    metavar="HEAD",
    help="Prove the log extends this tree head: a file holding a head as audit head prints "
    "it (or its --json, or a receipt's JSON), or that text itself.",
)
@click.option(
    "--public-key",
    metavar="FILE",
    help="The office's public key (as audit keygen prints it): check the head's signature.",
)
@click.option(
    "--snapshots",
    is_flag=True,
    help="Also check every projection snapshot against the log (a full replay).",
)
@read_options
def audit_verify(
    expected: str | None,
    against: str | None,
    public_key: str | None,
    snapshots: bool,
    db: str,
    as_json: bool,
) -> None:
    """Check the whole log; name the first position that fails (exit 1).

    Recomputes every link of the hash chain and every node of the Merkle tree from the
    stored events, and checks that recorded times never go back: catches an event modified,
    deleted, inserted or reordered. With --against, also proves that the log extends a tree
    head kept outside the store (a rewritten middle, a dropped tail, an event forged before
    the head's size: even when the chain and the tree were written again to match), and with
    --public-key (only with --against) that the office signed that head. --digest checks a
    chain head the same way. Projection snapshots (a cache) are outside the log:
    --snapshots checks each against what the log folds to.

    \b
    Examples:
      campaign audit verify
      campaign audit head --db demo.db --json > head.json
      campaign audit verify --db demo.db --against head.json
      campaign audit verify --db demo.db --snapshots \\
      --digest 19c02ad633d2203a55272b58ee07f621d6e536e16a5feb45f7b7b10f171eef10@49
    """
    import time

    from campaign import verify
    from campaign.audit.proofs import verify_against

    if public_key is not None and against is None:  # else the key would go unused, unsaid
        raise click.UsageError(
            f"--public-key {public_key}: 须与 --against 同用：公钥只核验 --against 所给树头的签名 "
            "(needs --against HEAD: the key checks the signature of that head, and nothing "
            "else)"
        )
    started = time.perf_counter()
    head = None if against is None else read_head(against)
    public = None if public_key is None else _public(public_key)
    with engine_for(db, create=False) as engine, progress("verifying") as tick:
        extension = None
        if head is None:
            result = verify(engine.store, expected=expected, progress=tick, snapshots=snapshots)
        else:  # one walk proves both the log and the head
            extension = verify_against(
                engine, head, public=public, progress=tick, expected=expected
            )
            result = extension.log
            if snapshots and result.ok:
                result = verify(engine.store, expected=expected, progress=tick, snapshots=True)
    seconds = time.perf_counter() - started
    ok = result.ok and (extension is None or extension.ok)
    if as_json:
        document: dict[str, Any] = {
            "ok": ok,
            "events": result.events,
            "digest": result.digest,
            "first_bad_position": result.position,
            "problem": result.problem,
        }
        if extension is not None:
            document["against"] = {
                "head": extension.head.as_json(),
                "extends": extension.log.ok and extension.problem is None,
                "signature_checked": extension.signature_checked,
                "signature_problem": extension.signature,
                "head_problem": extension.head_problem,
                "problem": extension.problem,
                "first_bad_position": extension.position,
                "between": list(extension.between) if extension.between else None,
            }
        print_json(document)
    elif ok:
        checked = " and the digest" if expected else ""
        click.echo(
            f"verified {result.events:,} events{checked} in {seconds:.2f} s\n  head {result.digest}"
        )
        if extension is not None:
            click.echo(_extends(extension))
    if ok:
        return
    if not as_json:
        if not result.ok:
            line = f"the log fails verification at position {result.position}: {result.problem}"
        else:
            assert extension is not None
            line = _fails(extension)
        click.echo(f"Error: {line}", err=True)
    sys.exit(1)


def read_head(given: str) -> Any:
    """A head from a file, or from the text given."""
    from campaign.store.heads import HeadError, parse_head

    path = Path(given)
    shown = given if "\n" not in given and len(given) <= 80 else "(the head given as text)"
    try:
        folder, file = path.is_dir(), path.is_file()
    except OSError:  # not a name a file can have: the head itself
        folder = file = False
    if folder:
        raise Refusal(f"head={shown}: is a folder, not a file holding a head")
    if not file and "\n" not in given and not given.lstrip().startswith(("{", "[")):
        raise Refusal(
            f"head={shown}: no such file (a head is a file kept from `audit head`, or its "
            "JSON text)"
        )
    try:
        text = path.read_text(encoding="utf-8") if file else given
    except (OSError, UnicodeDecodeError) as error:
        raise Refusal(f"head={shown}: cannot be read ({error})") from None
    try:
        return parse_head(text)
    except HeadError as error:
        raise Refusal(f"head={shown}: {error}") from None
    except RecursionError:
        raise Refusal(f"head={shown}: not JSON (nested too deep)") from None


def _public(path: str) -> Any:
    from campaign import StoreError
    from campaign.store.keys import load_public

    try:
        return load_public(Path(path))
    except StoreError as error:
        raise Refusal(f"public_key={path}: {error}") from None


def _extends(extension: Any) -> str:
    head = extension.head
    if extension.signature_checked:
        vouched = f"signed by key {head.key_id}"
    elif head.signed:
        vouched = f"key {head.key_id}, unchecked: give --public-key"
    else:
        vouched = "unsigned"
    return f"the log extends the head of {head.size:,} events ({vouched})\n  root {head.root.hex()}"


def _fails(extension: Any) -> str:
    if extension.signature is not None:
        return f"the head does not hold: {extension.signature}"
    if extension.head_problem is not None:
        return f"the head does not hold: {extension.head_problem}"
    where = ""
    if extension.position is not None:
        where = f" (first difference at position {extension.position})"
    elif extension.between is not None:
        first, last = extension.between
        where = f" (the first difference lies between positions {first} and {last})"
    return f"the log does not extend the head: {extension.problem}{where}"


@audit.command("keygen")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the private key (a new file, kept outside the store).",
)
def audit_keygen(out: Path) -> None:
    """Make the office's signing key: write it to --out, print its public key.

    The private key signs the log's tree heads (--key, or CAMPAIGN_SIGNING_KEY); keep it
    with the office, outside the store, readable by the office only. The public key (on
    stdout) is for auditors: audit verify --public-key and tools/verify_proof.py check heads
    and proofs with it.

    \b
    Example:
      campaign audit keygen --out office.key > office.pub
    """
    from campaign import StoreError
    from campaign.store.keys import generate, public_pem

    try:
        signer = generate(out)
    except StoreError as error:
        raise Refusal(f"out={out}: {error}") from None
    click.echo(public_pem(signer.public).decode(), nl=False)
    click.echo(
        f"wrote the signing key {out} (key id {signer.key_id}); the public key is above",
        err=True,
    )


@audit.command("head")
@key_option
@read_options
def audit_head(signing_key: str | None, db: str, as_json: bool) -> None:
    """Print the log's tree head: its size, the root of its Merkle tree, the recorded time
    of its last event, and (with the office's key) the key id and the signature.

    Keep a head outside the store: audit verify --against proves later that the log still
    extends it.

    \b
    Examples:
      campaign audit head --db demo.db
      campaign audit head --db demo.db --json > head.json
    """
    from campaign.audit.proofs import current_head

    with engine_for(db, create=False, signing_key=signing_key) as engine:
        head = current_head(engine)
    if as_json:
        print_json(head.as_json())
    else:
        click.echo("\n".join(head.lines()))


@audit.command("prove")
@click.argument("position", type=click.IntRange(min=1), required=False)
@click.option(
    "--since",
    metavar="HEAD",
    help="Instead of an event: prove that the log extends this earlier head (as verify).",
)
@click.option("--against", metavar="HEAD", help="A head kept outside the store (as verify).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the proof (JSON).",
)
@key_option
@store_options
def audit_prove(
    position: int | None,
    since: str | None,
    against: str | None,
    out: Path,
    signing_key: str | None,
    db: str,
) -> None:
    """Write a proof that the event at POSITION is in the log: its stored bytes, its audit
    path in the Merkle tree, and the signed head the path leads to (the given --against
    head, else the log's head now, signed with --key).

    With --since HEAD instead of a position, write a consistency proof: that the log of that
    earlier head (one an auditor kept) is a prefix of the log now, so nothing before its size
    was changed, dropped or inserted since.

    Anyone can check either offline, without the engine, with the office's public key:
    python tools/verify_proof.py PROOF.json --public-key office.pub (docs/PROOFS.md).

    \b
    Examples:
      campaign audit prove 12 --db demo.db --key office.key --out proof-12.json
      campaign audit prove 12 --db demo.db --against head.json --out proof-12.json
      campaign audit prove --since head.json --db demo.db --key office.key \\
          --out extends.json
    """
    from campaign.audit.proofs import extension_proof, inclusion_proof

    if position is None and since is None:
        raise Refusal("position=(none): is required (or --since HEAD, for a consistency proof)")
    if position is not None and since is not None:
        raise Refusal(f"since={since}: proves the whole log, so give no POSITION with it")
    head = None if against is None else read_head(against)
    earlier = None if since is None else read_head(since)
    with engine_for(db, create=False, signing_key=signing_key) as engine:
        if earlier is not None:
            proof = extension_proof(engine, earlier, head)
        else:
            assert position is not None
            proof = inclusion_proof(engine, position, head)
    try:
        out.write_bytes(json.dumps(proof, indent=2, ensure_ascii=False).encode() + b"\n")
    except OSError as error:
        raise Refusal(f"out={out}: cannot be written ({error.strerror})") from None
    final = proof["head"] if earlier is None else proof["to"]
    if earlier is None:
        event = proof["event"]
        kind = event["topic"].rpartition(":")[2]
        what = f"event {position} ({kind}, {event['originator_id']})\n  in the log of"
    else:
        what = f"the log of {earlier.size:,} events is a prefix of the log of"
    click.echo(
        f"wrote {out}:\n  {what} {final['size']:,} events"
        + (f"\n  head signed by key {final['key_id']}" if final["signature"] else "")
    )
    unsigned = [h for h in (final, proof.get("from")) if h is not None and not h["signature"]]
    if unsigned:
        click.echo(
            "warning: a head of the proof is unsigned: a verifier refuses it (give --key)",
            err=True,
        )


@audit.command("log")
@click.option("--project", help="Only this project's events.")
@click.option(
    "--type",
    "types",
    multiple=True,
    help="Only this event type, e.g. Reported or DailyReport.Corrected (repeat).",
)
@click.option("--from", "date_from", help="Effective dates from this day.")
@click.option("--to", "date_to", help="Effective dates up to this day.")
@click.option("--recorded-from", help="Recorded at or after this time (date or ISO time).")
@click.option("--recorded-to", help="Recorded at or before this time (date: the end of that day).")
@click.option("--actor", "who", help="Only what this actor recorded.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many events.")
@read_options
def audit_log(
    project: str | None,
    types: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    recorded_from: str | None,
    recorded_to: str | None,
    who: str | None,
    limit: int | None,
    db: str,
    as_json: bool,
) -> None:
    """List the events, with both times (effective date, recorded time) and the actor.

    An event to a row, as wide as the terminal or as COLUMNS says (80 columns on a pipe): its
    position, times, type and project, then under it the actor, the request and the fields,
    wrapped. --json gives every event whole, for machines.

    \b
    Examples:
      campaign audit log --project ZZ-001 --type Corrected
      campaign audit log --from 2020-06-01 --to 2020-06-30 \\
          --recorded-from 2020-07-01 --json
    """
    from campaign import LogFilter, log_entries
    from campaign.domain.time import DEFAULT_TIMEZONE, known_at_cut

    with engine_for(db, create=False) as engine:
        campaign = engine.campaign()
        zone = campaign.timezone if campaign else DEFAULT_TIMEZONE

        def moment(value: str | None, field: str, *, start: bool) -> Any:
            if value is None:
                return None
            try:
                if start and len(value.strip()) == 10:
                    return known_at_cut(value, zone).replace(
                        hour=0, minute=0, second=0, microsecond=0
                    )
                return known_at_cut(value, zone)
            except ValueError:
                raise Refusal(f"{field}={value}: must be a date or an ISO time") from None

        where = LogFilter(
            project=project,
            types=types,
            date_from=parse_date(date_from, "from"),
            date_to=parse_date(date_to, "to"),
            recorded_from=moment(recorded_from, "recorded_from", start=True),
            recorded_to=moment(recorded_to, "recorded_to", start=False),
            actor=who,
        )
        entries = log_entries(engine.store, where, timezone=zone, limit=limit)
        if as_json:  # printed as read: the first events show at once, memory stays flat
            print_json_list(entries)
            return
        from cli.audit_tables import print_log
        from cli.tables import console

        shown = print_log(entries, zone, console(), events=engine.store.head())
    click.echo(f"共 {shown:,} 条事件（{counted(shown, 'event')}）", err=True)


@audit.command("diff")
@click.option("--as-of", required=True, help="The effective date of the checkpoint.")
@click.option("--known-at", required=True, help="The earlier view: what was known then.")
@click.option("--vs", required=True, help="The later view to compare with.")
@read_options
def audit_diff(as_of: str, known_at: str, vs: str, db: str, as_json: bool) -> None:
    """What changed in a checkpoint between two views of the log, and which events did it.

    \b
    Example (what the late reports and corrections changed in the June report):
      campaign audit diff --as-of 2020-06-30 --known-at 2020-06-30 \\
          --vs 2020-07-10 --db demo.db
    """
    from campaign import diff
    from campaign.domain.errors import printable
    from campaign.domain.time import DEFAULT_TIMEZONE, in_zone
    from cli.audit_tables import shown_fields

    day = parse_date(as_of)
    with engine_for(db, create=False) as engine:
        campaign = engine.campaign()
        result = diff(engine, day, known_at, vs)
    if as_json:
        print_json(result.document())
        return
    from cli.tables import console, wrapped

    width = console().width
    low, high = result.positions
    for line in wrapped(
        f"调度 {result.as_of}：截至 {known_at} 所知（读至位置 {low}），对比截至 {vs} 所知"
        f"（读至位置 {high}）",
        width,
    ):
        click.echo(line)
    if not result.changes:
        click.echo("无数字变化（no figure changed）")

    def hanging(said: str) -> None:  # two spaces in, a wrapped line four
        lines = wrapped(printable(said), width, indent=4)
        click.echo("\n".join([f"  {lines[0][4:]}", *lines[1:]]))

    for change in result.changes:
        hanging(f"{change['figure']}: {change['before']} -> {change['after']}")
    zone = campaign.timezone if campaign else DEFAULT_TIMEZONE
    if result.causes:
        click.echo("其间记录的事件（the events recorded in between）:")
    for e in result.causes:  # the event, then its fields hanging under it
        said = f"#{e['position']}  {in_zone(e['recorded'], zone)}  {e['actor']}  {e['type']}"
        said += "".join(f"  {part}" for part in (e["project"], e["date"]) if part)
        hanging(f"{said}  {shown_fields(e['fields'])}")


@audit.command("reproduce")
@read_options
def audit_reproduce(db: str, as_json: bool) -> None:
    """Recompute every published checkpoint and compare state hashes; any that does not
    reproduce exits 1. Each publication gets one verdict (--json: its status), and one that
    does not reproduce never stops the others being checked:

    \b
      一致 (ok)                    the same state hash from the same log
      日志不符 (log_differs)       the log's chain link at the position read
                                   is not the head hash recorded: the history
                                   before it was rewritten, or the publication
                                   forged (audit verify --against a head kept
                                   outside the store finds where)
      数字不符 (figures_differ)    the same log, another state hash
      无法复核 (not_reproducible)  a field missing or malformed (named with
                                   its value and the rule), or a log that
                                   cannot be folded

    \b
    Example:
      campaign audit reproduce
    """
    from campaign import reproduce
    from campaign.audit.reproduce import STATUSES
    from cli.audit_tables import error_line, print_reproductions, reproduction_json

    with engine_for(db, create=False) as engine:
        results = reproduce(engine)
    bad = [r for r in results if not r.ok]
    if as_json:
        print_json(
            {
                "published": len(results),
                "mismatches": len(bad),
                "by_status": {s: sum(r.status == s for r in results) for s in STATUSES},
                "checkpoints": [reproduction_json(r) for r in results],
            }
        )
    else:
        print_reproductions(results)
    for r in bad:
        click.echo(f"Error: {error_line(r)}", err=True)
    if bad:
        sys.exit(1)


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@store_options
@click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON (on stderr with -)."
)
def export_command(file: Path, db: str, as_json: bool) -> None:
    """Write the whole log, with its hash chain, to a JSON Lines file (- for stdout).

    \b
    Example:
      campaign export campaign-2020.jsonl
      campaign export demo-2020.jsonl --db demo.db
    """
    from campaign import export

    with engine_for(db, create=False) as engine:
        if str(file) == "-":
            result = export(engine.store, sys.stdout.buffer)
        else:
            try:
                out = file.open("wb")
            except OSError as error:
                raise Refusal(f"cannot write {file}: {error.strerror}") from None
            with out:
                result = export(engine.store, out)
    if as_json:
        document = {"file": str(file), "events": result.events, "digest": result.digest}
        print_json(document, compact=True, err=str(file) == "-")
    else:
        click.echo(f"exported {result.events:,} events: head {result.digest}", err=str(file) == "-")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@store_options
@click.option(
    "--digest",
    "expected",
    metavar="HASH@POSITION",
    help="Refuse the file unless its chain ends at this digest (kept outside the store).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def import_command(file: Path, db: str, expected: str | None, as_json: bool) -> None:
    """Load an exported log into an empty store, re-verifying every link and event (all or
    nothing). An exported file can be rewritten whole, with a fresh chain: give --digest (as
    printed on a receipt) to be sure it is the log you meant.

    \b
    Example:
      campaign import demo-2020.jsonl --db copy.db \\
      --digest 19c02ad633d2203a55272b58ee07f621d6e536e16a5feb45f7b7b10f171eef10@49
    """
    from campaign import CampaignError, LineError, import_log

    with removed_if_refused(db), engine_for(db, create=True) as engine, file.open("rb") as handle:
        try:
            result = import_log(engine.store, iter(handle), expected=expected)
        except CampaignError as error:
            raise Refusal(
                f"{file.name} {error}" if isinstance(error, LineError) else str(error)
            ) from None
    keep_snapshots(db)
    if as_json:
        print_json({"file": str(file), "events": result.events, "digest": result.digest})
    else:
        click.echo(f"imported {result.events:,} events: head {result.digest}")


@contextmanager
def removed_if_refused(db: str) -> Iterator[None]:
    """A SQLite store file this command creates is removed again if the command fails, so a
    refused import or scenario leaves nothing behind."""
    from campaign.store.store import is_postgres

    path = None if is_postgres(db) else Path(db)
    fresh = path is not None and not path.exists()
    try:
        yield
    except BaseException:
        if fresh and path is not None:
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
        raise
