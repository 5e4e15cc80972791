"""The read side: the projection folded from the log, and how it is built (SPEC §5).

`projection` is the state; `fold` turns stored events into it; `replay` decides what to fold
(the known_at cut, the nearest snapshot, one process or two); `snapshots` keeps folded states
beside the log; `parallel` folds a long stretch on two processes.
"""
