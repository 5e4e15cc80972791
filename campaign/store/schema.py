"""The version of the store's schema: the tables, triggers and functions this engine writes and
relies on. A store of another version is refused by ordinary commands (`campaign admin migrate`
moves it on), so that no command ever changes a schema behind its owner's back.

Versions:
1. the log, its hash chain (computed by the client) and projection snapshots;
2. the schema recorded in the store; on PostgreSQL, roles enforced by the database (who may
   append what, as whom, when) and the chain computed by the database itself; on SQLite, a
   stored row can no longer be replaced by INSERT OR REPLACE;
3. the Merkle tree over the log (RFC 9162's shape, `campaign.store.tree`): the perfect subtrees
   each event completes, written in the same transaction as the event (on PostgreSQL by the
   database's append trigger); a migration computes it for the events already stored.
"""

from campaign.domain import topics

SCHEMA_VERSION = 3

TEAM_TOPICS = (
    topics.REPORT_REPORTED,
    topics.REPORT_CORRECTED,
    topics.PROJECT_MILESTONE_REACHED,
    topics.REQUEST_FILED,
    topics.REQUEST_EXTENDED,
    topics.REQUEST_ESCALATED,
    topics.REQUEST_RESOLVED,
    topics.KEY_ASSIGNED,
)
"""What a project team may append, about its own projects only: reports and corrections,
milestones, factor requests and their handling (SPEC §4; issue of roles)."""

OWNER_TOPICS = (topics.ACCESS_GRANTED, topics.ACCESS_REGRANTED, topics.ACCESS_REVOKED)
"""What only the store's owner appends: who may do what."""
