"""The PostgreSQL schema beyond the library's events table, created once by the owner
(`campaign admin init`) and never by an ordinary command.

The database itself keeps the log's promises, whoever connects:
- the events and their hash chain refuse UPDATE, DELETE and TRUNCATE (triggers);
- after every INSERT into the events table, `campaign_append` (run as the owner) checks each
  new event against the role that appends it (`session_user`): an office may append anything
  but grants, a project team only the events of its granted projects, an auditor nothing; the
  recorded actor must be the role (a display name may follow it in parentheses) and the
  recorded time the server's clock (within a few minutes), never earlier than the event before;
  then it extends the hash chain, so no client writes a link;
- the write lock is taken through `campaign_lock`, so a team needs no right to lock the table
  itself; roles get exactly the table rights their kind needs (`grants`).
"""

from __future__ import annotations

from psycopg.sql import SQL, Composable, Identifier, Literal

from campaign.domain.access import ROLE_KINDS
from campaign.store.schema import OWNER_TOPICS, SCHEMA_VERSION, TEAM_TOPICS

CLOCK_SLACK = "10 minutes"
"""How far before the server's clock a writer's recorded time may be (a long import stamps its
events when it takes the lock)."""


def names(schema: str, events: str) -> dict[str, Composable]:
    return {
        "schema": Identifier(schema),
        "events": Identifier(events),
        "chain": Identifier(f"{events}_chain"),
        "tree": Identifier(f"{events}_tree"),
        "snapshots": Identifier(f"{events}_snapshots"),
        "meta": Identifier(f"{events}_schema"),
        "access": Identifier(f"{events}_access"),
        "sequence": Identifier(f"{events}_notification_id_seq"),
        "refuse": Identifier(f"{events}_refuse_change"),
        "append": Identifier(f"{events}_append"),
        "lock": Identifier(f"{events}_lock"),
    }


def tables(schema: str, events: str) -> list[Composable]:
    """The tables beside the events table (IF NOT EXISTS: version 1 stores have some)."""
    n = names(schema, events)
    return [
        SQL(
            "CREATE TABLE IF NOT EXISTS {schema}.{chain} (position bigint PRIMARY KEY, "
            "notification_id bigint NOT NULL UNIQUE, hash bytea NOT NULL)"
        ).format(**n),
        SQL(
            "CREATE TABLE IF NOT EXISTS {schema}.{tree} (position bigint PRIMARY KEY, "
            "nodes bytea NOT NULL)"
        ).format(**n),
        SQL(
            "CREATE TABLE IF NOT EXISTS {schema}.{snapshots} (position bigint NOT NULL, "
            "format int NOT NULL, head bytea NOT NULL, data bytea NOT NULL, "
            "digest bytea NOT NULL, PRIMARY KEY (position, format))"
        ).format(**n),
        SQL(
            "CREATE TABLE IF NOT EXISTS {schema}.{meta} (version int NOT NULL, "
            "owner name NOT NULL, changed timestamptz NOT NULL DEFAULT now())"
        ).format(**n),
        SQL(
            "CREATE TABLE IF NOT EXISTS {schema}.{access} (role name NOT NULL, "
            "kind text NOT NULL CHECK (kind IN ({kinds})), project text, "
            "UNIQUE (role, project))"
        ).format(kinds=SQL(", ").join(Literal(k) for k in ROLE_KINDS), **n),
    ]


def functions(schema: str, events: str) -> list[Composable]:
    """The functions and triggers (CREATE OR REPLACE: a migration brings them up to date)."""
    n = names(schema, events)
    team = SQL(", ").join(Literal(t) for t in TEAM_TOPICS)
    owner_only = SQL(", ").join(Literal(t) for t in OWNER_TOPICS)
    statements: list[Composable] = [
        SQL(
            "CREATE OR REPLACE FUNCTION {schema}.{refuse}() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'the campaign log is append-only: % refused', TG_OP; "
            "END $$"
        ).format(**n),
        SQL(
            "CREATE OR REPLACE FUNCTION {schema}.{lock}() RETURNS void LANGUAGE plpgsql "
            "SECURITY DEFINER SET search_path = pg_catalog AS $$ BEGIN "
            "LOCK TABLE {schema}.{events} IN EXCLUSIVE MODE; END $$"
        ).format(**n),
        SQL(
            """
CREATE OR REPLACE FUNCTION {schema}.{append}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_who name := session_user;
    v_privileged boolean;
    v_kind text;
    v_position bigint;
    v_head bytea;
    v_last_time text;
    r record;
    v_state jsonb;
    v_actor text;
    v_moment text;
    v_project text;
    v_oid bytea;
    v_top bytea;
    v_entry bytea;
    f_sizes bigint[] := '{{}}';
    f_hashes bytea[] := '{{}}';
    v_start bigint := 0;
    v_width bigint;
    v_size bigint;
    v_node bytea;
    v_nodes bytea;
    v_last int;
BEGIN
    SELECT v_who = m.owner
           OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_who AND rolsuper)
      INTO v_privileged FROM {schema}.{meta} m LIMIT 1;
    IF v_privileged IS NULL THEN
        RAISE EXCEPTION 'the campaign store is not initialised: run campaign admin init';
    END IF;
    IF NOT v_privileged THEN
        SELECT a.kind INTO v_kind FROM {schema}.{access} a WHERE a.role = v_who LIMIT 1;
        IF v_kind IS NULL THEN
            RAISE EXCEPTION 'role % has no access to this campaign log', v_who;
        ELSIF v_kind = 'auditor' THEN
            RAISE EXCEPTION 'role % is an auditor: it reads the log and appends nothing', v_who;
        END IF;
    END IF;
    SELECT c.position, c.hash, convert_from(e.state, 'UTF8')::jsonb ->> 'timestamp'
      INTO v_position, v_head, v_last_time
      FROM {schema}.{chain} c JOIN {schema}.{events} e USING (notification_id)
      ORDER BY c.position DESC LIMIT 1;
    IF v_position IS NULL THEN
        v_position := 0;
        v_head := decode(repeat('00', 32), 'hex');
    END IF;
    -- the right edge of the Merkle tree of v_position events (campaign.store.tree)
    FOR v_bit IN REVERSE 62..0 LOOP
        v_width := 1::bigint << v_bit;
        CONTINUE WHEN v_position & v_width = 0;
        IF v_width = 1 THEN
            SELECT sha256('\\x00'::bytea
                       || int4send(octet_length(convert_to(e.originator_id, 'UTF8')))
                       || convert_to(e.originator_id, 'UTF8') || int8send(e.originator_version)
                       || int4send(octet_length(convert_to(e.topic, 'UTF8')))
                       || convert_to(e.topic, 'UTF8')
                       || int8send(octet_length(e.state)::bigint) || e.state)
              INTO v_node
              FROM {schema}.{chain} c JOIN {schema}.{events} e USING (notification_id)
             WHERE c.position = v_position;
        ELSE
            SELECT substring(t.nodes FROM (v_bit - 1) * 32 + 1 FOR 32) INTO v_node
              FROM {schema}.{tree} t WHERE t.position = v_start + v_width;
        END IF;
        IF v_node IS NULL OR octet_length(v_node) <> 32 THEN
            RAISE EXCEPTION 'the store''s Merkle tree has no node at position %: %',
                v_start + v_width, 'its owner runs campaign admin migrate';
        END IF;
        f_sizes := f_sizes || v_width;
        f_hashes := f_hashes || v_node;
        v_start := v_start + v_width;
    END LOOP;
    FOR r IN SELECT * FROM appended ORDER BY notification_id LOOP
        v_state := convert_from(r.state, 'UTF8')::jsonb;
        v_moment := v_state ->> 'timestamp';
        IF v_moment IS NULL OR v_moment < v_last_time THEN
            RAISE EXCEPTION 'event %: its recorded time % is earlier than the event before (%)',
                r.originator_id, v_moment, v_last_time;
        END IF;
        IF NOT v_privileged THEN
            IF r.topic IN ({owner_only}) THEN
                RAISE EXCEPTION 'role %: only the store''s owner grants and revokes', v_who;
            END IF;
            v_actor := v_state ->> 'actor';
            IF v_actor IS NULL OR NOT (v_actor = v_who
                    OR (left(v_actor, length(v_who) + 2) = v_who || ' ('
                        AND right(v_actor, 1) = ')')) THEN
                RAISE EXCEPTION 'role % may append only as itself, not as %', v_who, v_actor;
            END IF;
            IF v_moment::timestamptz > clock_timestamp()
                    OR v_moment::timestamptz < clock_timestamp() - interval {slack} THEN
                RAISE EXCEPTION 'role %: recorded time % is not the server''s clock (%)',
                    v_who, v_moment, clock_timestamp();
            END IF;
            IF v_kind = 'team' THEN
                IF r.topic NOT IN ({team}) THEN
                    RAISE EXCEPTION 'role % is a project team: it may not append %',
                        v_who, r.topic;
                END IF;
                v_project := v_state ->> 'code';
                IF v_project IS NULL AND r.topic = 'campaign.domain:FactorKey.Assigned' THEN
                    SELECT convert_from(f.state, 'UTF8')::jsonb ->> 'code' INTO v_project
                      FROM appended f
                     WHERE f.topic = 'campaign.domain:FactorRequest.Filed'
                       AND convert_from(f.state, 'UTF8')::jsonb ->> 'request_id'
                           = v_state ->> 'request_id';
                END IF;
                IF v_project IS NULL OR NOT EXISTS (
                        SELECT 1 FROM {schema}.{access} a
                         WHERE a.role = v_who AND a.project = v_project) THEN
                    RAISE EXCEPTION 'role % may not append events of project %', v_who, v_project;
                END IF;
            END IF;
        END IF;
        v_oid := convert_to(r.originator_id, 'UTF8');
        v_top := convert_to(r.topic, 'UTF8');
        v_entry := int4send(octet_length(v_oid)) || v_oid
            || int8send(r.originator_version) || int4send(octet_length(v_top)) || v_top
            || int8send(octet_length(r.state)::bigint) || r.state;
        v_head := sha256(v_head || v_entry);
        v_position := v_position + 1;
        INSERT INTO {schema}.{chain} VALUES (v_position, r.notification_id, v_head);
        -- the leaf, and the perfect subtrees it completes
        v_node := sha256('\\x00'::bytea || v_entry);
        v_size := 1;
        v_nodes := ''::bytea;
        v_last := cardinality(f_sizes);
        WHILE v_last > 0 AND f_sizes[v_last] = v_size LOOP
            v_node := sha256('\\x01'::bytea || f_hashes[v_last] || v_node);
            f_sizes := f_sizes[1:v_last - 1];
            f_hashes := f_hashes[1:v_last - 1];
            v_size := v_size * 2;
            v_nodes := v_nodes || v_node;
            v_last := v_last - 1;
        END LOOP;
        f_sizes := f_sizes || v_size;
        f_hashes := f_hashes || v_node;
        IF octet_length(v_nodes) > 0 THEN
            INSERT INTO {schema}.{tree} VALUES (v_position, v_nodes);
        END IF;
        v_last_time := v_moment;
    END LOOP;
    RETURN NULL;
END $$
"""
        ).format(team=team, owner_only=owner_only, slack=Literal(CLOCK_SLACK), **n),
        SQL(
            "CREATE OR REPLACE TRIGGER append AFTER INSERT ON {schema}.{events} "
            "REFERENCING NEW TABLE AS appended FOR EACH STATEMENT "
            "EXECUTE FUNCTION {schema}.{append}()"
        ).format(**n),
    ]
    for table in ("events", "chain", "tree"):
        statements += [
            SQL(
                "CREATE OR REPLACE TRIGGER refuse_update_delete BEFORE UPDATE OR DELETE "
                "ON {schema}.{table} FOR EACH ROW EXECUTE FUNCTION {schema}.{refuse}()"
            ).format(table=n[table], **n),
            SQL(
                "CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE "
                "ON {schema}.{table} FOR EACH STATEMENT EXECUTE FUNCTION {schema}.{refuse}()"
            ).format(table=n[table], **n),
        ]
    statements += [
        SQL(
            "REVOKE ALL ON {schema}.{events}, {schema}.{chain}, {schema}.{tree}, "
            "{schema}.{snapshots}, {schema}.{meta}, {schema}.{access} FROM PUBLIC"
        ).format(**n),
        SQL("REVOKE ALL ON FUNCTION {schema}.{lock}() FROM PUBLIC").format(**n),
        SQL("DELETE FROM {schema}.{meta}").format(**n),
        SQL("INSERT INTO {schema}.{meta} (version, owner) VALUES ({version}, current_user)").format(
            version=Literal(SCHEMA_VERSION), **n
        ),
    ]
    return statements


def grants(schema: str, events: str, role: str, kind: str) -> list[Composable]:
    """The table rights of a role of `kind` (after revoking whatever it had)."""
    n = names(schema, events)
    who = Identifier(role)
    readable = SQL(
        "{schema}.{events}, {schema}.{chain}, {schema}.{tree}, {schema}.{snapshots}, "
        "{schema}.{meta}, {schema}.{access}"
    ).format(**n)
    statements = [
        *revokes(schema, events, role),
        SQL("GRANT USAGE ON SCHEMA {schema} TO {who}").format(who=who, **n),
        SQL("GRANT SELECT ON {readable} TO {who}").format(readable=readable, who=who),
    ]
    if kind in ("office", "team"):
        statements += [
            SQL("GRANT INSERT ON {schema}.{events} TO {who}").format(who=who, **n),
            SQL("GRANT USAGE ON SEQUENCE {schema}.{sequence} TO {who}").format(who=who, **n),
            SQL("GRANT EXECUTE ON FUNCTION {schema}.{lock}() TO {who}").format(who=who, **n),
        ]
    if kind == "office":  # the office keeps the projection snapshots its queries take
        statements.append(SQL("GRANT INSERT ON {schema}.{snapshots} TO {who}").format(who=who, **n))
    return statements


def revokes(schema: str, events: str, role: str) -> list[Composable]:
    n = names(schema, events)
    who = Identifier(role)
    return [
        SQL(
            "REVOKE ALL ON {schema}.{events}, {schema}.{chain}, {schema}.{tree}, "
            "{schema}.{snapshots}, {schema}.{meta}, {schema}.{access} FROM {who}"
        ).format(who=who, **n),
        SQL("REVOKE ALL ON SEQUENCE {schema}.{sequence} FROM {who}").format(who=who, **n),
        SQL("REVOKE ALL ON FUNCTION {schema}.{lock}() FROM {who}").format(who=who, **n),
    ]


def access(
    schema: str, events: str, role: str, kind: str | None, projects: tuple[str, ...]
) -> list[Composable]:
    """The rights and access rows of `role` as `kind` (for a team, its projects); None takes
    every right away."""
    n = names(schema, events)
    statements: list[Composable] = [
        SQL("DELETE FROM {schema}.{access} WHERE role = {role}").format(role=Literal(role), **n)
    ]
    if kind is None:
        return statements + revokes(schema, events, role)
    statements += grants(schema, events, role, kind)
    statements += [
        SQL("INSERT INTO {schema}.{access} VALUES ({role}, {kind}, {project})").format(
            role=Literal(role), kind=Literal(kind), project=Literal(project), **n
        )
        for project in (projects or (None,))
    ]
    return statements
