"""The figures of SPEC §6: one pure, named function per figure, the per-project figures on a
date, and the assembly of the checkpoint document and its series.

Every figure is exact (integers, and ratios kept as integer pairs) from unrounded values;
rounding happens once, when a document is written.
"""
