"""The use cases: the commands of SPEC §3 and their handlers, run by the engine in a unit of
work; scenario loading through the same path; and the queries, each with its receipt."""
