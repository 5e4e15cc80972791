"""The auditors' tools (SPEC §7): verify the chain (`verify`), list events (`log`), explain the
difference between two views (`diff`), reproduce published checkpoints (`reproduce`), and
export and import the whole log (`transfer`)."""
